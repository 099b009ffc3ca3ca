"""The runner's record: runners, sessions, trials and analyses in a database (SQLite or PostgreSQL).

    from stridelab.store import Store, store_analysis
    store = Store(url)                      # migrated to the current schema on opening
    store_analysis(store, "R1", analysis, {"file": path}, date=dt.date(2026, 1, 5))

See :mod:`stridelab.store.models` for the tables and :mod:`stridelab.store.ingest` for the import
rules (idempotent, all-or-nothing, safe under concurrent imports).
"""

from __future__ import annotations

from stridelab.store.engine import default_path, resolve_url
from stridelab.store.ingest import StoredResult, input_key, is_stored, store_analysis
from stridelab.store.store import RunnerInfo, Store

__all__ = ["RunnerInfo", "Store", "StoredResult", "default_path", "input_key", "is_stored", "resolve_url", "store_analysis"]

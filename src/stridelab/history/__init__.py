"""A runner's history: sessions over time, change beyond measurement noise, trends, flags.

    from stridelab.store import Store
    from stridelab.history import history, load_record, changes, trend
    doc = history(Store(url), "R1")               # the JSON contract of ``stridelab history --json``
"""

from __future__ import annotations

from stridelab.history.change import Change, Trend, changes, compare_sessions, series, trend
from stridelab.history.document import history, history_document
from stridelab.history.record import RunnerRecord, TrialRecord, load_record
from stridelab.history.skill import skill_over_time

__all__ = ["Change", "RunnerRecord", "TrialRecord", "Trend", "changes", "compare_sessions", "history", "history_document", "load_record", "series", "skill_over_time", "trend"]

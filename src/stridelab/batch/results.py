"""Read a batch output folder back: its rows and per-trial JSON documents.

The hook for consumers of a finished batch (the runner store's import, notebooks): each trial's
row of ``trials.parquet`` (file, static, forces, runner, given mass and speed, status, reason) and,
for analysed trials, its JSON document, in trial-id order. The row holds exactly what a
single-trial import needs to analyse the same file the same way (``file``, ``static``, ``forces``,
``given_mass_kg``, ``given_speed_mps``, ``parameters``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stridelab.errors import InvalidInputError


def iter_results(out: str | Path, status: str | None = "ok") -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(row, document)`` of every trial of the batch folder ``out`` (only ``status`` ones unless None)."""
    import pandas as pd

    from stridelab.batch.tables import json_path

    out = Path(out)
    f = out / "trials.parquet"
    if not f.is_file():
        raise InvalidInputError(f"{out} is not a batch output folder (no trials.parquet); run 'stridelab batch' first")
    for row in pd.read_parquet(f).to_dict("records"):
        r = {str(k): (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        if status is not None and r.get("status") != status:
            continue
        p = json_path(out, str(r["trial_id"]))
        doc: dict[str, Any] = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
        yield r, doc


__all__ = ["iter_results"]

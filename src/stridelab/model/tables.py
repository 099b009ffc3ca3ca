"""The contact table and the step table: the two tables every input produces.

Both are :class:`pandas.DataFrame` with units in the column names. These helpers create them
with the right columns and dtypes so that every event detector and metric fills the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Columns every contact table has. ``source`` names the modality and method that found the
#: contact ("forces", "markers", "imu:left_foot", ...).
CONTACT_COLUMNS: dict[str, str] = {
    "side": "object",
    "ic_s": "float64",
    "to_s": "float64",
    "source": "object",
}

#: Columns every step table has (more may follow: per-step kinematics, kinetics).
STEP_COLUMNS: dict[str, str] = {
    "side": "object",
    "ic_s": "float64",
    "to_s": "float64",
    "next_ic_s": "float64",
    "gct_ms": "float64",
    "flight_ms": "float64",
    "step_time_ms": "float64",
    "step_length_m": "float64",
}


def contact_table(rows: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """A contact table from rows (dicts); extra keys become extra columns. Sorted by ``ic_s``."""
    df = pd.DataFrame(list(rows))
    for col, dtype in CONTACT_COLUMNS.items():
        if col not in df.columns:
            df[col] = pd.Series(dtype=dtype)
    df = df.astype({c: t for c, t in CONTACT_COLUMNS.items()})
    ordered = list(CONTACT_COLUMNS) + [c for c in df.columns if c not in CONTACT_COLUMNS]
    return df[ordered].sort_values("ic_s", kind="stable").reset_index(drop=True)


def empty_step_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in STEP_COLUMNS.items()})


def records(df: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """JSON-ready rows: NaN becomes None, numpy scalars become Python numbers."""
    cols = list(columns) if columns is not None else list(df.columns)
    values = [_json_column(df[c]) for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)] if cols else [{} for _ in range(len(df))]


def _json_column(col: pd.Series) -> list[Any]:
    """:func:`to_json_value` of every value of a column (whole numpy columns at once)."""
    dt = col.dtype
    if isinstance(dt, np.dtype) and dt.kind == "f":
        a = col.to_numpy()
        out: list[Any] = a.tolist()
        for i in np.flatnonzero(~np.isfinite(a)).tolist():
            out[i] = None
        return out
    if isinstance(dt, np.dtype) and dt.kind in "iub":
        return list(col.to_numpy().tolist())
    return [to_json_value(v) for v in col.to_numpy(dtype=object)]


def to_json_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if np.isfinite(f) else None
    return v

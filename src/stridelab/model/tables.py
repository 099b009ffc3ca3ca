"""The contact table and the step table: the two tables every input produces.

Both have units in the column names. These helpers create them with the right columns and dtypes
so that every event detector and metric fills the same shape: as a light
:class:`~stridelab.model.columns.Columns` on the analysis path (:func:`contact_columns`,
:func:`empty_step_columns`), or as a :class:`pandas.DataFrame` (:func:`contact_table`,
:func:`empty_step_table`) for the detectors that work with pandas. :func:`records` writes either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.model.columns import Columns

if TYPE_CHECKING:  # pragma: no cover
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


def contact_columns(rows: Iterable[Mapping[str, Any]] = ()) -> Columns:
    """:func:`contact_table` as :class:`Columns` (no pandas): the same columns, order and dtypes."""
    t = Columns.from_rows(rows)
    for col, dtype in CONTACT_COLUMNS.items():
        if col not in t:
            t[col] = np.full(len(t), None, dtype=object) if dtype == "object" else np.full(len(t), np.nan)
        elif t[col].dtype != dtype:
            t[col] = t[col].astype(dtype)
    ordered = list(CONTACT_COLUMNS) + [c for c in t.columns if c not in CONTACT_COLUMNS]
    return t.select(ordered).sort_by("ic_s")


def empty_step_columns() -> Columns:
    """:func:`empty_step_table` as :class:`Columns`."""
    return Columns.empty(STEP_COLUMNS)


def contact_table(rows: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """A contact table from rows (dicts); extra keys become extra columns. Sorted by ``ic_s``."""
    import pandas as pd

    df = pd.DataFrame(list(rows))
    for col, dtype in CONTACT_COLUMNS.items():
        if col not in df.columns:
            df[col] = pd.Series(dtype=dtype)
    df = df.astype({c: t for c, t in CONTACT_COLUMNS.items()})
    ordered = list(CONTACT_COLUMNS) + [c for c in df.columns if c not in CONTACT_COLUMNS]
    return df[ordered].sort_values("ic_s", kind="stable").reset_index(drop=True)


def empty_step_table() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in STEP_COLUMNS.items()})


def records(df: pd.DataFrame | Columns, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """JSON-ready rows of a DataFrame or :class:`Columns`: NaN becomes None, numpy scalars become
    Python numbers."""
    cols = list(columns) if columns is not None else list(df.columns)
    values = [_json_column(df[c]) for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)] if cols else [{} for _ in range(len(df))]


def _json_column(col: pd.Series | np.ndarray) -> list[Any]:
    """:func:`to_json_value` of every value of a column (whole numpy columns at once)."""
    dt = col.dtype
    if isinstance(col, np.ndarray):
        if dt.kind == "f":
            out_: list[Any] = col.tolist()
            for i in np.flatnonzero(~np.isfinite(col)).tolist():
                out_[i] = None
            return out_
        return list(col.tolist()) if dt.kind in "iub" else [to_json_value(v) for v in col.tolist()]
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

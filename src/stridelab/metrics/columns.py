"""Adding per-step columns from an analysis stage: the step table, the summary (median and IQR),
the per-side medians and the symmetry index, with the definitions of
:mod:`stridelab.metrics.summary` (symmetry index of Robinson et al. 1987 from per-side means).
Text columns get their most frequent value as the summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from stridelab.analysis import Analysis
    from stridelab.model.columns import Columns


def _finite(x: np.ndarray) -> np.ndarray:
    return x[np.isfinite(x)]


def _median(x: np.ndarray) -> float | None:
    v = _finite(x)
    return float(np.median(v)) if v.size else None


def _iqr(x: np.ndarray) -> float | None:
    v = _finite(x)
    if v.size < 2:
        return None
    q1, q3 = np.percentile(v, [25, 75])
    return float(q3 - q1)


def _mode(values: np.ndarray) -> str | None:
    c = Counter(v for v in values if isinstance(v, str))
    return c.most_common(1)[0][0] if c else None


def add_step_columns(analysis: Analysis, df: Columns | pd.DataFrame | Mapping[str, np.ndarray], bilateral: tuple[str, ...] = ()) -> None:
    """Join the columns of ``df`` (one value per row of the step table, in its order) to
    ``analysis.step_columns`` and summarise them."""
    steps = analysis.step_columns.select(analysis.step_columns.columns)  # a new table: the old one stays as it was
    sides = np.asarray(steps["side"])
    names = [str(c) for c in (df.columns if hasattr(df, "columns") else df)]
    values = {c: _array(df[c]) for c in names}
    for c in names:
        steps[c] = values[c]
    analysis.step_columns = steps
    for c in names:
        col = values[c]
        if col.dtype == object:
            analysis.summary[c] = _mode(col)
            for side in ("left", "right"):
                analysis.by_side.setdefault(side, {})[c] = _mode(col[sides == side])
            continue
        x = col.astype(float)
        analysis.summary[c] = _median(x)
        analysis.summary_iqr[c] = _iqr(x)
        means = {}
        for side in ("left", "right"):
            xs = x[sides == side]
            analysis.by_side.setdefault(side, {})[c] = _median(xs)
            v = _finite(xs)
            means[side] = float(v.mean()) if v.size else None
        if c in bilateral:
            lv, rv = means["left"], means["right"]
            ok = lv is not None and rv is not None and (lv + rv) != 0
            analysis.symmetry_pct[c] = 100.0 * (lv - rv) / (0.5 * (lv + rv)) if ok else None  # type: ignore[operator]


def _array(x: object) -> np.ndarray:
    """A column as a NumPy array (text and missing values of a pandas column as objects)."""
    to_numpy = getattr(x, "to_numpy", None)
    return np.asarray(to_numpy() if to_numpy is not None else x)


__all__ = ["add_step_columns"]

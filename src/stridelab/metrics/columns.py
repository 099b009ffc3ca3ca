"""Adding per-step columns from an analysis stage: the step table, the summary (median and IQR),
the per-side medians and the symmetry index, with the definitions of
:mod:`stridelab.metrics.summary` (symmetry index of Robinson et al. 1987 from per-side means).
Text columns get their most frequent value as the summary."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


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


def add_step_columns(analysis: Analysis, df: pd.DataFrame, bilateral: tuple[str, ...] = ()) -> None:
    """Join ``df`` (same index as ``analysis.steps``) and summarise its columns."""
    sides = analysis.steps["side"].to_numpy()
    values = {c: df[c].to_numpy() for c in df.columns}
    new = [c for c in df.columns if c not in analysis.steps.columns]
    for c in df.columns:
        if c not in new:
            analysis.steps[c] = values[c]
    if new:  # one concatenation instead of a column insert each (pandas re-indexes on every insert)
        added = pd.DataFrame({c: values[c] for c in new}, index=analysis.steps.index)
        analysis.steps = pd.concat([analysis.steps, added], axis=1)
    for c in df.columns:
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


__all__ = ["add_step_columns"]

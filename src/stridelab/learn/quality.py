"""The data-quality gate run before any training: what is dropped, and why, counted.

Three reasons, checked in this order, each row counted under the first that applies:

* ``gaps``: a missing (NaN) feature or target (e.g. a step at the edge of a recording, or an IMU
  step without a force contact to pair with);
* ``implausible``: a value outside its physical range (``ranges``: column -> (low, high), fixed in
  advance, never fitted);
* ``outliers``: a feature or target more than ``z_max`` robust standard deviations (1.4826 x the
  median absolute deviation) from the median of **its own runner's** rows. Per runner, so the gate
  uses no other runner's data and cannot leak information across a runner-wise split; and robust,
  so one bad step cannot hide itself by inflating the spread (Leys C et al. 2013, J Exp Soc
  Psychol 49:764, for the MAD rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stridelab.learn.dataset import StepDataset


@dataclass
class QualityReport:
    """Counts of the gate: rows in, dropped per reason, rows out, and per column."""

    n_in: int
    gaps: int
    implausible: int
    outliers: int
    n_out: int
    by_column: dict[str, dict[str, int]] = field(default_factory=dict)
    z_max: float = 6.0

    def to_dict(self) -> dict[str, object]:
        return {"n_in": self.n_in, "gaps": self.gaps, "implausible": self.implausible, "outliers": self.outliers,
                "n_out": self.n_out, "outlier_rule": f"|x - runner median| > {self.z_max:g} x 1.4826 MAD", "by_column": self.by_column}


def _robust_z(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    z = np.zeros_like(values, dtype=float)
    for g in np.unique(groups):
        m = groups == g
        v = values[m]
        med = np.nanmedian(v, axis=0)
        mad = 1.4826 * np.nanmedian(np.abs(v - med), axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            zz = np.abs(v - med) / mad
        z[m] = np.where(mad > 0, zz, 0.0)
    return z


def quality_gate(ds: StepDataset, ranges: dict[str, tuple[float, float]] | None = None, z_max: float = 6.0) -> tuple[StepDataset, QualityReport]:
    """The rows that pass (module docstring) and the report of what was dropped."""
    tab = pd.concat([ds.X, ds.y], axis=1)
    vals = tab.to_numpy(dtype=float)
    cols = list(tab.columns)
    by_col: dict[str, dict[str, int]] = {c: {"gaps": 0, "implausible": 0, "outliers": 0} for c in cols}
    gap = ~np.isfinite(vals)
    if ds.windows is not None:
        gap_w = ~np.isfinite(ds.windows).all(axis=(1, 2))
    else:
        gap_w = np.zeros(len(ds), dtype=bool)
    row_gap = gap.any(axis=1) | gap_w
    bad = np.zeros_like(gap)
    for c, (lo, hi) in (ranges or {}).items():
        if c in cols:
            j = cols.index(c)
            with np.errstate(invalid="ignore"):
                bad[:, j] = ~gap[:, j] & ((vals[:, j] < lo) | (vals[:, j] > hi))
    row_bad = ~row_gap & bad.any(axis=1)
    z = _robust_z(np.where(gap, np.nan, vals), ds.groups)
    far = ~gap & (z > z_max)
    row_far = ~row_gap & ~row_bad & far.any(axis=1)
    for j, c in enumerate(cols):
        by_col[c] = {"gaps": int(gap[:, j].sum()), "implausible": int(bad[:, j].sum()), "outliers": int(far[:, j].sum())}
    keep = ~(row_gap | row_bad | row_far)
    rep = QualityReport(len(ds), int(row_gap.sum()), int(row_bad.sum()), int(row_far.sum()), int(keep.sum()),
                        {c: v for c, v in by_col.items() if any(v.values())}, z_max)
    return ds.subset(keep), rep


__all__ = ["QualityReport", "quality_gate"]

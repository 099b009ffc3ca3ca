"""Data-quality checks before training or scoring: gaps, implausible and outlier strides, runners.

- Gaps: a stride with a run of at most ``max_gap`` missing samples inside it is filled by linear
  interpolation; longer gaps or gaps at the ends drop the stride.
- Implausible strides: any |angle| > 180 deg, a jump of more than 20 deg between consecutive samples
  (1 % of the stride, about 7 ms at running cadences: > 2,500 deg/s, beyond any joint angular
  velocity of running, about 1,000 deg/s at the knee in swing; such jumps are marker swaps or
  Cardan-angle flips: 8 % of the real strides of ``rbds_strides`` have them at the hip), or a
  sagittal angle that barely moves (range < 2 deg).
- Outlier strides (``method="iglewicz1993"``): per runner and angle, the RMS distance d of each
  stride from the runner's median curve; a stride whose modified z-score of log d
  (0.6745 (x - median x) / MAD; the log makes the right-skewed distances about symmetric) exceeds
  3.5 in any angle is dropped (3 % of the real strides of ``rbds_strides``) (Iglewicz B, Hoaglin DC (1993) How to detect and handle
  outliers. ASQC Quality Press).
- Each side of a runner is checked on its own (its strides are kept or dropped for all its
  angles together); a side with fewer than ``min_strides`` good strides is left out, a runner
  with no side left is excluded; runners whose mean curves lie
  far from the population (modified z > 3.5 of their median-curve distance, pooled over angles)
  are flagged, not removed (an unusual runner is data, not an error).
Nothing is dropped silently: the report lists every count and every runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.skill.angles import SAGITTAL_ANGLES
from stridelab.skill.population import Curves, Population

MOD_Z = 3.5
MAX_STEP_DEG = 20.0


@dataclass
class QualityReport:
    strides_in: int = 0
    strides_interpolated: int = 0
    strides_dropped_gap: int = 0
    strides_dropped_implausible: int = 0
    strides_dropped_outlier: int = 0
    runners_excluded: dict[str, str] = field(default_factory=dict)
    sides_excluded: dict[str, str] = field(default_factory=dict)
    runners_flagged: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _fill_gaps(s: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Interpolate short inner gaps; return (strides, ok mask, n interpolated)."""
    out = s.copy()
    ok = np.ones(s.shape[0], bool)
    n_interp = 0
    x = np.arange(s.shape[1])
    for i in np.flatnonzero(~np.isfinite(s).all(axis=1)):
        bad = ~np.isfinite(s[i])
        if bad[0] or bad[-1]:
            ok[i] = False
            continue
        edges = np.diff(np.concatenate([[0], bad.astype(int), [0]]))
        runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
        if runs.max() > max_gap:
            ok[i] = False
            continue
        out[i, bad] = np.interp(x[bad], x[~bad], s[i, ~bad])
        n_interp += 1
    return out, ok, n_interp


def _mod_z(d: np.ndarray) -> np.ndarray:
    med = np.median(d)
    mad = np.median(np.abs(d - med))
    if not mad > 0:
        return np.zeros_like(d)
    return 0.6745 * (d - med) / mad


def check_population(pop: Population, max_gap: int = 5, min_strides: int = 5) -> tuple[Population, QualityReport]:
    """Clean a population (see the module doc); returns the cleaned copy and the report.

    The strides of one side are checked together (a stride is kept or dropped for every angle of
    that side); each side of a runner is checked on its own, since the two sides of a recording
    have their own strides. A side with fewer than ``min_strides`` good strides is left out
    (``runners_excluded`` names the runner when no side is left, ``sides_excluded`` otherwise).
    """
    rep = QualityReport()
    runners = []
    for r in pop.runners:
        cleaned: Curves = {}
        for (side, n), angles in _stride_sets(r.curves).items():
            keep, filled = _check_strides({a: r.curves[a][side] for a in angles}, n, max_gap, rep)
            if keep.sum() < min_strides:
                rep.sides_excluded[f"{r.id} {side}"] = f"{int(keep.sum())} good strides (< {min_strides})"
                continue
            for a, f in filled.items():
                cleaned.setdefault(a, {})[side] = f[keep]
        if not cleaned:
            rep.runners_excluded[r.id] = f"fewer than {min_strides} good strides"
            continue
        runners.append(r.with_curves(cleaned))
    for key in list(rep.sides_excluded):
        if key.rsplit(" ", 1)[0] in rep.runners_excluded:
            del rep.sides_excluded[key]
    cleaned_pop = Population(pop.name, runners, pop.synthetic, pop.source, list(pop.notes))
    _flag_runners(cleaned_pop, rep)
    return cleaned_pop, rep


def _stride_sets(curves: Curves) -> dict[tuple[str, int], list[str]]:
    """Angles grouped by (side, number of strides): each group shares its strides."""
    out: dict[tuple[str, int], list[str]] = {}
    for a, per in curves.items():
        for side, s in per.items():
            out.setdefault((side, int(s.shape[0])), []).append(a)
    return out


def _check_strides(curves: dict[str, np.ndarray], n: int, max_gap: int, rep: QualityReport) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Keep mask (n,) and gap-filled curves of one side's strides (every angle (n, 101))."""
    rep.strides_in += n
    keep = np.ones(n, bool)
    filled: dict[str, np.ndarray] = {}
    for a, s in curves.items():
        f, ok, k = _fill_gaps(s, max_gap)
        rep.strides_interpolated += k
        rep.strides_dropped_gap += int((keep & ~ok).sum())
        keep &= ok
        implaus = (np.abs(np.nan_to_num(f)) > 180).any(axis=1)
        implaus |= (np.abs(np.diff(np.nan_to_num(f), axis=1)) > MAX_STEP_DEG).any(axis=1)
        if a in SAGITTAL_ANGLES:
            implaus |= np.ptp(np.nan_to_num(f), axis=1) < 2.0
        rep.strides_dropped_implausible += int((keep & implaus).sum())
        keep &= ~implaus
        filled[a] = f
    outl = np.zeros(n, bool)
    if keep.sum() >= 5:
        for f in filled.values():
            good = f[keep]
            d = np.sqrt(np.mean((good - np.median(good, axis=0)) ** 2, axis=1))
            z = np.zeros(n)
            z[keep] = _mod_z(np.log(np.maximum(d, 1e-9)))
            outl |= z > MOD_Z
    rep.strides_dropped_outlier += int((keep & outl).sum())
    keep &= ~outl
    return keep, filled


def _flag_runners(pop: Population, rep: QualityReport) -> None:
    if len(pop) < 8:
        return
    dist = np.zeros(len(pop))
    for a in pop.angles():
        rows = []
        for r in pop.runners:
            s = r.strides(a, "right")
            s = r.strides(a, "left") if s is None else s
            if s is None:
                continue
            c = s.mean(axis=0)
            rows.append(c - c.mean())
        if len(rows) != len(pop):
            continue
        m = np.array(rows)
        d = np.sqrt(np.mean((m - np.median(m, axis=0)) ** 2, axis=1))
        dist += d / max(np.median(d), 1e-9)
    for i in np.flatnonzero(_mod_z(dist) > MOD_Z):
        rep.runners_flagged[pop.runners[i].id] = "mean curves far from the population's (kept)"

"""Gait cycles: strides cut from one initial contact to the next of the same foot, normalised to
101 points (0-100 % of the stride), averaged per side, with outlier strides rejected.

Rejection (``method="robust_z"``), each stride with a one-line reason:

* its stride time differs from the side's median by more than 20 % (a missed or extra contact);
* more than 10 % of its samples are missing for a curve (gaps the filter could not bridge);
* one of its curves lies far from the side's median curve: its RMS distance from the median curve
  exceeds the median of those distances + 4 robust SD (1.4826 MAD) and is at least 5 units (deg,
  or the curve's unit). Robust z-scores with MAD: Leys C et al. (2013) J Exp Soc Psychol 49:764.

Stride-to-stride variability of a curve: the mean over the 101 points of the between-stride SD
(Winter DA 1984, Hum Mov Sci 3:51, "average SD"), with the coefficient of variation of the stride
time beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from stridelab.model.columns import Columns

N_POINTS = 101


@dataclass
class Stride:
    side: str
    ic_s: float
    next_ic_s: float
    to_s: float
    used: bool = True
    reason: str | None = None

    @property
    def stance_pct(self) -> float:
        return 100.0 * (self.to_s - self.ic_s) / (self.next_ic_s - self.ic_s)


@dataclass
class CycleSet:
    """Normalised curves of every stride, per side: ``curves[name][side]`` is (n_strides, 101)."""

    strides: dict[str, list[Stride]] = field(default_factory=dict)
    curves: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def used(self, side: str) -> np.ndarray:
        return np.array([s.used for s in self.strides.get(side, [])], dtype=bool)

    def mean_sd(self, name: str, side: str) -> tuple[np.ndarray, np.ndarray, int] | None:
        c = self.curves.get(name, {}).get(side)
        if c is None:
            return None
        c = c[self.used(side)]
        c = c[np.isfinite(c).all(axis=1)]
        if len(c) == 0:
            return None
        sd = c.std(axis=0, ddof=1) if len(c) > 1 else np.full(N_POINTS, np.nan)
        return c.mean(axis=0), sd, int(len(c))


def strides_from_contacts(contacts: Columns | pd.DataFrame) -> dict[str, list[Stride]]:
    """Strides per side from a contact table (each contact to the next one of the same side)."""
    out: dict[str, list[Stride]] = {}
    sides = np.asarray(contacts["side"], dtype=object)
    ic_all, to_all = np.asarray(contacts["ic_s"], dtype=float), np.asarray(contacts["to_s"], dtype=float)
    for side in ("left", "right"):
        m = sides == side
        order = np.argsort(ic_all[m], kind="stable")
        ic, to = ic_all[m][order].tolist(), to_all[m][order].tolist()
        out[side] = [Stride(side, ic[i], ic[i + 1], to[i]) for i in range(len(ic) - 1)]
    return out


def segment_nanmax(x: np.ndarray, first: np.ndarray, stop: np.ndarray, min_valid: int = 1) -> np.ndarray:
    """``np.nanmax(x[first:stop])`` for each window, NaN where it holds fewer than ``min_valid``
    finite samples (vectorised over windows)."""
    out = np.full(len(first), np.nan)
    if len(first) == 0 or len(x) == 0:
        return out
    fin = np.isfinite(x)
    cnt = np.concatenate([[0], np.cumsum(fin)])
    good = (stop > first) & (cnt[stop] - cnt[first] >= min_valid)
    if good.any():
        xs = np.append(np.where(fin, x, np.nan), np.nan)  # a sentinel: windows may end at len(x)
        idx = np.stack([first[good], stop[good]], axis=1).ravel()
        out[good] = np.fmax.reduceat(xs, idx)[::2]
    return out


def normalise(time_s: np.ndarray, x: np.ndarray, starts: np.ndarray, ends: np.ndarray, n_points: int = N_POINTS) -> np.ndarray:
    """Linear interpolation of ``x`` (n,) at ``n_points`` evenly spaced times of each [start, end]:
    (n_strides, n_points). NaN samples stay NaN in the result where they are used."""
    if len(starts) == 0:
        return np.zeros((0, n_points))
    i0, w, outside = _sample_positions(time_s, starts, ends, n_points)
    out = x[i0] * (1 - w) + x[i0 + 1] * w
    out[outside] = np.nan
    return out


def _sample_positions(time_s: np.ndarray, starts: np.ndarray, ends: np.ndarray, n_points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For ``n_points`` evenly spaced times of each [start, end] on the uniform clock ``time_s``: the
    sample before each (index), the weight of the sample after it, and the times outside the clock."""
    frac = np.linspace(0.0, 1.0, n_points)
    tq = starts[:, None] + (ends - starts)[:, None] * frac[None, :]
    dt = time_s[1] - time_s[0] if len(time_s) > 1 else 1.0
    pos = np.clip((tq - time_s[0]) / dt, 0, len(time_s) - 1)
    i0 = np.minimum(np.floor(pos).astype(int), len(time_s) - 2)
    return i0, pos - i0, (tq < time_s[0]) | (tq > time_s[-1])


def missing_fraction(time_s: np.ndarray, x: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Fraction of missing samples of ``x`` inside each [start, end]."""
    bad = ~np.isfinite(x)
    cum = np.concatenate([[0], np.cumsum(bad)])
    a = np.searchsorted(time_s, starts)
    b = np.searchsorted(time_s, ends, side="right")
    n = np.maximum(b - a, 1)
    return (cum[b] - cum[a]) / n


def _masked_median(v: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """``np.median(v[j][ok[j]], axis=0)`` for every j: v (m, k, ...), ok (m, k) with at least one
    True per row (the same middle values, averaged the same way)."""
    cnt = ok.sum(axis=1)
    okb = ok.reshape(ok.shape + (1,) * (v.ndim - 2))
    srt = np.sort(np.where(okb, v, np.nan), axis=1)  # NaN (left out) last
    lo = np.take_along_axis(srt, ((cnt - 1) // 2).reshape((-1, 1) + (1,) * (v.ndim - 2)), axis=1)[:, 0]
    hi = np.take_along_axis(srt, (cnt // 2).reshape((-1, 1) + (1,) * (v.ndim - 2)), axis=1)[:, 0]
    even = (cnt % 2 == 0).reshape((-1,) + (1,) * (v.ndim - 2))
    return np.where(even, (lo + hi) / 2, lo)


def build_cycles(time_s: np.ndarray, signals: dict[str, dict[str, np.ndarray]], contacts: Columns | pd.DataFrame) -> CycleSet:
    """Normalised strides of every signal (``{name: {side: (n,)}}``) with outliers rejected."""
    cs = CycleSet(strides=strides_from_contacts(contacts))
    for side, strides in cs.strides.items():
        if not strides:
            continue
        starts = np.array([s.ic_s for s in strides])
        ends = np.array([s.next_ic_s for s in strides])
        st = ends - starts
        med = float(np.median(st))
        for k, s in enumerate(strides):
            if abs(st[k] - med) > 0.2 * med:
                s.used, s.reason = False, f"stride time {st[k] * 1000:.0f} ms differs from the median {med * 1000:.0f} ms by more than 20 % (a contact was missed or added)"
        names = [n for n, by_side in signals.items() if by_side.get(side) is not None]
        if not names:
            _reject_curve_outliers(cs, side)
            continue
        # one signal at a time (the same arithmetic as for all at once): the temporaries of a long
        # recording are a few arrays of its length, not a few per signal
        i0, w, outside = _sample_positions(time_s, starts, ends, N_POINTS)
        a = np.searchsorted(time_s, starts)
        b = np.searchsorted(time_s, ends, side="right")
        span = np.maximum(b - a, 1)
        miss = np.empty((len(strides), len(names)))  # (n_strides, names)
        for j, name in enumerate(names):
            xj = np.asarray(signals[name][side], dtype=float)
            curve = xj[i0] * (1 - w) + xj[i0 + 1] * w
            curve[outside] = np.nan
            cs.curves.setdefault(name, {})[side] = curve
            cum = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(~np.isfinite(xj))])
            miss[:, j] = (cum[b] - cum[a]) / span
        over = miss > 0.10
        for k in np.flatnonzero(over.any(axis=1)).tolist():
            s = strides[k]
            if s.used:
                first = int(np.argmax(over[k]))  # the first signal that misses too much
                s.used, s.reason = False, f"{names[first]}: {miss[k, first] * 100:.0f} % of the stride's samples are missing"
        _reject_curve_outliers(cs, side)
    return cs


def _reject_curve_outliers(cs: CycleSet, side: str, k_mad: float = 4.0, floor: float = 5.0) -> None:
    """Each curve in turn (a stride rejected for one curve is left out of the next curves'
    statistics), computed for all curves at once and redone after each curve that rejects."""
    strides = cs.strides[side]
    names = [n for n, by_side in cs.curves.items() if by_side.get(side) is not None]
    if not names or not strides:
        return
    c = np.stack([cs.curves[n][side] for n in names])  # (names, strides, points)
    finite = np.isfinite(c).all(axis=2)
    start = 0
    while start < len(names):
        used = np.array([s.used for s in strides])
        ok = used[None, :] & finite[start:]
        run = ok.sum(axis=1) >= 5
        if not run.any():
            return
        idx = np.flatnonzero(run)
        cj, okj = c[start:][idx], ok[idx]
        med_curve = _masked_median(cj, okj)
        d = np.sqrt(np.mean((cj - med_curve[:, None, :]) ** 2, axis=2))
        md = _masked_median(d, okj)
        mad = 1.4826 * _masked_median(np.abs(d - md[:, None]), okj)
        limit = np.maximum(md + k_mad * mad, floor)
        reject = okj & (d > limit[:, None])
        hit = np.flatnonzero(reject.any(axis=1))
        if hit.size == 0:
            return
        j = int(hit[0])
        name = names[start + int(idx[j])]
        for k in np.flatnonzero(reject[j]):
            s = strides[k]
            s.used, s.reason = False, f"{name}: curve {d[j, k]:.1f} from the median stride (RMS), limit {limit[j]:.1f}"
        start += int(idx[j]) + 1


def variability(cs: CycleSet) -> dict[str, Any]:
    """``{"stride_time_cv_pct": {side: v}, "mean_sd": {name: {side: v}}}``."""
    out: dict[str, Any] = {"stride_time_cv_pct": {}, "mean_sd": {}}
    for side, strides in cs.strides.items():
        st = np.array([s.next_ic_s - s.ic_s for s in strides if s.used])
        out["stride_time_cv_pct"][side] = float(100 * st.std(ddof=1) / st.mean()) if st.size > 2 else None
    for name in cs.curves:
        for side in cs.curves[name]:
            ms = cs.mean_sd(name, side)
            v = float(np.nanmean(ms[1])) if ms is not None and ms[2] > 2 else None
            out["mean_sd"].setdefault(name, {})[side] = v
    return out


def curves_json(cs: CycleSet, names: list[str], plane: str = "3d", decimals: int = 3) -> dict[str, Any]:
    """``{"plane": plane, name: {side: {"mean": [101], "sd": [101], "n_strides": int}}}`` for the
    names with at least one usable stride (SD is null with a single stride)."""
    out: dict[str, Any] = {"plane": plane}
    for name in names:
        for side in ("left", "right"):
            ms = cs.mean_sd(name, side)
            if ms is None:
                continue
            mean, sd, n = ms
            sd_r = np.round(sd, decimals)
            out.setdefault(name, {})[side] = {
                "mean": np.round(mean, decimals).tolist(),
                "sd": sd_r.tolist() if np.isfinite(sd_r).all() else [None if not np.isfinite(v) else float(v) for v in sd_r],
                "n_strides": n,
            }
    return out


def strides_json(cs: CycleSet) -> list[dict[str, Any]]:
    """Every stride with whether it was used and, if not, why."""
    rows = []
    for side in ("left", "right"):
        for s in cs.strides.get(side, []):
            rows.append({"side": side, "ic_s": round(s.ic_s, 4), "next_ic_s": round(s.next_ic_s, 4), "used": s.used, "reason": s.reason})
    return sorted(rows, key=lambda r: r["ic_s"])


__all__ = ["N_POINTS", "curves_json", "strides_json", "CycleSet", "Stride", "build_cycles", "missing_fraction", "normalise", "segment_nanmax", "strides_from_contacts", "variability"]

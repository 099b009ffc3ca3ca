"""Marker gaps: fill the short ones, report the long ones.

Short interior gaps (up to ``max_gap_s``) are filled per coordinate with a cubic spline through
up to ten valid samples on each side (the usual choice of lab software, e.g. Vicon Nexus'
"spline fill"); gaps at the start or end and longer gaps stay NaN and are reported.
"""

from __future__ import annotations

import numpy as np

from stridelab.model.trial import QualityLog


def nan_runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs where ``valid`` is False."""
    v = np.concatenate(([True], valid.astype(bool), [True]))
    d = np.diff(v.astype(np.int8))
    starts = np.flatnonzero(d == -1)
    stops = np.flatnonzero(d == 1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def fill_gaps(positions: np.ndarray, names: list[str], rate_hz: float, max_gap_s: float, quality: QualityLog) -> np.ndarray:
    """Fill short gaps in place-safe fashion; returns a new array."""
    out = positions.copy()
    n = out.shape[0]
    max_len = int(round(max_gap_s * rate_hz))
    spline = None
    for j, name in enumerate(names):
        valid = np.all(np.isfinite(out[:, j, :]), axis=1)
        if valid.all():
            continue
        if not valid.any():
            quality.note("marker_empty", marker=name)
            continue
        runs = nan_runs(valid)
        filled = 0
        long_runs = []
        for a, b in runs:
            if a == 0 or b == n:
                long_runs.append((a, b))
                continue
            if b - a > max_len:
                long_runs.append((a, b))
                continue
            lo = max(0, a - 10)
            hi = min(n, b + 10)
            idx = np.arange(lo, hi)
            ok = valid[lo:hi]
            if ok.sum() < 4:
                long_runs.append((a, b))
                continue
            if spline is None:
                from scipy.interpolate import CubicSpline

                spline = CubicSpline
            cs = spline(idx[ok], out[lo:hi][ok, j, :], axis=0)
            out[a:b, j, :] = cs(np.arange(a, b))
            filled += b - a
        if filled:
            quality.note("gap_filled", marker=name, frames=filled, seconds=round(filled / rate_hz, 4))
        if long_runs:
            frames = sum(b - a for a, b in long_runs)
            quality.note("gap_long", marker=name, frames=frames, seconds=round(frames / rate_hz, 4), n_gaps=len(long_runs))
    return out

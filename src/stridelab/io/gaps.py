"""Marker gaps: fill the short ones, report the long ones.

Short interior gaps (up to ``max_gap_s``) are filled per coordinate with a cubic spline through
up to ten valid samples on each side (the usual choice of lab software, e.g. Vicon Nexus'
"spline fill"); gaps at the start or end and longer gaps stay NaN and are reported.

The spline is the interpolating cubic spline with not-a-knot end conditions (de Boor 1978, *A
Practical Guide to Splines*, ch. IV), the default of ``scipy.interpolate.CubicSpline``; it is
solved here with numpy (a dense system of at most ~20 knots) because importing
``scipy.interpolate`` costs about 0.3 s on the command-line path. Tests compare the two.
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


def not_a_knot_spline(x: np.ndarray, y: np.ndarray, xq: np.ndarray) -> np.ndarray:
    """Interpolating cubic spline with not-a-knot ends through (``x``, ``y``), evaluated at ``xq``.

    ``x``: (n,) strictly increasing; ``y``: (n, k); ``xq`` inside [x[0], x[-1]] (the gap).
    n = 2 gives the straight line and n = 3 the parabola through the points (as scipy does).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    y2 = y.reshape(len(x), -1)
    xq = np.asarray(xq, dtype=float)
    n = x.size
    if n < 2:
        raise ValueError("a spline needs at least 2 points")
    if n == 2:
        w = (xq - x[0]) / (x[1] - x[0])
        out = y2[0] + w[:, None] * (y2[1] - y2[0])
        return out.reshape((xq.size,) + y.shape[1:])
    if n == 3:
        v = np.vander(x, 3)
        coef = np.linalg.solve(v, y2)
        return (np.vander(xq, 3) @ coef).reshape((xq.size,) + y.shape[1:])
    h = np.diff(x)
    slope = np.diff(y2, axis=0) / h[:, None]
    a = np.zeros((n, n))
    b = np.zeros((n, y2.shape[1]))
    i = np.arange(1, n - 1)
    a[i, i - 1] = h[:-1]
    a[i, i] = 2.0 * (h[:-1] + h[1:])
    a[i, i + 1] = h[1:]
    b[1:-1] = 6.0 * (slope[1:] - slope[:-1])
    # not-a-knot: the third derivative is continuous at the second and the second-to-last knot
    a[0, :3] = (h[1], -(h[0] + h[1]), h[0])
    a[-1, -3:] = (h[-1], -(h[-2] + h[-1]), h[-2])
    m = np.linalg.solve(a, b)  # second derivatives at the knots
    k = np.clip(np.searchsorted(x, xq, side="right") - 1, 0, n - 2)
    hk = h[k][:, None]
    dl = (xq - x[k])[:, None]
    dr = (x[k + 1] - xq)[:, None]
    out = (
        m[k] * dr**3 / (6.0 * hk)
        + m[k + 1] * dl**3 / (6.0 * hk)
        + (y2[k] / hk - m[k] * hk / 6.0) * dr
        + (y2[k + 1] / hk - m[k + 1] * hk / 6.0) * dl
    )
    return out.reshape((xq.size,) + y.shape[1:])


def fill_gaps(positions: np.ndarray, names: list[str], rate_hz: float, max_gap_s: float, quality: QualityLog, copy: bool = True) -> np.ndarray:
    """Fill short gaps; returns a new array (``copy=False``: fills ``positions`` itself)."""
    out = positions.copy() if copy else positions
    n = out.shape[0]
    max_len = int(round(max_gap_s * rate_hz))
    fin = np.isfinite(out)
    valid_all = fin[..., 0] & fin[..., 1] & fin[..., 2]  # (n_frames, n_markers), one pass for every marker
    for j in np.flatnonzero(~valid_all.all(axis=0)):
        name = names[j]
        valid = valid_all[:, j]
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
            out[a:b, j, :] = not_a_knot_spline(idx[ok], out[lo:hi][ok, j, :], np.arange(a, b))
            filled += b - a
        if filled:
            quality.note("gap_filled", marker=name, frames=filled, seconds=round(filled / rate_hz, 4))
        if long_runs:
            frames = sum(b - a for a, b in long_runs)
            quality.note("gap_long", marker=name, frames=frames, seconds=round(frames / rate_hz, 4), n_gaps=len(long_runs))
    return out

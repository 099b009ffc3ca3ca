"""Small numpy signal helpers for the IMU event detectors (no ``scipy.signal``: it costs 0.7 s to
import on the command-line path)."""

from __future__ import annotations

import numpy as np


def local_extrema(x: np.ndarray, min_distance: int, height: float | None = None) -> np.ndarray:
    """Indices of local maxima of ``x`` at least ``min_distance`` samples apart (higher peaks win,
    as ``scipy.signal.find_peaks(distance=...)``), optionally above ``height``. Sorted."""
    x = np.asarray(x, dtype=float)
    if x.size < 3:
        return np.zeros(0, dtype=int)
    xf = np.where(np.isfinite(x), x, -np.inf)
    cand = np.flatnonzero((xf[1:-1] > xf[:-2]) & (xf[1:-1] >= xf[2:])) + 1
    if height is not None:
        cand = cand[xf[cand] > height]
    if cand.size == 0 or min_distance <= 1:
        return cand
    # Greedy "highest first" selection, in rounds: a candidate that ranks first among the remaining
    # candidates within min_distance - 1 of it is what the greedy pass would keep; candidates within
    # that distance of a kept one are dropped; repeat until none remain (a few rounds).
    rank = np.empty(cand.size, dtype=np.int64)
    rank[np.argsort(-xf[cand], kind="stable")] = np.arange(cand.size)
    pos = cand
    kept: list[np.ndarray] = []
    d = min_distance - 1
    while pos.size:
        lo = np.searchsorted(pos, pos - d)
        hi = np.searchsorted(pos, pos + d, side="right")
        r = np.append(rank, np.iinfo(np.int64).max)
        best = np.minimum.reduceat(r, np.stack([lo, hi], axis=1).ravel())[::2]
        win = best == rank
        acc = pos[win]
        kept.append(acc)
        j = np.clip(np.searchsorted(acc, pos), 1, max(1, acc.size - 1)) if acc.size > 1 else np.zeros(pos.size, dtype=int)
        near = np.minimum(np.abs(pos - acc[np.maximum(j - 1, 0)]), np.abs(pos - acc[np.minimum(j, acc.size - 1)]))
        live = near > d
        pos, rank = pos[live], rank[live]
    return np.sort(np.concatenate(kept)) if kept else np.zeros(0, dtype=int)


def first_crossing(x: np.ndarray, threshold: float, start: int, stop: int, rising: bool = True) -> float | None:
    """Fractional index of the first crossing of ``threshold`` in x[start:stop], or None."""
    start, stop = max(0, start), min(x.size, stop)
    seg = x[start:stop]
    if seg.size < 2:
        return None
    above = seg > threshold
    d = np.flatnonzero(above[1:] & ~above[:-1]) if rising else np.flatnonzero(~above[1:] & above[:-1])
    if d.size == 0:
        return None
    k = int(d[0])
    x0, x1 = seg[k], seg[k + 1]
    frac = (threshold - x0) / (x1 - x0) if x1 != x0 else 0.0
    return start + k + float(frac)


def refine_peak(x: np.ndarray, i: int) -> float:
    """Sub-sample position of an extremum at index i by a parabola through its neighbours."""
    if i <= 0 or i >= x.size - 1:
        return float(i)
    a, b, c = x[i - 1], x[i], x[i + 1]
    den = a - 2 * b + c
    if not np.isfinite(den) or den == 0:
        return float(i)
    return float(i + 0.5 * (a - c) / den)


def argext(x: np.ndarray, start: int, stop: int, maximum: bool = True) -> int | None:
    """Index of the maximum (or minimum) of x[start:stop], or None when empty / all NaN."""
    start, stop = max(0, start), min(x.size, stop)
    seg = x[start:stop]
    if seg.size == 0 or not np.isfinite(seg).any():
        return None
    k = int(np.nanargmax(seg) if maximum else np.nanargmin(seg))
    return start + k


def derivative(x: np.ndarray, rate_hz: float) -> np.ndarray:
    """Central-difference derivative along axis 0."""
    return np.gradient(x, axis=0) * rate_hz


def running_median(x: np.ndarray, win: int) -> np.ndarray:
    """Centred running median along axis 0 over ``win`` samples (odd; edges use the nearest full
    window). Removes short spikes (impacts) without moving edges, unlike a low-pass filter."""
    x = np.asarray(x, dtype=float)
    win = max(1, int(win) | 1)
    if win == 1 or x.shape[0] < win:
        return x.copy()
    h = win // 2
    pad = np.concatenate([np.repeat(x[:1], h, axis=0), x, np.repeat(x[-1:], h, axis=0)], axis=0)
    view = np.lib.stride_tricks.sliding_window_view(pad, win, axis=0)
    return np.asarray(np.median(view, axis=-1))


class Windows:
    """Many contiguous windows [start, stop) of one signal, for per-window reductions without a
    Python loop (``np.ufunc.reduceat`` over the concatenated samples). Empty windows give -1."""

    def __init__(self, starts: np.ndarray, stops: np.ndarray) -> None:
        self.starts = np.asarray(starts, dtype=int)
        lens = np.maximum(np.asarray(stops, dtype=int) - self.starts, 0)
        self.ok = lens > 0
        self.lens = lens
        live = np.flatnonzero(self.ok)
        self.seg = np.repeat(live, lens[live])
        firsts = np.concatenate([[0], np.cumsum(lens[live])[:-1]]).astype(int)
        self.first = firsts
        self.j = self.starts[self.seg] + (np.arange(self.seg.size) - np.repeat(firsts, lens[live]))
        self.live = live

    def max(self, x: np.ndarray) -> np.ndarray:
        out = np.full(self.starts.size, -np.inf)
        if self.live.size:
            out[self.live] = np.maximum.reduceat(x[self.j], self.first)
        return out

    def first_true(self, mask: np.ndarray) -> np.ndarray:
        """Per window, the signal index of the first sample where ``mask`` (one value per
        concatenated sample) is True, or -1."""
        out = np.full(self.starts.size, -1)
        if self.live.size:
            big = np.iinfo(np.int64).max
            pos = np.where(mask, np.arange(mask.size), big)
            k = np.minimum.reduceat(pos, self.first)
            hit = k != big
            out[self.live[hit]] = self.j[k[hit]]
        return out

    def argmax(self, x: np.ndarray) -> np.ndarray:
        m = self.max(x)
        return self.first_true(x[self.j] >= m[self.seg])


def refine_peaks(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Vectorised :func:`refine_peak`."""
    i = np.clip(idx, 1, x.size - 2)
    a, b, c = x[i - 1], x[i], x[i + 1]
    den = a - 2 * b + c
    with np.errstate(invalid="ignore", divide="ignore"):
        off = np.where((den != 0) & np.isfinite(den), 0.5 * (a - c) / den, 0.0)
    return np.where((idx >= 1) & (idx <= x.size - 2), i + np.clip(off, -0.5, 0.5), idx.astype(float))


def times_at(time_s: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Times at fractional sample indices (linear interpolation)."""
    i = np.clip(np.floor(idx).astype(int), 0, time_s.size - 2)
    return np.asarray(time_s[i] + (idx - i) * (time_s[i + 1] - time_s[i]))

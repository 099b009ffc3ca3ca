"""Peaks with a minimum distance and a minimum topographic prominence, in numpy (no ``scipy.signal``).

``scipy.signal.find_peaks(x, distance=d, prominence=p)`` is what the trunk-accelerometer contact
method (``freefall_steps``) was built and validated with; importing ``scipy.signal`` (which loads
``scipy.optimize``) costs more CPU than the whole analysis of an IMU file on the command line (issue
12). :func:`find_peaks_prominence` gives the same peaks by the same definitions:

1. local maxima: a sample higher than its left neighbour, followed by equal samples (a plateau)
   and then a lower one; a plateau's peak is its middle sample (rounded down); the first and the
   last sample are never peaks;
2. distance: peaks are taken from the highest down (numpy's default ``argsort`` order, as SciPy),
   each removing the peaks closer than ``ceil(distance)`` samples to it;
3. prominence (Llobera 2003, the topographic prominence SciPy computes with ``wlen=None``): from
   the peak, walk left and right while the signal is not higher than the peak (to the first higher
   sample or the signal's end); the prominence is the peak's height above the higher of the two
   lowest points met. Peaks with a prominence of at least ``prominence`` are kept.

The walk of step 3 is done on the signal's turning points (plateaus merged, endpoints kept) with a
monotonic stack, O(n) in numpy plus a loop over turning points, instead of a walk per peak. Between
two turning points the signal is monotonic, so the lowest point met by the walk is a turning point
(or the signal's end) in both cases. Signals with NaN take the direct walk (SciPy's loop,
unchanged). Equality with SciPy on the real sacral and ActiGraph recordings and on SYNTHETIC
signals with plateaus, ties and NaN: ``tests/test_events_prominence.py``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["find_peaks_prominence", "local_maxima", "peak_prominences", "select_by_distance"]


def local_maxima(x: np.ndarray) -> np.ndarray:
    """Indices of the local maxima of ``x`` (step 1 of the module docstring), ascending."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 3:
        return np.zeros(0, dtype=np.intp)
    start = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])  # runs of equal values (each NaN its own run)
    end = np.r_[start[1:] - 1, n - 1]
    v = x[start]
    k = np.arange(1, start.size - 1)
    peak = (v[k - 1] < v[k]) & (v[k + 1] < v[k])
    k = k[peak]
    return ((start[k] + end[k]) // 2).astype(np.intp)


def select_by_distance(peaks: np.ndarray, heights: np.ndarray, distance: float) -> np.ndarray:
    """The peaks kept by step 2 (boolean mask over ``peaks``)."""
    n = peaks.size
    keep = np.ones(n, dtype=bool)
    d = math.ceil(distance)
    if n == 0 or d <= 1:
        return keep
    pos = peaks.tolist()
    for j in np.argsort(heights)[::-1].tolist():  # highest first; numpy's default sort, as SciPy
        if not keep[j]:
            continue
        k = j - 1
        while k >= 0 and pos[j] - pos[k] < d:
            keep[k] = False
            k -= 1
        k = j + 1
        while k < n and pos[k] - pos[j] < d:
            keep[k] = False
            k += 1
    return keep


def peak_prominences(x: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """Topographic prominence of each peak (step 3 of the module docstring; ``wlen=None``)."""
    x = np.asarray(x, dtype=float)
    peaks = np.asarray(peaks, dtype=np.intp)
    if peaks.size == 0:
        return np.zeros(0)
    if not np.isfinite(x).all():
        return _prominences_direct(x, peaks)
    start = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])
    v = x[start]
    m = v.size
    inner = np.arange(1, m - 1)
    turn = np.zeros(m, dtype=bool)
    turn[[0, m - 1]] = True
    turn[inner] = ((v[inner - 1] < v[inner]) & (v[inner + 1] < v[inner])) | ((v[inner - 1] > v[inner]) & (v[inner + 1] > v[inner]))
    runs = np.flatnonzero(turn)
    u = v[runs].tolist()
    left = _min_to_higher(u)
    right = _min_to_higher(u[::-1])[::-1]
    run_of_peak = np.searchsorted(start, peaks, side="right") - 1  # every peak is inside a turning run
    t = np.searchsorted(runs, run_of_peak)
    lo = np.maximum(np.asarray(left)[t], np.asarray(right)[t])
    return np.asarray(x[peaks] - lo, dtype=float)


def _min_to_higher(u: list[float]) -> list[float]:
    """For each i: the lowest value of u over (j, i], j the last index before i with u[j] > u[i]
    (or over [0, i] when there is none): a monotonic stack of (value, lowest value it stands for)."""
    out: list[float] = []
    stack: list[tuple[float, float]] = []
    for ui in u:
        low = ui
        while stack and stack[-1][0] <= ui:
            if stack[-1][1] < low:
                low = stack[-1][1]
            stack.pop()
        out.append(low)
        stack.append((ui, low))
    return out


def _prominences_direct(x: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """SciPy's walk per peak (``_peak_prominences`` with ``wlen=None``), for signals with NaN."""
    out = np.empty(peaks.size)
    i_max = x.size - 1
    for r, p in enumerate(peaks.tolist()):
        h = x[p]
        i, left_min = p, h
        while 0 <= i and x[i] <= h:
            if x[i] < left_min:
                left_min = x[i]
            i -= 1
        i, right_min = p, h
        while i <= i_max and x[i] <= h:
            if x[i] < right_min:
                right_min = x[i]
            i += 1
        out[r] = h - max(left_min, right_min)
    return out


def find_peaks_prominence(x: np.ndarray, distance: float, prominence: float) -> np.ndarray:
    """Indices of the peaks of ``x`` at least ``distance`` samples apart with a prominence of at
    least ``prominence``: ``scipy.signal.find_peaks(x, distance=distance, prominence=prominence)[0]``
    (module docstring)."""
    if distance < 1:
        raise ValueError("distance must be at least 1 sample")
    x = np.asarray(x, dtype=float)
    peaks = local_maxima(x)
    peaks = peaks[select_by_distance(peaks, x[peaks], distance)]
    return peaks[peak_prominences(x, peaks) >= prominence]

"""Cadence from a trunk accelerometer without finding each contact.

``method="moenilssen2004"``: Moe-Nilssen R, Helbostad JL (2004) Estimation of gait cycle
characteristics by trunk accelerometry, J Biomech 37:121. The unbiased autocorrelation of the
vertical acceleration has its first dominant peak at one step (the second at one stride); the step
period is the lag of the first dominant autocorrelation peak between 0.22 s and 0.6 s (100-270 steps/min),
refined by a parabola through the peak and its two neighbours (the first local maximum reaching half
the highest one in that range, so that the stride peak, also in range at high cadence, is not taken), and cadence = 60 / step period. One
missed or extra contact does not move it, unlike a median of contact intervals. Where the stride
peak (twice the lag) is higher than the step peak, the two feet load the sensor differently and the
step lag is taken as half the stride lag.
"""

from __future__ import annotations

import numpy as np

MIN_STEP_S = 0.22
MAX_STEP_S = 0.6


def autocorrelation_cadence_spm(up: np.ndarray, rate_hz: float, method: str = "moenilssen2004") -> float | None:
    """Cadence (steps/min) of a running window of vertical trunk acceleration (any unit), or None
    when the window holds fewer than three steps or no periodicity."""
    if method != "moenilssen2004":
        raise ValueError(f"unknown method {method!r}")
    x = np.asarray(up, dtype=float)
    x = x[np.isfinite(x)]
    max_lag = int(2 * MAX_STEP_S * rate_hz) + 2
    if x.size < 3 * max_lag // 2 or x.size < int(3 * MAX_STEP_S * rate_hz):
        return None
    x = x - x.mean()
    n = x.size
    nfft = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(x, nfft)
    ac = np.fft.irfft(f * np.conj(f), nfft)[: max_lag + 1]
    ac = ac / (n - np.arange(ac.size))  # unbiased
    if ac[0] <= 0:
        return None
    ac = ac / ac[0]
    lo, hi = int(MIN_STEP_S * rate_hz), min(int(MAX_STEP_S * rate_hz), ac.size - 2)
    if hi <= lo + 2:
        return None
    seg = ac[lo : hi + 1]
    peaks = [i for i in range(1, seg.size - 1) if seg[i] >= seg[i - 1] and seg[i] > seg[i + 1] and seg[i] > 0]
    if not peaks:
        return None
    top = max(seg[i] for i in peaks)
    k = lo + next(i for i in peaks if seg[i] >= 0.5 * top)  # the first dominant peak: one step
    stride = 2 * k
    if stride + 1 < ac.size:
        w = max(2, int(0.1 * k))
        s0 = max(stride - w, 1)
        s = s0 + int(np.argmax(ac[s0 : min(stride + w, ac.size - 2) + 1]))
        lag = _refine(ac, s) / 2.0 if ac[s] > ac[k] else _refine(ac, k)
    else:
        lag = _refine(ac, k)
    return 60.0 * rate_hz / lag if lag > 0 else None


def _refine(ac: np.ndarray, k: int) -> float:
    a, b, c = ac[k - 1], ac[k], ac[k + 1]
    den = a - 2 * b + c
    return float(k) if den == 0 else float(k) + 0.5 * (a - c) / den


#: Window (s) of the running-cadence median over a long recording (:func:`running_cadence_spm`).
WINDOW_S = 10.0


def running_cadence_spm(up: np.ndarray, rate_hz: float, running: np.ndarray, window_s: float = WINDOW_S) -> float | None:
    """Cadence (steps/min) of a whole recording from a trunk sensor's vertical acceleration:
    :func:`autocorrelation_cadence_spm` in consecutive windows of ``window_s`` that are running
    throughout (``running``: a boolean mask per sample), and the median over the windows; a recording
    with no such window gives the cadence of its longest running stretch. None without one."""
    x = np.asarray(up, dtype=float)
    run = np.asarray(running, dtype=bool) & np.isfinite(x)
    if not run.any():
        return None
    edges = np.flatnonzero(np.diff(np.concatenate([[0], run.astype(np.int8), [0]])))
    bouts = list(zip(edges[::2], edges[1::2], strict=True))
    w = max(int(window_s * rate_hz), 1)
    values = []
    for a, b in bouts:
        for s in range(int(a), int(b) - w + 1, w):
            c = autocorrelation_cadence_spm(x[s : s + w], rate_hz)
            if c is not None:
                values.append(c)
    if values:
        return float(np.median(values))
    a, b = max(bouts, key=lambda ab: ab[1] - ab[0])
    return autocorrelation_cadence_spm(x[a:b], rate_hz)

"""Confidence-weighted smoothing and short-gap filling of keypoint trajectories.

Method (``method="loess_confidence"``): locally weighted quadratic regression (LOESS, Cleveland WS
1979, J Am Stat Assoc 74:829) in a sliding window of +-``half_width_s`` with tricube weights, each
sample further weighted by the pose model's confidence, as in confidence-weighted filtering of
pose-model output (e.g. Pagnon D et al. 2022, J Open Source Softw 7:4362, Sports2D/Pose2Sim, which
weight or drop low-confidence points before filtering). A quadratic LOESS keeps the peaks and the
timing of fast foot motion better than a moving average of the same width (it is a weighted
Savitzky-Golay filter). Missing samples have zero weight, so gaps shorter than the window are filled
by the same fit; longer gaps up to ``max_gap_s`` are bridged linearly first (with a low weight) and
gaps longer than that stay missing.

The -3 dB cut-off of the tricube quadratic LOESS with +-0.05 s is about 11 Hz (measured by
:func:`frequency_response`), comparable to the 10-12 Hz low-pass filters used for running
kinematics (e.g. Fukuchi et al. 2017 used 10 Hz for markers).
"""

from __future__ import annotations

import numpy as np

from stridelab.io.gaps import nan_runs


def _kernel(half: int) -> np.ndarray:
    k = np.arange(-half, half + 1, dtype=float)
    return (1.0 - np.abs(k / (half + 1)) ** 3) ** 3


def loess_weighted(y: np.ndarray, w: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Quadratic LOESS of ``y`` (n, m) with sample weights ``w`` (n, m); returns (fit, support).

    ``support`` is the kernel-weighted sum of confidences (0 where nothing supports the fit).
    Vectorised: every window sum is a convolution."""
    kern = _kernel(half)
    k = np.arange(-half, half + 1, dtype=float)
    w = np.where(np.isfinite(y), w, 0.0)
    yz = np.where(np.isfinite(y), y, 0.0)
    pad = ((half, half), (0, 0))
    wp = np.pad(w, pad)
    ywp = np.pad(yz * w, pad)
    # windows: (n, m, 2h+1)
    from numpy.lib.stride_tricks import sliding_window_view

    ww = sliding_window_view(wp, 2 * half + 1, axis=0) * kern
    yw = sliding_window_view(ywp, 2 * half + 1, axis=0) * kern
    s = [np.sum(ww * k**p, axis=-1) for p in range(5)]
    t = [np.sum(yw * k**p, axis=-1) for p in range(3)]
    a = np.stack([np.stack([s[0], s[1], s[2]], -1), np.stack([s[1], s[2], s[3]], -1), np.stack([s[2], s[3], s[4]], -1)], -2)
    b = np.stack(t, -1)
    det = np.linalg.det(a)
    ok = (s[0] > 1e-6) & (np.abs(det) > 1e-9 * np.maximum(s[0], 1e-12) ** 3)
    fit = np.full(y.shape, np.nan)
    if ok.any():
        fit[ok] = np.linalg.solve(a[ok], b[ok][..., None])[..., 0, 0]
    # too few points for a quadratic: weighted mean
    mean_ok = (~ok) & (s[0] > 1e-6)
    fit[mean_ok] = t[0][mean_ok] / s[0][mean_ok]
    return fit, s[0]


def bridge_gaps(x: np.ndarray, conf: np.ndarray, max_len: int, bridge_conf: float = 0.05) -> tuple[np.ndarray, np.ndarray, int]:
    """Linear interpolation over interior NaN runs of at most ``max_len`` frames, per column of
    ``x`` (n, m); returns (x, confidence, number of frames filled). Filled samples get ``bridge_conf``."""
    x = x.copy()
    conf = conf.copy()
    filled = 0
    n = x.shape[0]
    for j in range(x.shape[1]):
        valid = np.isfinite(x[:, j])
        if valid.all() or not valid.any():
            continue
        for a, b in nan_runs(valid):
            if a == 0 or b == n or b - a > max_len:
                continue
            x[a:b, j] = np.interp(np.arange(a, b), [a - 1, b], [x[a - 1, j], x[b, j]])
            conf[a:b, j] = bridge_conf
            filled += b - a
    return x, conf, filled


def smooth_keypoints(
    xy: np.ndarray, conf: np.ndarray, rate_hz: float, half_width_s: float = 0.05, max_gap_s: float = 0.1
) -> tuple[np.ndarray, dict[str, int]]:
    """Smooth (n, k, 2) keypoints with confidence weights (see module docstring).

    Returns the smoothed array (NaN where a gap was longer than ``max_gap_s``) and counts."""
    n, k, _ = xy.shape
    half = max(2, int(round(half_width_s * rate_hz)))
    max_len = max(1, int(round(max_gap_s * rate_hz)))
    flat = xy.reshape(n, 2 * k)
    c2 = np.repeat(conf, 2, axis=1)
    c2 = np.where(np.isfinite(flat), np.nan_to_num(c2, nan=0.0), 0.0)
    bridged, cb, filled = bridge_gaps(flat, c2, max_len)
    fit, support = loess_weighted(bridged, cb, half)
    fit[~np.isfinite(bridged)] = np.nan
    return fit.reshape(n, k, 2), {"frames_filled": filled // 2, "half_width_frames": half}


def frequency_response(rate_hz: float, half_width_s: float = 0.05, n: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Gain of the unweighted LOESS smoother vs frequency (Hz): its impulse response's spectrum."""
    half = max(2, int(round(half_width_s * rate_hz)))
    imp = np.zeros((n, 1))
    imp[n // 2, 0] = 1.0
    h, _ = loess_weighted(imp, np.ones_like(imp), half)
    g = np.abs(np.fft.rfft(h[:, 0]))
    return np.fft.rfftfreq(n, 1.0 / rate_hz), g

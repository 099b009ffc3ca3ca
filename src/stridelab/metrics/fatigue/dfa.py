"""Detrended fluctuation analysis (DFA) of an interval series: the scaling exponent alpha.

``method="peng1995"``: Peng C-K, Havlin S, Stanley HE, Goldberger AL (1995) Quantification of
scaling exponents and crossover phenomena in nonstationary heartbeat time series. Chaos 5:82-87;
applied to stride intervals by Hausdorff et al. (1995, J Appl Physiol 78:349).

The series is centred and integrated; for each box size n the profile is cut into non-overlapping
boxes (from the start and again from the end, so no sample is wasted), a straight line is fitted
in each box, and F(n) is the root-mean-square of the residuals. alpha is the slope of log F(n) on
log n over log-spaced box sizes from ``min_box`` to N / ``max_box_divisor``. Reference values:
white noise 0.5, 1/f (pink) noise 1.0, Brownian motion 1.5 (tested on labelled synthetic series).

alpha of stride intervals is *reported, not interpreted*: its change with fatigue is inconsistent
across studies (decreases in some, increases or no change in others), so stridelab does not turn it
into a verdict. It needs a long uninterrupted series: at least :data:`MIN_STRIDES` strides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Minimum series length for DFA (Damouras et al. 2010, J Biomech 43:2064, showed that short
#: series bias alpha; 512 strides is the usual minimum in gait studies).
MIN_STRIDES = 512


@dataclass
class DFAResult:
    """``alpha_``: scaling exponent; ``scales_`` and ``fluctuation_``: F(n) per box size n."""

    alpha_: float
    scales_: np.ndarray
    fluctuation_: np.ndarray
    n: int
    method: str = "peng1995"


def _box_rms(profile: np.ndarray, n: int) -> float:
    k = len(profile) // n
    if k < 1:
        return float("nan")
    x = np.arange(n, dtype=float)
    x -= x.mean()
    sxx = float((x**2).sum())
    segs = np.concatenate([profile[: k * n].reshape(k, n), profile[len(profile) - k * n :].reshape(k, n)])
    mean = segs.mean(axis=1, keepdims=True)
    slope = (segs - mean) @ x / sxx
    resid = segs - mean - slope[:, None] * x[None, :]
    return float(np.sqrt(np.mean(resid**2)))


def dfa_alpha(series: np.ndarray, min_box: int = 4, max_box_divisor: int = 4, n_scales: int = 20, method: str = "peng1995") -> DFAResult:
    """DFA alpha of ``series`` (see module docstring). Raises ValueError when it is too short."""
    if method != "peng1995":
        raise ValueError(f"unknown DFA method {method!r}; use 'peng1995'")
    x = np.asarray(series, dtype=float)
    x = x[np.isfinite(x)]
    n_max = len(x) // max_box_divisor
    if n_max < 2 * min_box:
        raise ValueError(f"DFA needs a longer series (got {len(x)} values)")
    profile = np.cumsum(x - x.mean())
    scales = np.unique(np.round(np.logspace(np.log10(min_box), np.log10(n_max), n_scales)).astype(int))
    f = np.array([_box_rms(profile, int(s)) for s in scales])
    ok = np.isfinite(f) & (f > 0)
    alpha = float(np.polyfit(np.log(scales[ok]), np.log(f[ok]), 1)[0])
    return DFAResult(alpha, scales[ok], f[ok], len(x), method)


def synthetic_noise(n: int, beta: float, rng: np.random.Generator) -> np.ndarray:
    """Synthetic power-law noise with spectrum 1/f^beta (FFT method), for tests and docs.

    beta 0: white noise (DFA alpha 0.5); 1: pink, 1/f (alpha 1.0); 2: Brownian (alpha 1.5);
    alpha = (beta + 1) / 2. Labelled synthetic wherever used.
    """
    freqs = np.fft.rfftfreq(n)
    amp = np.zeros_like(freqs)
    amp[1:] = freqs[1:] ** (-beta / 2.0)
    phases = rng.uniform(0, 2 * np.pi, len(freqs))
    spec = amp * np.exp(1j * phases)
    x = np.fft.irfft(spec, n)
    return (x - x.mean()) / x.std()

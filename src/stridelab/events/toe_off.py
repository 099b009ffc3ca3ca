"""Published toe-off rules for running from markers, each on one marker signal within one contact.

These are the candidates compared against the force plates on every corpus runner and lab by
``validation/toe_off_methods.py`` (docs/validation.md, "Toe-off from markers: published methods");
each takes the time axis, one signal of one contact's window (frames ``start`` to ``stop``) and
returns the toe-off time in seconds (NaN when the window holds no such event).

* ``"leitch2011_velocity"``: the first instant after mid-stance that the forefoot marker's upward
  velocity exceeds ``threshold_mps`` (foot-velocity rule; Leitch J, Stebbins J, Paolini G, Zavatsky
  AB 2011, Gait Posture 33:130-135; O'Connor CM et al. 2007, Gait Posture 25:469-474 for the
  foot-velocity idea). The threshold is relative to the marker's own stance (velocity is ~0 while the
  forefoot is loaded), not a height above the floor, so a marker high on the shoe upper sees it too.
* ``"handsaker2016_acceleration"``: the peak upward acceleration of the forefoot marker after
  mid-stance (Handsaker JC et al. 2016, J Biomech 49:4128-4133; Maiwald C et al. 2009, J Appl
  Biomech 25:235-244 use the same kind of vertical derivative peak of the toe marker).
* ``"zeni2008_position"``: the most posterior forward position of the foot marker relative to the
  pelvis (Zeni JA, Richards JG, Higginson JS 2008, Gait Posture 27:710-714; for running Alvim F et
  al. 2015, J Appl Biomech 31:383-388).

Peaks and crossings are interpolated between frames (a parabola through the three frames around a
peak; a straight line for a crossing). The signals are low-passed first (:func:`lowpass`,
zero-lag Butterworth, Winter 2009) because derivatives amplify marker noise.
"""

from __future__ import annotations

import numpy as np

METHODS = ("leitch2011_velocity", "handsaker2016_acceleration", "zeni2008_position")


def lowpass(t: np.ndarray, x: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Zero-lag 4th-order Butterworth low-pass of ``x`` (NaN gaps are bridged linearly for the
    filter and put back afterwards); ``x`` unchanged when the cutoff is at or above Nyquist or
    fewer than 16 samples are valid."""
    from scipy.signal import butter, filtfilt

    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    if ok.sum() < 16 or len(t) < 2:
        return x.copy()
    fs = 1.0 / float(np.median(np.diff(t)))
    if cutoff_hz >= 0.5 * fs:
        return x.copy()
    filled = np.interp(np.arange(x.size), np.flatnonzero(ok), x[ok])
    b, a = butter(2, cutoff_hz / (0.5 * fs))  # filtfilt doubles the order: 4th order, zero lag
    y = filtfilt(b, a, filled)
    y[~ok] = np.nan
    return np.asarray(y, dtype=float)


def derivative(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Central-difference derivative (NaN at the ends and next to gaps)."""
    d = np.full_like(np.asarray(x, dtype=float), np.nan)
    if len(t) >= 3:
        d[1:-1] = (x[2:] - x[:-2]) / (t[2:] - t[:-2])
    return d


def _peak_time(t: np.ndarray, y: np.ndarray, j: int) -> float:
    """Time of the peak at frame j, refined by a parabola through frames j-1, j, j+1."""
    if 0 < j < len(y) - 1 and np.isfinite(y[j - 1 : j + 2]).all():
        a, b, c = y[j - 1], y[j], y[j + 1]
        den = a - 2 * b + c
        if den != 0:
            off = float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))
            step = t[j + 1] - t[j] if off > 0 else t[j] - t[j - 1]
            return float(t[j] + off * step)
    return float(t[j])


def velocity_crossing(t: np.ndarray, vz: np.ndarray, start: int, stop: int, threshold_mps: float) -> float:
    """First upward crossing of ``threshold_mps`` by the vertical velocity ``vz`` in frames
    [start, stop] after the velocity was below it (``leitch2011_velocity``)."""
    below = False
    for j in range(max(start, 0), min(stop, len(t) - 1)):
        a, b = vz[j], vz[j + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a < threshold_mps:
            below = True
        if below and a < threshold_mps <= b:
            return float(t[j] + (threshold_mps - a) / (b - a) * (t[j + 1] - t[j]))
    return float("nan")


def peak_time(t: np.ndarray, y: np.ndarray, start: int, stop: int, largest: bool = True) -> float:
    """Time of the largest (or smallest) value of ``y`` in frames [start, stop]
    (``handsaker2016_acceleration`` on the vertical acceleration, ``zeni2008_position`` with
    ``largest=False`` on the foot's forward position relative to the pelvis)."""
    lo, hi = max(start, 0), min(stop, len(t) - 1)
    if hi <= lo:
        return float("nan")
    seg = np.asarray(y[lo : hi + 1], dtype=float)
    if not np.isfinite(seg).any():
        return float("nan")
    k = int(np.nanargmax(seg) if largest else np.nanargmin(seg))
    if k in (0, len(seg) - 1):  # on the window's edge: not a peak of this contact
        return float("nan")
    return _peak_time(t, y if largest else -np.asarray(y, dtype=float), lo + k)

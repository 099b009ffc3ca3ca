"""Initial contact of a rearfoot landing from the heel marker's impact peak.

Method ``"heel_impact"`` (used by :mod:`stridelab.events.markers` for every contact of a trial at
100 Hz or more whose foot has a posterior heel marker): the instant of the peak upward
(decelerating) vertical acceleration of the posterior heel marker, low-passed at 30 Hz (4th-order
zero-lag Butterworth, :func:`stridelab.dsp.filters.lowpass`), searched from 40 ms before to 15 ms
after the clearance rule's initial contact, minus a constant lag ``offset_ms``; kept only when the
heel marker is on the ground at that peak (within 15 mm of its lowest height of the contact), which
is the case for rearfoot and flat landings and not for a forefoot landing, whose heel comes down
later, nor for the swing's deceleration above the ground. The heel's vertical acceleration peak
as heel strike: Hreljac A, Marshall RN (2000) Algorithms to determine event timing during normal
walking using kinematic data, J Biomech 33:783-786; derivative peaks of foot markers in running:
Handsaker JC et al. (2016) J Biomech 49:4128-4133.

Why: the clearance rule takes initial contact when a heel point comes within 2 mm of its lowest
stance height. A runner whose heel and shoe compress after touchdown (RBDS024 of the Fukuchi
data: the heel marker sinks 5 mm over 35 ms) reaches that level late (+13 ms). The impact peak
does not depend on where the heel ends up, only on when it is stopped.

The constant ``offset_ms`` is the median lag of the marker's impact peak behind the force plate's
20 N instant; it was chosen on the corpus with leave-one-runner-out and leave-one-lab-out
(``validation/heel_impact_ic.py``, docs/validation.md). Where the window holds no peak (the
largest value on its edge: the heel is still being decelerated) or the heel is off the ground at
it, :func:`heel_impact_ic` returns NaN and the caller keeps the clearance rule's initial contact.
"""

from __future__ import annotations

import numpy as np

from stridelab.events.toe_off import derivative, peak_time
from stridelab.model.axes import UP
from stridelab.model.trial import MarkerData

#: Low-pass cut-off (Hz) of the heel marker's height before differentiating twice.
CUTOFF_HZ = 30.0
#: Slowest marker rate (Hz) the rule is used at. The impact lasts 10-20 ms; the rule and its lag were
#: validated at 150-250 Hz; at 75 Hz (every 2nd frame of the Fukuchi trials) held out it helped the
#: rearfoot strikers but not the midfoot strikers, and at 62.5 Hz (dorn2012, every 4th frame) it took
#: a spurious peak (docs/validation.md): below 100 Hz the clearance rule alone is used.
MIN_RATE_HZ = 100.0
#: Search window around the clearance rule's initial contact (s).
BEFORE_S = 0.040
AFTER_S = 0.015
#: Heel markers tried, in order: the posterior heel markers (heel counter, low).
HEEL_MARKERS = ("heel_bottom", "heel")
#: The heel marker is on the ground at an impact: within this height (m) of its lowest height of the
#: contact (the coarse stance clearance of :mod:`stridelab.events.markers`, 15 mm).
IMPACT_HEIGHT_M = 0.015
#: Median lag (ms) of the heel marker's impact peak behind the plate's 20 N instant (see module docstring).
DEFAULT_OFFSET_MS = 3.6


def heel_marker(markers: MarkerData, side: str) -> str | None:
    """The side's posterior heel marker (``l_heel_bottom``, then ``l_heel``), or None."""
    p = "l_" if side == "left" else "r_"
    for name in HEEL_MARKERS:
        if markers.has(p + name):
            return p + name
    return None


def heel_acceleration(markers: MarkerData, name: str) -> np.ndarray | None:
    """Vertical acceleration (m/s^2) of marker ``name``, low-passed at :data:`CUTOFF_HZ` first; NaN in
    gaps and at the ends. None below :data:`MIN_RATE_HZ`: the clearance rule is then kept."""
    from stridelab.dsp.filters import lowpass

    if markers.rate_hz < MIN_RATE_HZ:
        return None
    t = markers.time_s
    z = lowpass(np.asarray(markers[name][:, UP], dtype=float), markers.rate_hz, CUTOFF_HZ)
    return derivative(t, derivative(t, z))


def impact_time(t: np.ndarray, accel: np.ndarray, ic_s: float, offset_ms: float = DEFAULT_OFFSET_MS) -> float:
    """Initial contact (s) from the heel's impact peak near ``ic_s`` (the clearance rule's), or NaN
    when the window holds no peak."""
    lo = int(np.searchsorted(t, ic_s - BEFORE_S))
    hi = int(np.searchsorted(t, ic_s + AFTER_S))
    peak = peak_time(t, accel, lo, hi)
    return float(peak - offset_ms / 1000.0) if np.isfinite(peak) else float("nan")


def heel_impact_ic(markers: MarkerData, name: str, accel: np.ndarray, ic_s: float, to_s: float, offset_ms: float = DEFAULT_OFFSET_MS) -> float:
    """:func:`impact_time`, kept only when the heel marker is on the ground at its impact peak: within
    :data:`IMPACT_HEIGHT_M` of its lowest height of the contact [``ic_s``, ``to_s``] (a deceleration
    higher up is the swing slowing down, not an impact); NaN otherwise."""
    ic = impact_time(markers.time_s, accel, ic_s, offset_ms)
    if not np.isfinite(ic):
        return ic
    t = markers.time_s
    z = markers[name][:, UP]
    seg = z[int(np.searchsorted(t, ic_s)) : int(np.searchsorted(t, to_s)) + 1]
    if not np.isfinite(seg).any():
        return float("nan")
    peak = ic + offset_ms / 1000.0
    i = int(np.clip(np.searchsorted(t, peak), 1, len(t) - 1))
    h = float(np.interp(peak, t[i - 1 : i + 1], z[i - 1 : i + 1])) - float(np.nanmin(seg))
    return ic if h <= IMPACT_HEIGHT_M else float("nan")


__all__ = ["DEFAULT_OFFSET_MS", "heel_acceleration", "heel_impact_ic", "heel_marker", "impact_time"]

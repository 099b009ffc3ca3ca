"""Initial contact (IC) and toe-off (TO) from a shank- or ankle-mounted IMU.

Signals come aligned (:mod:`stridelab.events.imu_align`): ``w`` is the sagittal angular velocity
about the shank's LEFT axis (positive = the top of the shank moving forward over the foot, as in
stance; the late-swing forward swing of the lower leg is strongly negative). Strides are cut at
these late-swing peaks.

``method="kink"`` (default, gyroscope): the same physical criterion as for the foot
(:mod:`stridelab.events.imu_foot`): the ground's first impulse is a step in the segment's angular
acceleration, so IC is the first local maximum of the sagittal angular jerk ``|d2w/dt2|`` (above
half its largest value) once the forward swing has slowed below 30 % of its peak (after the
angular-jerk criterion of Bergamini E et al. 2012, J Biomech 45:1123). TO: when the foot is
released, the knee flexes and the shank's backward rotation accelerates abruptly, a positive step
in angular acceleration: TO is the maximum of ``d2w/dt2`` from 20 % to 50 % of the stride after IC
(where toe-off falls at running duty factors). ``w`` is low-passed at 20 Hz (4th-order zero-lag Butterworth) first.

``method="purcell2006"`` (accelerometer only) - after Purcell B, Channells J, James D, Barrett R
(2006) Use of accelerometers in the detection of foot-ground contact time during running. Proc SPIE
6036, as re-implemented by the running-event comparison of Young et al. (2023, PMC10255839), who
put IC at the impact (the peak of the resultant tibial acceleration) and TO between the posterior
and medial acceleration minima after it. Without a gyroscope only the shank's long axis is known,
so both are read from the acceleration norm:

* the largest low-frequency feature of a distal-shank accelerometer is the late-swing hump (the
  centripetal and tangential acceleration of the forward-swinging lower leg, several g; the local
  maxima of the norm low-passed at 5 Hz, one per stride); the landing ends it. **IC** is the
  impact: the sharpest rise of the norm (largest first difference) from the hump's peak to 20 % of
  a stride later. (The hump's rising edge - the largest rise overall, which the previous version took
  for IC - comes before the hump's peak, and on the real ActiGraph run the peak precedes the
  impact by 75 ms, IQR 65-75.)
* **TO**: after the quiet mid-stance (the minimum of the norm low-passed at 20 Hz within 35 % of
  a stride after IC) the released shank swings back as the knee flexes, and the centripetal
  acceleration rises to swing levels: TO is the steepest rise of the 20 Hz norm between that
  minimum and the first sample above the norm's median over running (a stance shank is below it,
  at about 1 g; at most 50 % of a stride after IC).

Impacts and the release cannot be validated with marker-derived signals (no impacts) and the real
accelerometer run has no reference events, so these times are unvalidated.
"""

from __future__ import annotations

import numpy as np

from stridelab.dsp import lowpass
from stridelab.events.imu_align import AlignedImu, stride_period
from stridelab.events.imu_foot import LimbEvents, _swing_peaks, _t, first_kink
from stridelab.events.imu_peaks import argext, derivative, local_extrema, refine_peak
from stridelab.model.axes import LEFT

SHANK_METHODS = ("kink", "purcell2006")


def shank_events(al: AlignedImu, method: str = "kink") -> LimbEvents:
    """IC and TO of every complete contact seen by a shank or ankle sensor (module docstring)."""
    if method not in SHANK_METHODS:
        raise ValueError(f"unknown shank method {method!r}; use {', '.join(SHANK_METHODS)}")
    if al.gyr is None or not al.axes_known or method == "purcell2006":
        return _shank_accel(al)
    rate = al.rate_hz
    w = lowpass(np.nan_to_num(al.gyr[:, LEFT]), rate, min(20.0, 0.4 * rate))
    peaks, period = _swing_peaks(w, al.running, rate)
    jerk = derivative(derivative(w, rate), rate)
    abs_jerk = np.abs(jerk)
    ics: list[float] = []
    tos: list[float] = []
    for a, b in zip(peaks[:-1], peaks[1:], strict=True):
        if b - a > 1.6 * period * rate or not al.running[a:b].all():
            continue
        slow = np.flatnonzero(w[a:b] > 0.3 * w[a])
        if slow.size == 0:
            continue
        s0 = a + int(slow[0])
        stance_pk = argext(w, s0, s0 + int(0.35 * period * rate))
        if stance_pk is None:
            continue
        i_ic = first_kink(jerk, s0, stance_pk + int(0.05 * period * rate))
        i_to = argext(jerk, i_ic + int(0.2 * period * rate), min(b, i_ic + int(0.5 * period * rate))) if i_ic is not None else None
        if i_ic is None or i_to is None or i_to <= i_ic:
            continue
        ics.append(_t(al.time_s, refine_peak(abs_jerk, i_ic)))
        tos.append(_t(al.time_s, refine_peak(jerk, i_to)))
    return LimbEvents(np.asarray(ics), np.asarray(tos), "kink", [], peaks)


def _shank_accel(al: AlignedImu) -> LimbEvents:
    """Accelerometer-only shank/ankle events (module docstring, ``method="purcell2006"``)."""
    rate = al.rate_hz
    norm = np.linalg.norm(np.nan_to_num(al.acc), axis=1)
    ok = al.running
    hump = lowpass(norm, rate, min(5.0, 0.4 * rate))
    an = lowpass(norm, rate, min(20.0, 0.4 * rate))
    period = stride_period(np.where(ok, hump, np.nanmean(hump)), rate) or 0.75
    height = float(np.percentile(hump[ok], 50)) if ok.any() else None
    pk = local_extrema(np.where(ok, hump, -np.inf), int(0.6 * period * rate), height)
    rise = np.diff(norm, prepend=norm[:1])
    level = float(np.median(an[ok])) if ok.any() else float(np.median(an))
    an_rise = derivative(an, rate)
    ics: list[float] = []
    tos: list[float] = []
    n = norm.size
    for h in pk:
        i_ic = argext(rise, h + 1, h + int(0.2 * period * rate))
        if i_ic is None or i_ic + int(0.5 * period * rate) >= n or not ok[i_ic]:
            continue
        i_mid = argext(an, i_ic, i_ic + int(0.35 * period * rate), maximum=False)
        if i_mid is None:
            continue
        # the rise from mid-stance up to the swing level (the norm's running median)
        stop = i_ic + int(0.5 * period * rate)
        above = np.flatnonzero(an[i_mid:stop] > level)
        i_to = argext(an_rise, i_mid, i_mid + int(above[0]) + 1) if above.size else None
        if i_to is None or i_to <= i_ic:
            continue
        ics.append(_t(al.time_s, i_ic - 0.5))  # the rise happens between samples i_ic-1 and i_ic
        tos.append(_t(al.time_s, refine_peak(an_rise, i_to)))
    return LimbEvents(np.asarray(ics), np.asarray(tos), "purcell2006", ["accelerometer only: impact after the late-swing hump, release rise after mid-stance"], pk)

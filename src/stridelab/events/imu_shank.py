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

``method="purcell2006"`` (accelerometer only) - Purcell B, Channells J, James D, Barrett R (2006)
Use of accelerometers in the detection of foot-ground contact time during running. Proc SPIE 6036,
as re-implemented by the running-event comparison of Young et al. (2023, PMC10255839): IC at the
peak of the resultant acceleration (the impact on a real shank sensor) and TO midway between the
posterior and medial acceleration minima within 20-60 % of the following step... here without a
known forward axis: IC at the largest rise of the acceleration norm (landing), TO at the minimum of
the norm's 20 Hz low-pass between 20 % and 60 % of the stride after IC (the unloaded shank at
release). Impact features cannot be validated with marker-derived signals (no impacts).
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
    rate = al.rate_hz
    an = lowpass(np.linalg.norm(np.nan_to_num(al.acc), axis=1), rate, min(20.0, 0.4 * rate))
    ok = al.running
    period = stride_period(np.where(ok, an, np.nanmean(an)), rate) or 0.75
    rise = derivative(an, rate)
    height = 0.3 * float(np.percentile(rise[ok], 99)) if ok.any() else None
    pk = local_extrema(np.where(ok, rise, -np.inf), int(0.6 * period * rate), height)
    ics: list[float] = []
    tos: list[float] = []
    for a, b in zip(pk[:-1], pk[1:], strict=True):
        if b - a > 1.6 * period * rate:
            continue
        i_to = argext(an, a + int(0.2 * (b - a)), a + int(0.6 * (b - a)), maximum=False)
        if i_to is None:
            continue
        ics.append(_t(al.time_s, refine_peak(rise, int(a))))
        tos.append(_t(al.time_s, refine_peak(an, i_to)))
    return LimbEvents(np.asarray(ics), np.asarray(tos), "purcell2006", ["accelerometer only: landing rise and release minimum of the acceleration norm"], pk)

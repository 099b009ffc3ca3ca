"""Initial contact (IC) and toe-off (TO) from a foot-mounted IMU (dorsum of the shoe).

All methods work on the aligned signals of :mod:`stridelab.events.imu_align`: the sagittal angular
velocity ``w`` about the foot's LEFT axis (positive = toe-down rotation) and the specific force.
Strides are cut at the swing peaks of toe-up rotation (the most negative ``w``, late swing).

``method="falbriard2018"`` - Falbriard M, Meyer F, Mariani B, Millet GP, Aminian K (2018) Accurate
estimation of running temporal parameters using foot-worn inertial sensors. Front Physiol 9:610.
As published: within each mid-swing to mid-swing cycle, IC is the minimum of the pitch angular
velocity (toe-up positive, i.e. the maximum of ``w``) in the first half and TO the same minimum in
the second half. Their runners were mostly rearfoot strikers; with a forefoot strike the first-half
minimum falls in stance, which our validation shows (``validation/imu_events.py``).

``method="kink"`` (default; stridelab's strike-independent variant of the same signal):

* **IC**: the ground's first impulse on the foot is a step in its angular acceleration - toe-down
  for a heel landing (the force acts behind the ankle), toe-up for a forefoot landing (in front of
  it) - so the sagittal angular *jerk* ``d2w/dt2`` peaks at IC whatever the strike; a second,
  opposite kink follows when the rest of the sole lands (foot flat). IC is the *first* local
  maximum of ``|d2w/dt2|`` above half its largest value between the swing peak and mid-stance
  (the angular-jerk criterion of Bergamini E et al. 2012, J Biomech 45:1123, applied to the foot).
  ``w`` is low-passed at 20 Hz (4th-order zero-lag Butterworth) first.
* **TO**: starts from Falbriard's terminal-contact feature, the push-off peak of toe-down rotation
  (maximum of ``w`` between the swing peak and the next one). At the peak the foot's angular
  acceleration changes sign; the toes are still loaded (the ground force at the toes is what
  brakes the rotation), so the peak precedes toe-off - by 18-30 ms on the virtual sensors
  (speed-dependent, as Falbriard 2018 reported for their features). After it the rotation decays
  while the toe force falls to zero. TO is where ``w`` has decayed to ``to_decay`` (default
  :data:`TO_DECAY`, 90 %) of the peak: a relative threshold makes the delay after the peak scale
  with the push-off's own time scale (a slow, broad push-off leaves the ground later), which a
  fixed delay in milliseconds would not. **The fraction itself is empirical**: nothing in the
  mechanics sets 90 %. It was chosen on the virtual-IMU validation of the one runner with force
  plates here (two speeds), so it is in-sample; TO moves by about 1.3-1.7 ms per percentage
  point near 90 % (``validation/imu_foot_sides.py`` prints the sensitivity), and the uncalibrated
  feature (the peak, ``to_decay=1``) is reported beside it in docs/validation.md.
* **Sensor axes.** Both criteria read the rotation about the *progression* axis found by
  :mod:`stridelab.events.imu_align` (the swing's rotation axis), because the foot's own transverse
  axis cannot be observed from one sensor of unknown mounting. For a toed-out foot the two differ
  by the progression angle, and the eversion that follows landing leaks into ``w`` (sine of that
  angle): IC comes later and TO earlier, by about 5-9 ms together at 13 deg of toe-out on the
  validation runner's left foot (docs/validation.md).

``method="accel"`` (no gyroscope): IC at the largest rise of the acceleration norm after its
quietest (mid-swing-free) minimum, i.e. the landing deceleration (the impact peak on real sensors),
and TO at the push-off peak of the acceleration norm; both are sign-free. Impact features cannot be
validated with marker-derived signals (they carry no impact), so this variant is reported without
a validated error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.dsp import lowpass
from stridelab.events.imu_align import AlignedImu, stride_period
from stridelab.events.imu_peaks import (
    Windows,
    argext,
    derivative,
    local_extrema,
    refine_peak,
    refine_peaks,
    times_at,
)
from stridelab.model.axes import LEFT

FOOT_METHODS = ("kink", "falbriard2018", "accel")
#: TO when the push-off toe-down rotation has decayed to this share of its peak (see docstring).
TO_DECAY = 0.9
#: The push-off peak is searched up to this share of a stride after the late-swing peak: contact
#: and the flight before it end by then (duty factors up to ~0.45 plus ~0.1 stride from the swing
#: peak to landing), while the foot's second toe-down peak, in early swing, comes later (~0.7).
PUSH_WINDOW = 0.6
#: IC: the first angular-jerk peak above this share of the largest in its window.
KINK_SHARE = 0.5


@dataclass
class LimbEvents:
    """Per-contact times (s) of one limb sensor, with the method and notes."""

    ic_s: np.ndarray
    to_s: np.ndarray
    method: str
    notes: list[str] = field(default_factory=list)
    swing_peaks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))


def _swing_peaks(w: np.ndarray, running: np.ndarray, rate: float) -> tuple[np.ndarray, float]:
    period = stride_period(np.where(running, w, 0.0), rate) or 0.75
    neg = -w
    ok = running & np.isfinite(neg)
    if not ok.any():
        return np.zeros(0, dtype=int), period
    height = 0.4 * float(np.percentile(neg[ok], 99))
    pk = local_extrema(np.where(ok, neg, -np.inf), int(0.6 * period * rate), height)
    return pk, period


def _t(time_s: np.ndarray, idx: float) -> float:
    i = int(np.clip(np.floor(idx), 0, time_s.size - 2))
    return float(time_s[i] + (idx - i) * (time_s[i + 1] - time_s[i]))


def first_kink(jerk: np.ndarray, start: int, stop: int, share: float = 0.5) -> int | None:
    """Index of the first local maximum of |jerk| in [start, stop) above ``share`` of its maximum there."""
    seg = np.abs(jerk[start:stop])
    if seg.size < 3 or not np.isfinite(seg).any():
        return None
    cand = local_extrema(seg, 1, share * float(np.nanmax(seg)))
    return None if cand.size == 0 else start + int(cand[0])


def foot_events(al: AlignedImu, method: str = "kink", to_decay: float = TO_DECAY) -> LimbEvents:
    """IC and TO of every complete contact seen by a foot sensor (module docstring); ``to_decay``:
    the share of the push-off peak at which ``method="kink"`` puts TO (1 = the peak itself)."""
    if method not in FOOT_METHODS:
        raise ValueError(f"unknown foot method {method!r}; use {', '.join(FOOT_METHODS)}")
    if al.gyr is None or not al.axes_known:
        return _foot_accel(al)
    if method == "accel":
        return _foot_accel(al)
    rate = al.rate_hz
    w = lowpass(np.nan_to_num(al.gyr[:, LEFT]), rate, min(20.0, 0.4 * rate))
    peaks, period = _swing_peaks(w, al.running, rate)
    notes: list[str] = []
    a, b = peaks[:-1], peaks[1:]
    idle = np.concatenate([[0], np.cumsum(~al.running)])
    keep = (b - a <= 1.6 * period * rate) & (idle[b] - idle[a] == 0)
    a, b = a[keep], b[keep]
    if method == "falbriard2018":
        h = (a + b) // 2
        i_ic, i_to = Windows(a, h).argmax(w), Windows(h, b).argmax(w)
        ok = (i_ic >= 0) & (i_to >= 0)
        notes.append("falbriard2018: pitch-velocity minima in the halves of each mid-swing to mid-swing cycle")
        return LimbEvents(times_at(al.time_s, refine_peaks(w, i_ic[ok])), times_at(al.time_s, refine_peaks(w, i_to[ok])), method, notes, peaks)
    jerk = derivative(derivative(w, rate), rate)
    abs_jerk = np.abs(jerk)
    push = Windows(a + int(0.1 * period * rate), np.minimum(b, a + int(PUSH_WINDOW * period * rate))).argmax(w)
    ok = push > a + 3
    a, b, push = a[ok], b[ok], push[ok]
    # contact comes once the late-swing toe-up rotation has mostly stopped
    win = Windows(a, push)
    s0 = win.first_true(w[win.j] > 0.3 * w[a][win.seg])
    ok = s0 >= 0
    a, b, push, s0 = a[ok], b[ok], push[ok], s0[ok]
    # IC: the first kink, i.e. the first local maximum of |jerk| above half its window maximum
    locmax = np.zeros(abs_jerk.size, dtype=bool)
    locmax[1:-1] = (abs_jerk[1:-1] > abs_jerk[:-2]) & (abs_jerk[1:-1] >= abs_jerk[2:])
    kw = Windows(s0, push)
    top = kw.max(abs_jerk)
    i_ic = kw.first_true(locmax[kw.j] & (abs_jerk[kw.j] > KINK_SHARE * top[kw.seg]))
    ok = i_ic >= 0
    a, b, push, i_ic = a[ok], b[ok], push[ok], i_ic[ok]
    # TO: the push-off rotation has decayed to to_decay of its peak
    thr = to_decay * w[push]
    tw = Windows(push, b)
    k = tw.first_true(w[tw.j] < thr[tw.seg])
    to_idx = refine_peaks(w, push)
    hit = (k > push) & (to_decay < 1.0)
    k1 = k[hit]
    to_idx[hit] = (k1 - 1) + (thr[hit] - w[k1 - 1]) / (w[k1] - w[k1 - 1])
    return LimbEvents(times_at(al.time_s, refine_peaks(abs_jerk, i_ic)), times_at(al.time_s, to_idx), method, notes, peaks)


def _foot_accel(al: AlignedImu) -> LimbEvents:
    """Accelerometer-only foot events (module docstring, ``method="accel"``)."""
    rate = al.rate_hz
    an = lowpass(np.linalg.norm(np.nan_to_num(al.acc), axis=1), rate, min(30.0, 0.4 * rate))
    period = stride_period(np.where(al.running, an, np.nanmean(an)), rate) or 0.75
    ok = al.running
    rise = derivative(an, rate)
    pk = local_extrema(np.where(ok, rise, -np.inf), int(0.6 * period * rate), 0.3 * float(np.percentile(rise[ok], 99)) if ok.any() else None)
    ics: list[float] = []
    tos: list[float] = []
    for a, b in zip(pk[:-1], pk[1:], strict=True):
        if b - a > 1.6 * period * rate:
            continue
        i_to = argext(an, a + int(0.15 * period * rate), a + int(0.5 * period * rate))
        if i_to is None:
            continue
        ics.append(_t(al.time_s, refine_peak(rise, int(a))))
        tos.append(_t(al.time_s, refine_peak(an, i_to)))
    return LimbEvents(np.asarray(ics), np.asarray(tos), "accel", ["accelerometer only: landing deceleration and push-off peak of the acceleration norm"], pk)

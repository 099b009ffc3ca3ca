"""Contacts of both feet from one trunk IMU (sacrum, or a hip-worn sensor as a proxy).

``method="freefall"`` (contacts): by the momentum theorem the vertical ground reaction force is
``F_z = m (a_z + g)`` for the body's centre of mass (Cavagna GA 1975, J Appl Physiol 39:174), i.e.
the vertical *specific force* that an accelerometer at the centre of mass measures is ``F_z / m``:
positive while a foot is on the ground, zero in the flight phase (free fall). The sacrum lies close
to the centre of mass, so a step's contact is the interval during which the trunk's vertical
specific force stays above zero. The signal is first cleared of landing spikes by a 50 ms running
median (a low-pass filter alone would spread an impact backwards into the flight phase), then
low-passed at 10 Hz (4th-order zero-lag Butterworth; the cut-off used for sacral accelerations by
Benson LC et al. 2019, Sensors 19:1483); the crossings are
interpolated between samples. No threshold is tuned: zero is free fall. A recording without a
flight phase at the sacrum (e.g. very slow running) gives no contacts, with a warning.

``method="freefall_steps"`` (contacts, for real sacral accelerometers): the same principle, made
robust to what real sensors do in the flight phase (clipping at 0 g, a residual above 0 g when the
sensor is not at the centre of mass, short flights at slow or uphill running), which made
``freefall``'s zero crossings merge two contacts or find none on the real sacral set of Alcantara
et al. (2022, PeerJ 10:e12752). Each step is first located as one peak of the vertical specific
force low-passed at 5 Hz (at most 4.5 steps/s; a step's peak is its loading); the contact of that
step is then bounded by the lowest points of the signal between it and the neighbouring peaks (the
flight phases), so two contacts never merge. Within those bounds the initial contact is the last
upward crossing of ``IC_THRESHOLD_G`` before the peak and the toe-off the last downward crossing of
``TO_THRESHOLD_G`` before the next flight's lowest point, interpolated between samples. Where the
signal does not drop below ``TO_THRESHOLD_G`` between two steps (no flight visible at the sacrum)
the toe-off is not timed (NaN) rather than guessed. The two thresholds were chosen on that real set
on all 31 conditions of that real set (the grid optimum of the contact-time RMSE), and their
choice checked by leave-one-condition-group-out cross-validation (speed, slope, strike groups;
``validation/sacral_grf.py``; ``docs/validation.md``, "Real wearables and video").

``method="freefall_springmass"`` (the default before ``freefall_relative`` for trunk sensors whose flights read about 0 g): the contacts and
initial contacts of ``freefall_steps``; the contact time is a weighted mean of the thresholds' one
(toe-off at ``SPRINGMASS_TO_THRESHOLD_G`` above the next flight's floor) and the spring-mass contact
time of the same step (Morin JB et al. 2005, J Appl Biomech 21:167, inverted:
``t_c = pi/2 * step time / peak vertical force in body weights``; the peak read from the specific
force low-passed at 8 Hz, the step time from one flight's lowest point to the next), and the toe-off
follows from it. The two estimates err in different ways (the thresholds' toe-off depends on how the
trunk unloads, the spring-mass one on how sine-like the force is). The toe-off threshold (0.4 g) and
the weight (0.75) were chosen on the real sacral set as ``stridelab analyze`` aligns it (a grid, with
leave-one-condition-group-out figures: contact-time RMSE 14.8-16.3 ms held out by speed, slope or
strike group, against 35.1 ms for ``freefall_steps`` through the same alignment). A step whose toe-off
is not timed (no flight after it) keeps a NaN toe-off. On SYNTHETIC virtual sacral accelerometers of
other runners (``validation/sacral_virtual.py``) it transfers less well (docs/validation.md).

``method="freefall_relative"`` (contacts that do not depend on the sensor's calibration): the steps,
thresholds and spring-mass mean of ``freefall_springmass``, run on the vertical specific force
expressed relative to the trial's own levels, ``(a - floor) / (mean - floor)`` (:func:`relative_levels`:
the floor is the 5th percentile of the 10 Hz low-passed signal over running, i.e. the flights; the mean
is body weight, since the trunk does not accelerate on average over steady running). Any offset or
gain error of the sensor (a * gain + offset) gives the same relative signal, so the same contacts; the
spring-mass peak is read in body weights above the flight floor. Its constants (``RELATIVE_*``) are
the grid optimum on the real sacral set, checked by leave-one-condition-group-out (``validation/sacral_calibration.py``;
docs/validation.md, "Sacral contact timing across calibration states"). ``auto``
(:func:`stridelab.events.imu.trunk_method`) uses it for every trunk sensor except one whose flights read
clearly below 0 g without clipping (``freefall`` times those). On the real set it gives 15.8 ms in every
calibration state (16.3-17.3 ms held out by condition group), where ``freefall_springmass`` gives 14.8
ms as recorded but 27.5 ms offset-removed and 44.5 ms gain-normalised; on SYNTHETIC virtual sacra it is
worse than ``freefall`` (34.8 vs 19.9 ms).

``sides="lee2010"`` (left/right): Lee JB, Mellifont RB, Burkett BJ (2010) J Sci Med Sport
13:270 identified the stance foot from the trunk's mediolateral acceleration during contact. Here
the mean LEFT acceleration over each contact is positive on the left foot (the pelvis accelerates
towards the stance side in the sensor frame; checked on real sacral IMU cycles and virtual IMUs,
``validation/imu_events.py``); with a gyroscope, the mean roll rate about FORWARD (negative on the
left foot) votes too. Steps alternate, so each run of consecutive steps (no gap over 1.6 median
steps) takes the side pattern that most of its votes support.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.dsp import lowpass
from stridelab.events.imu_align import AlignedImu
from stridelab.events.imu_peaks import running_median
from stridelab.model.axes import FORWARD, LEFT, UP

SACRUM_METHODS = ("freefall", "freefall_steps", "freefall_springmass", "freefall_relative")

#: ``freefall_steps``: thresholds on the vertical specific force (g) for initial contact and toe-off,
#: chosen by leave-one-condition-group-out cross-validation on the real sacral set (module docstring).
IC_THRESHOLD_G = 0.3
TO_THRESHOLD_G = 0.3
G0 = 9.80665
#: A flight phase shows as the vertical specific force falling below this (g); the thresholds are
#: taken above the lowest value of each flight.
FLIGHT_MAX_G = 0.25
#: ``freefall_springmass``: the low-pass (Hz) before the step's peak vertical specific force is read
#: (the loading peak without the landing impact).
SPRINGMASS_LOWPASS_HZ = 8.0
#: ``freefall_springmass``: the toe-off threshold of its thresholds' contact time (g above the flight's
#: floor), chosen by leave-one-condition-group-out on the real sacral set through the sensor alignment
#: that ``stridelab analyze`` applies (``validation/sacral_grf.py``).
SPRINGMASS_TO_THRESHOLD_G = 0.4
#: ``freefall_springmass``: the weight of the spring-mass contact time in the mean (the rest goes to
#: the thresholds' one), chosen with ``SPRINGMASS_TO_THRESHOLD_G``.
SPRINGMASS_WEIGHT = 0.75
#: :func:`flight_level_g` below this (g): the sensor's flights read clearly below free fall, so its
#: vertical specific force crosses 0 g at every landing and take-off (``freefall`` times them). It lies
#: in the gap between the real sacral accelerometer of Alcantara et al. (2022; -0.00 to +0.28 g over its
#: 31 conditions, flights clipped at about 0 g) and the SYNTHETIC virtual sacra of 20 runners (-1.20 to
#: -0.26 g; ``validation/sacral_virtual.py``); the real ActiGraph hip reads -0.66 g.
FREEFALL_LEVEL_G = -0.15
#: ``freefall_relative``: initial-contact and toe-off thresholds above each flight's floor, in units of
#: the trial's (mean - floor) span (``_SPAN``: 1 = body weight above the floor), and the weight (a
#: fraction, 0-1) of the spring-mass contact time in the toe-off; the grid optimum on the real sacral set, checked by leave-one-condition-group-out (``validation/sacral_calibration.py``).
RELATIVE_IC_THRESHOLD_SPAN = 0.45
RELATIVE_TO_THRESHOLD_SPAN = 1.3
RELATIVE_SPRINGMASS_WEIGHT = 0.6
#: :func:`clipped_fraction` at or above this: the sensor sits on a rail (clipped or saturated) in part of
#: its recording. A continuous signal reaches its own extreme once (virtual sacra: 0.02 %, the real
#: ActiGraph hip: under 0.04 %); the real sacral accelerometer of Alcantara et al. (2022) clips its
#: flights at 0 g (1 to 30 % of the running samples in each of its 31 conditions).
CLIPPED_FRACTION = 0.005


@dataclass
class TrunkEvents:
    ic_s: np.ndarray
    to_s: np.ndarray
    side: np.ndarray
    side_score: np.ndarray
    method: str
    notes: list[str] = field(default_factory=list)


def _crossings(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pos = x > 0
    up = np.flatnonzero(~pos[:-1] & pos[1:])
    dn = np.flatnonzero(pos[:-1] & ~pos[1:])

    def at(i: np.ndarray) -> np.ndarray:
        x0, x1 = x[i], x[i + 1]
        return t[i] + (-x0 / (x1 - x0)) * (t[i + 1] - t[i])

    return at(up), at(dn)


def sacrum_events(al: AlignedImu, method: str = "freefall", min_contact_s: float = 0.08, max_contact_s: float = 0.6) -> TrunkEvents:
    """Contacts and their sides from a trunk sensor (module docstring)."""
    if method not in SACRUM_METHODS:
        raise ValueError(f"unknown trunk method {method!r}; use {', '.join(SACRUM_METHODS)}")
    if method in ("freefall_steps", "freefall_springmass", "freefall_relative"):
        up_g = np.where(al.running, np.nan_to_num(al.acc[:, UP]), 0.0) / G0
        lv = relative_levels(al) if method == "freefall_relative" else None
        if lv is not None:
            up_g = np.where(al.running, (up_g - lv[1]) / (lv[0] - lv[1]), 0.0)
            ic, to = step_contacts(
                up_g, al.rate_hz, al.time_s, ic_threshold_g=RELATIVE_IC_THRESHOLD_SPAN, to_threshold_g=RELATIVE_TO_THRESHOLD_SPAN,
                springmass=True, springmass_weight=RELATIVE_SPRINGMASS_WEIGHT,
            )  # fmt: skip
        elif method == "freefall_relative":
            ic, to = np.zeros(0), np.zeros(0)
        elif method == "freefall_springmass":
            ic, to = step_contacts(up_g, al.rate_hz, al.time_s, to_threshold_g=SPRINGMASS_TO_THRESHOLD_G, springmass=True)
        else:
            ic, to = step_contacts(up_g, al.rate_hz, al.time_s)
        keep = ~((to - ic < min_contact_s) | (to - ic > max_contact_s))  # NaN toe-offs are kept (not timed)
        ic, to = ic[keep], to[keep]
        notes: list[str] = []
        if np.isnan(to).any():
            notes.append(
                f"{al.location}: {int(np.isnan(to).sum())} of {ic.size} steps show no flight phase at the sensor, so their "
                "toe-off (and contact time) is not timed"
            )
        score = _side_scores(al, np.nan_to_num(al.acc), ic, np.where(np.isfinite(to), to, ic + 0.2))
        return TrunkEvents(ic, to, _alternate(ic, score), score, method, notes)
    rate = al.rate_hz
    t = al.time_s
    # impacts are removed by a 50 ms running median before the low-pass: a low-pass alone spreads
    # a landing spike backwards in time and would start the contact before the foot lands
    f_up = lowpass(running_median(np.nan_to_num(al.acc[:, UP]), int(0.05 * rate)), rate, min(10.0, 0.4 * rate))
    f_up = np.where(al.running, f_up, np.nan)
    ups, dns = _crossings(np.nan_to_num(f_up, nan=-1.0), t)
    notes = []
    ics, tos = [], []
    j = 0
    for u in ups:
        while j < dns.size and dns[j] <= u:
            j += 1
        if j >= dns.size:
            break
        d = float(dns[j])
        if min_contact_s <= d - u <= max_contact_s:
            ics.append(float(u))
            tos.append(d)
    ic = np.asarray(ics)
    to = np.asarray(tos)
    if ic.size == 0 and al.running.any():
        notes.append(f"{al.location}: the vertical acceleration never shows a flight phase (free fall), so contacts cannot be timed from it")
    score = _side_scores(al, np.nan_to_num(al.acc), ic, to)
    side = _alternate(ic, score)
    return TrunkEvents(ic, to, side, score, method, notes)


def flight_level_g(al: AlignedImu) -> float | None:
    """How low the trunk sensor reads in its flight phases: the 5th percentile of the vertical specific
    force (g) low-passed at 10 Hz over the running samples (flights are 20-40 % of running); None
    with under 2 s of running. About 0 g at the centre of mass (free fall) or where a sensor clips
    at 0 g; clearly negative for a sensor that the pelvis' rotation or soft tissue pulls down faster
    than gravity in flight."""
    run = al.running
    if int(run.sum()) < 2 * al.rate_hz:
        return None
    up = lowpass(np.nan_to_num(al.acc[:, UP]), al.rate_hz, min(10.0, 0.4 * al.rate_hz)) / G0
    return float(np.percentile(up[run], 5))


def clipped_fraction(al: AlignedImu) -> float:
    """The largest fraction of the running samples that sit at one sensor axis's own minimum or maximum
    (within a millionth of its range): how much of the recording a clipped or saturated sensor spends
    on its rail. The sensor's axes are recovered from the aligned ones (``acc @ r_``); an offset or a
    gain of the sensor does not change it."""
    run = al.running
    if not run.any():
        return 0.0
    raw = np.nan_to_num(al.acc[run]) @ al.r_
    out = 0.0
    for x in raw.T:
        span = float(x.max() - x.min())
        if span <= 0:
            continue
        tol = 1e-6 * span
        out = max(out, float(np.mean(x <= x.min() + tol)), float(np.mean(x >= x.max() - tol)))
    return out


def relative_levels(al: AlignedImu) -> tuple[float, float] | None:
    """``freefall_relative``'s levels of the vertical specific force (g): (mean over running, flight
    floor = 5th percentile of the 10 Hz low-passed signal over running); None with under 2 s of running
    or no span between them. Both move with the sensor's offset and gain, so that
    ``(a - floor) / (mean - floor)`` does not."""
    floor = flight_level_g(al)
    if floor is None:
        return None
    up = np.nan_to_num(al.acc[:, UP])[al.running] / G0
    mean = float(np.mean(up))
    return (mean, floor) if mean - floor > 0.1 * abs(mean) + 1e-9 else None


def step_contacts(
    up_g: np.ndarray, rate_hz: float, time_s: np.ndarray, ic_threshold_g: float = IC_THRESHOLD_G, to_threshold_g: float = TO_THRESHOLD_G,
    springmass: bool = False, springmass_weight: float = SPRINGMASS_WEIGHT,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``freefall_steps`` (module docstring): (initial contacts, toe-offs) in s from the vertical
    specific force in g; a toe-off is NaN where no flight phase is visible before the next step.
    With ``springmass`` (``freefall_springmass``) the toe-off is moved so that the contact time is the
    weighted mean of the thresholds' contact time (weight ``1 - springmass_weight``) and the
    spring-mass one (:func:`springmass_contact_s`, weight ``springmass_weight``)."""
    from stridelab.events.prominence import find_peaks_prominence

    v = np.asarray(up_g, dtype=float)
    n = v.size
    if n < int(0.5 * rate_hz):
        return np.zeros(0), np.zeros(0)
    s = lowpass(v, rate_hz, min(5.0, 0.4 * rate_hz))
    s8 = lowpass(v, rate_hz, min(SPRINGMASS_LOWPASS_HZ, 0.4 * rate_hz)) if springmass else s
    peaks = find_peaks_prominence(s, distance=max(int(0.22 * rate_hz), 1), prominence=0.3)
    dt = 1.0 / rate_hz
    ics: list[float] = []
    tos: list[float] = []
    for j, p in enumerate(peaks):
        lo = int(peaks[j - 1]) if j > 0 else max(int(p) - int(0.3 * rate_hz), 0)
        hi = int(peaks[j + 1]) if j + 1 < peaks.size else min(int(p) + int(0.3 * rate_hz), n - 1)
        # thresholds above each flight's own floor (its lowest raw value): a sensor tilted against the
        # trunk's vertical (or an alignment that mixes in some forward acceleration) reads a little
        # above or below 0 g in flight
        before = lo + int(np.argmin(v[lo : p + 1]))
        after = int(p) + int(np.argmin(v[p : hi + 1]))
        floor_b, floor_a = float(v[before]), float(v[after])
        if floor_b > FLIGHT_MAX_G:
            continue  # no flight before this step: its landing cannot be timed
        thr_ic = floor_b + ic_threshold_g
        below = np.flatnonzero(v[before : p + 1] <= thr_ic)
        k = before + int(below[-1])
        if k + 1 > p:
            continue
        ic = time_s[k] + (thr_ic - v[k]) / (v[k + 1] - v[k]) * dt
        thr_to = floor_a + to_threshold_g
        above = np.flatnonzero(v[p : after + 1] >= thr_to)
        k = int(p) + int(above[-1]) if above.size else int(p)
        if floor_a > FLIGHT_MAX_G or not above.size or k + 1 > after:
            to = np.nan  # no flight after it: its toe-off is not timed
        else:
            to = time_s[k] + (v[k] - thr_to) / (v[k] - v[k + 1]) * dt
            if springmass:
                tc = springmass_contact_s((after - before) * dt, float(np.max(s8[before : after + 1])))
                to = ic + (1.0 - springmass_weight) * (to - ic) + springmass_weight * tc
        ics.append(float(ic))
        tos.append(float(to))
    return np.asarray(ics), np.asarray(tos)


def springmass_contact_s(step_s: float, peak_g: float) -> float:
    """Contact time (s) of a spring-mass runner from its step time and peak vertical force (in body
    weights, here the trunk's peak vertical specific force in g), inverting Morin et al. (2005, J Appl
    Biomech 21:167): ``F_max = m g pi/2 (t_flight / t_contact + 1)`` gives
    ``t_contact = pi/2 * step time / (F_max / m g)``."""
    return float(np.pi / 2 * step_s / peak_g) if peak_g > 0 else float("nan")


def _side_scores(al: AlignedImu, acc: np.ndarray, ic: np.ndarray, to: np.ndarray) -> np.ndarray:
    """Per contact: > 0 suggests the left foot (module docstring)."""
    t = al.time_s
    if ic.size == 0:
        return np.zeros(0)
    i0 = np.searchsorted(t, ic)
    i1 = np.searchsorted(t, to)
    c = np.concatenate([[0.0], np.cumsum(acc[:, LEFT])])
    n = np.maximum(i1 - i0, 1)
    a_l = (c[i1] - c[i0]) / n
    score = a_l / (np.std(a_l) + 1e-9)
    if al.gyr is not None:
        g = np.nan_to_num(al.gyr[:, FORWARD])
        cg = np.concatenate([[0.0], np.cumsum(g)])
        roll = (cg[i1] - cg[i0]) / n
        score = score - roll / (np.std(roll) + 1e-9)
    return np.asarray(score)


def _alternate(ic: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Sides that alternate within each run of consecutive steps, chosen by the summed votes."""
    side = np.empty(ic.size, dtype=object)
    if ic.size == 0:
        return side
    dt = np.diff(ic)
    med = float(np.median(dt)) if dt.size else 1.0
    breaks = np.concatenate([[0], np.flatnonzero(dt > 1.6 * med) + 1, [ic.size]])
    for a, b in zip(breaks[:-1], breaks[1:], strict=True):
        k = np.arange(b - a)
        pattern = np.where(k % 2 == 0, 1.0, -1.0)
        first_left = float(np.sum(pattern * score[a:b])) >= 0
        side[a:b] = np.where((k % 2 == 0) == first_left, "left", "right")
    return side

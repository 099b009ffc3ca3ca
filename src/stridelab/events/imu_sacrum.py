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

SACRUM_METHODS = ("freefall",)


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
    rate = al.rate_hz
    t = al.time_s
    # impacts are removed by a 50 ms running median before the low-pass: a low-pass alone spreads
    # a landing spike backwards in time and would start the contact before the foot lands
    f_up = lowpass(running_median(np.nan_to_num(al.acc[:, UP]), int(0.05 * rate)), rate, min(10.0, 0.4 * rate))
    f_up = np.where(al.running, f_up, np.nan)
    ups, dns = _crossings(np.nan_to_num(f_up, nan=-1.0), t)
    notes: list[str] = []
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

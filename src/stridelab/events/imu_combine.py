"""One foot's contacts from its own limb sensor, the other foot's from a trunk sensor.

With a limb sensor (foot, shank or ankle) on one side only and a trunk sensor (sacrum or hip), the
limb sensor times its own foot's contacts, and the trunk sensor - which sees every landing of both
feet - supplies the other foot's: each trunk contact that is *not* the limb foot's landing.

**Same landing, same clock.** A landing of the limb foot is one physical event, seen by both
sensors: the trunk contact nearest each limb IC should start at the same instant, to within the two
detectors' errors. Contacts are grouped into running bouts (consecutive limb strides without a gap
over 1.6 median strides); per bout, ``offset`` = median over the limb contacts of (nearest trunk IC
- limb IC). Where ``|offset|`` exceeds :data:`MAX_OFFSET_S` (60 ms: twice the largest mean IC
difference between two detectors in the virtual-IMU validation - shank ``kink`` +24 ms vs sacrum
+2 ms - and a sixth of a running step), the two sensors do not time the same landing - their clocks
disagree (separate loggers; e.g. an ActiGraph restarting after its idle-sleep mode during a stop)
or one detector is off - and which trunk contact belongs to which foot cannot be decided: that
bout keeps only the limb sensor's contacts, with a warning giving the offset. Bouts with fewer than
:data:`MIN_BOUT_CONTACTS` limb contacts cannot be checked and keep only the limb side too.

**The other foot.** Within a checked bout, for each limb stride (IC to next IC), the trunk contacts
whose IC lies in the middle of the stride (more than a quarter stride from both limb ICs) are the
other foot's; of several, the one nearest the stride's midpoint is taken. Sides therefore follow
the limb sensor, never the trunk sensor's own left/right guess.

The two sides are then timed by different sensors and methods: their contact times, flight and step
times are not comparable left against right (``stridelab.metrics.imu`` leaves those comparisons
out); stride intervals and cadence of each side come from one sensor each and are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Largest median offset between a limb sensor's ICs and the trunk sensor's ICs of the same landings.
MAX_OFFSET_S = 0.06
#: Fewest limb contacts a bout needs for its offset to be checked.
MIN_BOUT_CONTACTS = 8


@dataclass
class Combined:
    """The other side's contacts (IC, TO) taken from the trunk, and what was checked per bout."""

    ic_s: np.ndarray
    to_s: np.ndarray
    bouts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def bouts_of(ic_s: np.ndarray, gap: float = 1.6) -> list[tuple[int, int]]:
    """Index ranges [a, b) of consecutive contacts without a gap over ``gap`` median intervals."""
    if ic_s.size == 0:
        return []
    d = np.diff(ic_s)
    med = float(np.median(d)) if d.size else 1.0
    cut = np.flatnonzero(d > gap * med) + 1
    edges = np.concatenate([[0], cut, [ic_s.size]])
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def other_side_from_trunk(limb_ic: np.ndarray, trunk_ic: np.ndarray, trunk_to: np.ndarray, limb: str, trunk: str) -> Combined:
    """The trunk contacts that are the other foot's (module docstring). Inputs sorted by IC."""
    out_ic: list[np.ndarray] = []
    out_to: list[np.ndarray] = []
    bouts: list[dict[str, Any]] = []
    bad: list[str] = []
    short = 0
    if limb_ic.size < 2 or trunk_ic.size == 0:
        return Combined(np.zeros(0), np.zeros(0))
    for a, b in bouts_of(limb_ic):
        ic = limb_ic[a:b]
        t0, t1 = float(ic[0]), float(ic[-1])
        if ic.size < MIN_BOUT_CONTACTS:
            short += 1
            continue
        j = np.clip(np.searchsorted(trunk_ic, ic), 1, trunk_ic.size - 1)
        near = np.where(np.abs(trunk_ic[j - 1] - ic) <= np.abs(trunk_ic[j] - ic), trunk_ic[j - 1], trunk_ic[j])
        offset = float(np.median(near - ic))
        info: dict[str, Any] = {"start_s": round(t0, 2), "end_s": round(t1, 2), "limb_contacts": int(ic.size), "offset_s": round(offset, 3)}
        if abs(offset) > MAX_OFFSET_S:
            info["combined"] = False
            bouts.append(info)
            bad.append(f"{t0:.0f}-{t1:.0f} s ({1000 * offset:+.0f} ms)")
            continue
        # trunk contacts in the middle half of each limb stride
        k = np.searchsorted(ic, trunk_ic, side="right") - 1
        inside = (k >= 0) & (k < ic.size - 1)
        kk = np.where(inside, k, 0)
        stride = ic[np.minimum(kk + 1, ic.size - 1)] - ic[kk]
        pos = (trunk_ic - ic[kk]) / np.where(stride > 0, stride, np.inf)
        mid = inside & (pos > 0.25) & (pos < 0.75) & (stride < 1.6 * float(np.median(np.diff(ic))))
        cand = np.flatnonzero(mid)
        # one per stride: nearest to the midpoint
        order = cand[np.lexsort((np.abs(pos[cand] - 0.5), kk[cand]))]
        first = np.concatenate([[True], kk[order][1:] != kk[order][:-1]]) if order.size else np.zeros(0, dtype=bool)
        pick = np.sort(order[first])
        out_ic.append(trunk_ic[pick])
        out_to.append(trunk_to[pick])
        info.update({"combined": True, "other_side_contacts": int(pick.size)})
        bouts.append(info)
    warnings: list[str] = []
    if bad:
        warnings.append(
            f"{trunk} and {limb} do not time the same landings in {len(bad)} running bout(s): {', '.join(bad[:6])}"
            f"{' ...' if len(bad) > 6 else ''} (median offset of {trunk}'s nearest contact; at most {1000 * MAX_OFFSET_S:.0f} ms "
            "is one landing seen twice). Their clocks disagree (separate loggers, e.g. a restart after a stop) or a detector "
            f"is off: there only {limb}'s own foot is given"
        )
    if short:
        warnings.append(f"{short} short running bout(s) (< {MIN_BOUT_CONTACTS} {limb} contacts) cannot be checked against {trunk}: only {limb}'s foot is given there")
    ics = np.concatenate(out_ic) if out_ic else np.zeros(0)
    tos = np.concatenate(out_to) if out_to else np.zeros(0)
    return Combined(ics, tos, bouts, warnings)


__all__ = ["MAX_OFFSET_S", "MIN_BOUT_CONTACTS", "Combined", "bouts_of", "other_side_from_trunk"]

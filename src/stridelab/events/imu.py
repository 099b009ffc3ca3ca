"""Foot contacts from wearable IMUs: the ``imu`` event source.

Every sensor is first aligned to its segment (:mod:`stridelab.events.imu_align`). Then, per side,
the best limb sensor gives that foot's contacts - foot (:mod:`stridelab.events.imu_foot`) before
shank before ankle (:mod:`stridelab.events.imu_shank`). Without limb sensors on both sides, a
trunk sensor (sacrum before hip; :mod:`stridelab.events.imu_sacrum`) gives both feet's contacts
(one method for both sides keeps contact-time balance fair), its left/right assignment anchored
on the one limb sensor when there is one. Accelerometer-only sensors use
the accelerometer variants. Each contact's ``source`` names the sensor and the method
(``"imu:left_foot:kink"``).

Contacts shorter than 60 ms or longer than 600 ms are rejected as not running contacts (listed in
``rejected`` with the reason).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.errors import NoValidResultError
from stridelab.events.dispatch import ContactEvents
from stridelab.events.imu_align import AlignedImu, align, kind_of
from stridelab.model.tables import contact_table
from stridelab.model.trial import ImuData, Trial

LIMB_ORDER = ("foot", "shank", "ankle")
TRUNK_ORDER = ("sacrum", "hip")
MIN_CONTACT_S = 0.06
MAX_CONTACT_S = 0.6

_CACHE: dict[int, tuple[ImuData, AlignedImu]] = {}


def aligned(imu: ImuData) -> AlignedImu:
    """:func:`stridelab.events.imu_align.align`, computed once per sensor object."""
    hit = _CACHE.get(id(imu))
    if hit is not None and hit[0] is imu:
        return hit[1]
    if len(_CACHE) > 16:
        _CACHE.clear()
    al = align(imu)
    _CACHE[id(imu)] = (imu, al)
    return al


def limb_sensor(trial: Trial, side: str) -> str | None:
    """The location used for one side's contacts, or None."""
    for part in LIMB_ORDER:
        loc = f"{side}_{part}"
        if loc in trial.imu:
            return loc
    return None


def trunk_sensor(trial: Trial) -> str | None:
    return next((loc for loc in TRUNK_ORDER if loc in trial.imu), None)


def _limb_rows(al: AlignedImu, method: str | None) -> tuple[list[dict[str, Any]], str, list[str]]:
    from stridelab.events.imu_foot import foot_events
    from stridelab.events.imu_shank import shank_events

    if al.kind == "foot":
        ev = foot_events(al, method or "kink")
    else:
        ev = shank_events(al, method or "kink")
    src = f"imu:{al.location}:{ev.method}"
    rows = [{"side": al.side, "ic_s": float(a), "to_s": float(b), "source": src} for a, b in zip(ev.ic_s, ev.to_s, strict=True)]
    return rows, ev.method, ev.notes


def detect_imu_contacts(trial: Trial, methods: dict[str, str] | None = None) -> ContactEvents:
    """Contacts from the trial's IMUs (module docstring). ``methods`` maps location -> method."""
    methods = methods or {}
    if not trial.imu:
        raise NoValidResultError("this recording has no IMU")
    info: dict[str, Any] = {"sensors": {}}
    warnings: list[str] = []
    rows: list[dict[str, Any]] = []
    sides_done: list[str] = []
    for side in ("left", "right"):
        loc = limb_sensor(trial, side)
        if loc is None:
            continue
        al = aligned(trial.imu[loc])
        r, m, notes = _limb_rows(al, methods.get(loc))
        warnings += al.messages
        info["sensors"][loc] = {"method": m, "n_contacts": len(r), "alignment": al.confidence, "gyroscope": al.gyr is not None, "notes": notes}
        if r:
            rows += r
            sides_done.append(side)
    trunk = trunk_sensor(trial)
    if trunk is not None and len(sides_done) < 2:
        # one method for both feet keeps the sides comparable (contact-time balance); a single
        # limb sensor then only anchors which contacts are its side's
        rows = _trunk_rows(trial, trunk, rows, sides_done, methods.get(trunk), info, warnings)
        if sides_done:
            info["sensors"][sides_done_loc(trial, sides_done[0])]["used_for"] = "left/right anchor of the trunk sensor's contacts"
    unused = [loc for loc in trial.imu if loc not in info["sensors"]]
    wrists = [loc for loc in unused if kind_of(loc) == "wrist"]
    if wrists:
        warnings.append(f"{', '.join(wrists)}: wrist sensors do not time foot contacts; not used for events")
    if not rows:
        why = next((w for w in warnings if "flight phase" in w or "no running" in w), None)
        raise NoValidResultError(
            "no foot contact found from the IMUs"
            + (f" ({why})" if why else "; they need a foot, shank/ankle or sacrum/hip sensor recorded while running")
        )
    contacts, rejected = _screen(contact_table(rows))
    if len(sides_done) == 1 and trunk is None:
        other = "right" if sides_done[0] == "left" else "left"
        warnings.append(f"only the {sides_done[0]} side has a sensor: no {other} contacts, so step metrics (flight time, step time) need a sensor on both feet or the sacrum")
    info["method"] = "imu: foot/shank sensors per side, sacrum for the rest (stridelab.events.imu)"
    return ContactEvents(contacts, "imu", info, list(dict.fromkeys(warnings)), rejected)


def sides_done_loc(trial: Trial, side: str) -> str:
    loc = limb_sensor(trial, side)
    assert loc is not None
    return loc


def _trunk_rows(
    trial: Trial, trunk: str, limb_rows: list[dict[str, Any]], sides_done: list[str], method: str | None,
    info: dict[str, Any], warnings: list[str],
) -> list[dict[str, Any]]:  # fmt: skip
    from stridelab.events.imu_sacrum import sacrum_events

    al = aligned(trial.imu[trunk])
    ev = sacrum_events(al, method or "freefall")
    side = ev.side.copy()
    anchored = False
    messages = list(al.messages)
    if sides_done and ev.ic_s.size:
        messages = [m for m in messages if "left/right" not in m]
        limb_ic = np.array([r["ic_s"] for r in limb_rows])
        step = float(np.median(np.diff(ev.ic_s))) if ev.ic_s.size > 1 else 0.35
        near = np.array([np.min(np.abs(limb_ic - t)) < 0.5 * step for t in ev.ic_s])
        known = sides_done[0]
        side = np.where(near, known, "left" if known == "right" else "right").astype(object)
        anchored = True
    warnings += messages + ev.notes
    src = f"imu:{trunk}:{ev.method}"
    info["sensors"][trunk] = {
        "method": ev.method,
        "sides": "anchored on the limb sensor" if anchored else "lee2010 (mediolateral acceleration, roll rate)",
        "n_contacts": int(ev.ic_s.size),
        "alignment": al.confidence,
        "gyroscope": al.gyr is not None,
    }
    return [{"side": s, "ic_s": float(a), "to_s": float(b), "source": src} for a, b, s in zip(ev.ic_s, ev.to_s, side, strict=True)]


def _screen(contacts: Any) -> tuple[Any, list[dict[str, Any]]]:
    ct = (contacts["to_s"] - contacts["ic_s"]).to_numpy()
    bad = (ct < MIN_CONTACT_S) | (ct > MAX_CONTACT_S) | ~np.isfinite(ct)
    rejected = [
        {"ic_s": round(float(r.ic_s), 4), "side": r.side, "source": r.source, "reason": f"contact of {1000 * (r.to_s - r.ic_s):.0f} ms is not a running contact (60-600 ms)"}
        for r in contacts[bad].itertuples()
    ]
    return contacts[~bad].reset_index(drop=True), rejected


__all__ = ["aligned", "detect_imu_contacts", "limb_sensor", "trunk_sensor"]

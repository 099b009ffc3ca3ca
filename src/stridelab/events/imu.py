"""Foot contacts from wearable IMUs: the ``imu`` event source.

Every sensor is first aligned to its segment (:mod:`stridelab.events.imu_align`). Then, per side,
the best limb sensor gives that foot's contacts - foot (:mod:`stridelab.events.imu_foot`) before
shank before ankle (:mod:`stridelab.events.imu_shank`). What the limb sensors leave open comes from
a trunk sensor (sacrum before hip; :mod:`stridelab.events.imu_sacrum`):

* limb sensors on both sides: both feet from the limbs; a trunk sensor is not used for events;
* a limb sensor on one side: that foot from the limb, the other foot from the trunk contacts
  between the limb foot's landings, checked bout by bout for a common clock
  (:mod:`stridelab.events.imu_combine`); sides follow the limb sensor;
* no limb sensor: both feet from the trunk, sides from its mediolateral motion (``lee2010``).

Trunk contacts: ``freefall`` (zero crossings of the vertical specific force) for a sensor whose
flights read clearly below 0 g and does not clip, ``freefall_relative`` (``freefall_steps`` events on
the signal relative to its own flight floor and mean, contact time averaged with the spring-mass one;
the same whatever the sensor's offset or gain) for the others (:func:`trunk_method`).

Accelerometer-only sensors use the accelerometer variants. Each contact's ``source`` names the
sensor and the method (``"imu:left_foot:kink"``), so mixed sources stay visible.

Contacts shorter than 60 ms or longer than 600 ms are rejected as not running contacts (listed in
``rejected`` with the reason).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

from stridelab.errors import NoValidResultError
from stridelab.events.contacts import ContactEvents
from stridelab.events.imu_align import AlignedImu, align, kind_of
from stridelab.model.tables import contact_table
from stridelab.model.trial import ImuData, Trial

LIMB_ORDER = ("foot", "shank", "ankle")
TRUNK_ORDER = ("sacrum", "hip")
MIN_CONTACT_S = 0.06
MAX_CONTACT_S = 0.6

#: Per thread, the last alignments (sensor object id -> (weak reference to it, alignment)): the
#: sensor is not kept alive by the cache, and threads never share an entry.
_LOCAL = threading.local()


def aligned(imu: ImuData) -> AlignedImu:
    """:func:`stridelab.events.imu_align.align`, computed once per sensor object."""
    cache: dict[int, tuple[weakref.ref[ImuData], AlignedImu]] = _LOCAL.__dict__.setdefault("aligned", {})
    hit = cache.get(id(imu))
    if hit is not None and hit[0]() is imu:
        return hit[1]
    if len(cache) > 16:
        cache.clear()
    al = align(imu)
    cache[id(imu)] = (weakref.ref(imu), al)
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
    if trunk is not None and not sides_done:
        rows = _trunk_rows(trial, trunk, methods.get(trunk), info, warnings)
    elif trunk is not None and len(sides_done) == 1:
        rows += _other_side_rows(trial, trunk, sides_done[0], rows, methods.get(trunk), info, warnings)
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
    info["method"] = "imu: foot/shank sensor per side, the trunk sensor for a side without one (stridelab.events.imu)"
    return ContactEvents(contacts, "imu", info, list(dict.fromkeys(warnings)), rejected)


def trunk_method(al: AlignedImu) -> str:
    """The trunk contact method, chosen from the signal: ``freefall`` where the sensor does not clip
    (:func:`stridelab.events.imu_sacrum.clipped_fraction` under ``CLIPPED_FRACTION``) and reads clearly
    below free fall in its flights (:func:`stridelab.events.imu_sacrum.flight_level_g` below
    ``FREEFALL_LEVEL_G``), so that its vertical specific force crosses 0 g at landing and take-off
    (validated on SYNTHETIC virtual sacra of 20 runners: contact-time RMSE 19.9 ms against 34.8 ms for
    ``freefall_relative``; the real ActiGraph hip reads -0.66 g); else ``freefall_relative``, which
    does not depend on the sensor's offset or gain (the real sacral accelerometer of Alcantara et al.
    2022, whose flights clip at 0 g: 15.8 ms through ``stridelab analyze`` as recorded, offset-removed
    and gain-normalised). Both the clipping and the shape of the relative signal are the same whatever
    the offset; only the flight level of a sensor that does not clip reads an absolute 0 g. Under 2 s
    of running (too short for the trial's own levels): ``freefall`` with a gyroscope, else
    ``freefall_springmass``. See docs/validation.md, "Real wearables and video" and "Sacral contact
    timing across calibration states"."""
    from stridelab.events.imu_sacrum import (
        CLIPPED_FRACTION,
        FREEFALL_LEVEL_G,
        clipped_fraction,
        flight_level_g,
    )

    level = flight_level_g(al)
    if level is None:
        return "freefall" if al.gyr is not None else "freefall_springmass"  # too short for the trial's own levels
    if clipped_fraction(al) >= CLIPPED_FRACTION:
        return "freefall_relative"  # a clipped flight hides the free-fall level: no zero crossing to trust
    return "freefall" if level < FREEFALL_LEVEL_G else "freefall_relative"


def _trunk_rows(trial: Trial, trunk: str, method: str | None, info: dict[str, Any], warnings: list[str]) -> list[dict[str, Any]]:
    """Both feet from the trunk sensor, sides from its own motion (no limb sensor)."""
    from stridelab.events.imu_sacrum import sacrum_events

    al = aligned(trial.imu[trunk])
    ev = sacrum_events(al, method or trunk_method(al))
    warnings += al.messages + ev.notes
    info["sensors"][trunk] = {
        "method": ev.method,
        "sides": "lee2010 (mediolateral acceleration, roll rate)",
        "n_contacts": int(ev.ic_s.size),
        "alignment": al.confidence,
        "gyroscope": al.gyr is not None,
    }
    src = f"imu:{trunk}:{ev.method}"
    return [{"side": s, "ic_s": float(a), "to_s": float(b), "source": src} for a, b, s in zip(ev.ic_s, ev.to_s, ev.side, strict=True)]


def _other_side_rows(
    trial: Trial, trunk: str, side: str, limb_rows: list[dict[str, Any]], method: str | None,
    info: dict[str, Any], warnings: list[str],
) -> list[dict[str, Any]]:  # fmt: skip
    """The foot without a limb sensor, from the trunk (:mod:`stridelab.events.imu_combine`)."""
    from stridelab.events.imu_combine import other_side_from_trunk
    from stridelab.events.imu_sacrum import sacrum_events

    al = aligned(trial.imu[trunk])
    ev = sacrum_events(al, method or trunk_method(al))
    limb = limb_sensor(trial, side)
    assert limb is not None
    other = "right" if side == "left" else "left"
    limb_ic = np.sort(np.array([r["ic_s"] for r in limb_rows if r["side"] == side]))
    order = np.argsort(ev.ic_s)
    comb = other_side_from_trunk(limb_ic, ev.ic_s[order], ev.to_s[order], limb, trunk)
    # the trunk's own left/right guess is not used: the limb sensor says which landings are its foot's
    warnings += [m for m in al.messages if "left/right" not in m] + ev.notes + comb.warnings
    info["sensors"][trunk] = {
        "method": ev.method,
        "sides": f"{other} foot only: the contacts between {limb}'s landings",
        "n_contacts": int(comb.ic_s.size),
        "bouts": comb.bouts,
        "alignment": al.confidence,
        "gyroscope": al.gyr is not None,
    }
    info["sensors"][limb]["used_for"] = f"the {side} foot; the landings the {trunk} contacts are checked against"
    src = f"imu:{trunk}:{ev.method}"
    return [{"side": other, "ic_s": float(a), "to_s": float(b), "source": src} for a, b in zip(comb.ic_s, comb.to_s, strict=True)]


def _screen(contacts: Any) -> tuple[Any, list[dict[str, Any]]]:
    ct = (contacts["to_s"] - contacts["ic_s"]).to_numpy()
    bad = (ct < MIN_CONTACT_S) | (ct > MAX_CONTACT_S) | ~np.isfinite(ct)
    rejected = [
        {"ic_s": round(float(r.ic_s), 4), "side": r.side, "source": r.source, "reason": _why(float(r.to_s) - float(r.ic_s))}
        for r in contacts[bad].itertuples()
    ]
    return contacts[~bad].reset_index(drop=True), rejected


def _why(ct_s: float) -> str:
    """The reason a contact is left out: a toe-off not after the initial contact is a detection error
    (no contact at all), otherwise its duration is outside the running range."""
    if not np.isfinite(ct_s):
        return "contact without a toe-off"
    if ct_s <= 0:
        return "toe-off found before the initial contact (a detection error, not a contact)"
    return f"contact of {1000 * ct_s:.0f} ms is not a running contact ({1000 * MIN_CONTACT_S:.0f}-{1000 * MAX_CONTACT_S:.0f} ms)"


__all__ = ["aligned", "detect_imu_contacts", "limb_sensor", "trunk_sensor"]

"""Choose the contact-event source for a trial: ``auto``, ``forces``, ``markers`` (and the wearable and
video sources their modules register).

``auto`` takes force plates when the trial has them, markers otherwise, then IMUs, then video
keypoints. A force plate that cannot separate the feet (no flight phase) falls back to markers
with a warning.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from stridelab.errors import InvalidInputError, NoValidResultError
from stridelab.events.contacts import ContactEvents
from stridelab.model.trial import Trial


def _forces(trial: Trial) -> ContactEvents:
    from stridelab.events.forceplate import detect_force_contacts

    ev = detect_force_contacts(trial)
    return ContactEvents(ev.contacts, "forces", ev.info, ev.warnings, ev.rejected, {"vertical_force": (ev.time_s, ev.fz_n)})


def _markers(trial: Trial) -> ContactEvents:
    from stridelab.events.markers import detect_marker_contacts

    return detect_marker_contacts(trial)


#: source name -> (is the source available in this trial?, detector).
EVENT_SOURCES: dict[str, tuple[Callable[[Trial], bool], Callable[[Trial], ContactEvents] | str]] = {
    "forces": (lambda t: t.has_forces, _forces),
    "markers": (lambda t: t.has_markers, _markers),
    "imu": (lambda t: bool(t.imu), "stridelab.events.imu:detect_imu_contacts"),
    "video": (lambda t: t.keypoints is not None, "stridelab.video.events:detect_video_contacts"),
}


def _run(name: str, trial: Trial) -> ContactEvents:
    fn = EVENT_SOURCES[name][1]
    if isinstance(fn, str):
        mod, func = fn.split(":")
        fn = getattr(importlib.import_module(mod), func)
    return fn(trial)


def detect_contacts(trial: Trial, events_from: str = "auto") -> ContactEvents:
    """Contacts from the requested source (see module docstring)."""
    if events_from != "auto":
        if events_from not in EVENT_SOURCES:
            raise InvalidInputError(f"unknown event source {events_from!r}; use one of auto, {', '.join(EVENT_SOURCES)}")
        if not EVENT_SOURCES[events_from][0](trial):
            have = [n for n, (ok, _) in EVENT_SOURCES.items() if ok(trial)]
            hint = f"use --events-from auto or {' / '.join(have)}" if have else "give a recording with forces, markers, sensors or keypoints"
            raise InvalidInputError(f"--events-from {events_from}: this recording has no {events_from}; {hint}")
        return _run(events_from, trial)
    available = [n for n, (ok, _) in EVENT_SOURCES.items() if ok(trial)]
    if not available:
        raise NoValidResultError("this recording has nothing to find foot contacts from (no forces, markers, sensors or keypoints)")
    first = available[0]
    if first == "forces":
        from stridelab.events.forceplate import NoFlightPhase

        try:
            return _run("forces", trial)
        except NoFlightPhase as e:
            if "markers" not in available:
                raise NoValidResultError(f"{e}, and there are no foot markers to fall back on") from None
            ev = _run("markers", trial)
            ev.warnings.insert(0, f"{e}; contacts are from the markers instead")
            return ev
    return _run(first, trial)

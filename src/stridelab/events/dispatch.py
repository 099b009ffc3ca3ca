"""Choose the contact-event source for a trial: ``auto``, ``forces``, ``markers`` (and the wearable and
video sources their modules register).

``auto`` takes force plates when the trial has them, markers otherwise, then IMUs, then video
keypoints. A force plate that cannot separate the feet (no flight phase) falls back to markers
with a warning.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from stridelab.errors import InvalidInputError, NoValidResultError, UsageError
from stridelab.events.contacts import ContactEvents
from stridelab.model.trial import Trial


def _forces(trial: Trial) -> ContactEvents:
    from stridelab.events.forceplate import detect_force_contacts

    ev = detect_force_contacts(trial)
    return ContactEvents(ev.table, "forces", ev.info, ev.warnings, ev.rejected, {"vertical_force": (ev.time_s, ev.fz_n)})


def _markers(trial: Trial) -> ContactEvents:
    from stridelab.events.markers import detect_marker_contacts

    return detect_marker_contacts(trial)


#: source name -> (is the source available in this trial?, detector function). The methods of a source
#: and their parameters are in :mod:`stridelab.events.registry`; a source only listed here runs its
#: function with no choice of method.
EVENT_SOURCES: dict[str, tuple[Callable[[Trial], bool], Callable[[Trial], ContactEvents] | str]] = {
    "forces": (lambda t: t.has_forces, _forces),
    "markers": (lambda t: t.has_markers, _markers),
    "imu": (lambda t: bool(t.imu), "stridelab.events.imu:detect_imu_contacts"),
    "video": (lambda t: t.keypoints is not None, "stridelab.video.events:detect_video_contacts"),
}


def _run(name: str, trial: Trial, method: str | None = None, params: dict[str, Any] | None = None) -> ContactEvents:
    """The source's detector (its registered method, with ``params``), or its plain function for a
    source registered only in :data:`EVENT_SOURCES`; ``info`` records the method and its parameters."""
    from stridelab.events.registry import EVENT_METHODS, make_detector

    if name in EVENT_METHODS:
        det = make_detector(name, method, params)
        ev: ContactEvents = det.detect(trial).events_  # type: ignore[attr-defined]
        ev.info.setdefault("method", det.method)
        ev.info["parameters"] = det.get_params()
        return ev
    if method is not None or params:
        raise UsageError(f"--events-from {name} has no registered methods or parameters")
    fn = EVENT_SOURCES[name][1]
    if isinstance(fn, str):
        mod, func = fn.split(":")
        fn = getattr(importlib.import_module(mod), func)
    return fn(trial)


def detect_contacts(trial: Trial, events_from: str = "auto", method: str | None = None, params: dict[str, Any] | None = None) -> ContactEvents:
    """Contacts from the requested source (see module docstring), by ``method`` (default: the
    source's first in :mod:`stridelab.events.registry`) with ``params`` changed from its defaults.
    A method names its source, so ``events_from="auto"`` with a method uses that method's source."""
    if method is not None and events_from == "auto":
        from stridelab.events.registry import source_of

        events_from = source_of(method)
    if events_from != "auto":
        if events_from not in EVENT_SOURCES:
            raise InvalidInputError(f"unknown event source {events_from!r}; use one of auto, {', '.join(EVENT_SOURCES)}")
        if not EVENT_SOURCES[events_from][0](trial):
            have = [n for n, (ok, _) in EVENT_SOURCES.items() if ok(trial)]
            hint = f"use --events-from auto or {' / '.join(have)}" if have else "give a recording with forces, markers, sensors or keypoints"
            raise InvalidInputError(f"--events-from {events_from}: this recording has no {events_from}; {hint}")
        return _run(events_from, trial, method, params)
    available = [n for n, (ok, _) in EVENT_SOURCES.items() if ok(trial)]
    if not available:
        raise NoValidResultError("this recording has nothing to find foot contacts from (no forces, markers, sensors or keypoints)")
    first = available[0]
    if first == "forces":
        from stridelab.events.forceplate import NoFlightPhase

        try:
            return _run("forces", trial, None, params)
        except NoFlightPhase as e:
            if "markers" not in available:
                raise NoValidResultError(f"{e}, and there are no foot markers to fall back on") from None
            ev = _run("markers", trial)  # the given parameters were the force method's: defaults here
            ev.warnings.insert(0, f"{e}; contacts are from the markers instead")
            return ev
    return _run(first, trial, None, params)

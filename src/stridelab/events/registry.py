"""The registry of contact-event methods: which methods each source has, by the name of their paper.

Plain strings only (``"module:Class"``, imported on use), so that the command line builds its
choices (``--events-from``, ``--events-method``, ``--param``) and ``stridelab methods`` lists them
without importing any detector. Every class is an :class:`stridelab.algorithm.Algorithm`: its
constructor declares the parameters and their defaults, ``detect(trial)`` fills ``events_``.

Add a method: write the class, then one line here. The first method of a source is its default.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stridelab.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.algorithm import Algorithm

#: source -> {method -> "module:Class"}, in the order ``auto`` tries the sources.
EVENT_METHODS: dict[str, dict[str, str]] = {
    "forces": {"threshold": "stridelab.events.detectors:ForceThreshold"},
    "markers": {"handsaker2016_clearance": "stridelab.events.detectors:MarkerClearance"},
    "imu": {"segment_rules": "stridelab.events.detectors:ImuSegmentRules"},
    "video": {"rest_distance_knee_extension": "stridelab.video.detector:VideoRestDistance"},
}


def sources() -> list[str]:
    """The event sources, in the order ``auto`` tries them."""
    return list(EVENT_METHODS)


def source_of(method: str) -> str:
    """The source that has ``method``; UsageError when none has it."""
    for src, methods in EVENT_METHODS.items():
        if method in methods:
            return src
    raise UsageError(f"--events-method must be one of {', '.join(all_methods())} (got {method!r})")


def all_methods() -> list[str]:
    return [m for methods in EVENT_METHODS.values() for m in methods]


def detector_class(source: str, method: str | None = None) -> type[Algorithm]:
    """The class of ``method`` (default: the source's first) of ``source``."""
    methods = EVENT_METHODS.get(source)
    if methods is None:
        raise UsageError(f"--events-from must be one of auto, {', '.join(EVENT_METHODS)} (got {source!r})")
    name = method or next(iter(methods))
    if name not in methods:
        raise UsageError(f"--events-method {name} is not a method of {source}; {source} has {', '.join(methods)}")
    mod, cls = methods[name].split(":")
    klass: type[Algorithm] = getattr(importlib.import_module(mod), cls)
    return klass


def make_detector(source: str, method: str | None = None, params: dict[str, Any] | None = None) -> Algorithm:
    """A detector with its defaults changed by ``params`` (text values, as from ``--param``, are typed
    like the defaults); UsageError for an unknown parameter or an unusable value."""
    klass = detector_class(source, method)
    typed: dict[str, Any] = {}
    defaults = klass.defaults()
    for name, value in (params or {}).items():
        if isinstance(value, str) and name in defaults and not isinstance(defaults[name], str):
            value = klass.parse_param(name, value)
        typed[name] = value
    klass.check_params(typed)
    return klass(**typed)


__all__ = ["EVENT_METHODS", "all_methods", "detector_class", "make_detector", "source_of", "sources"]

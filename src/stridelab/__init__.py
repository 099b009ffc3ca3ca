"""stridelab: objective, validated running biomechanics.

The public facade (``import stridelab as sl``) over the same code the CLI uses::

    import stridelab as sl
    trial = sl.read("run.c3d", static="static.c3d")
    result = sl.analyze(trial, sl.AnalysisOptions(mass_kg=62))
    result.summary["cadence_spm"], result.steps, result.to_json()

Attributes are imported on first use so that ``import stridelab`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stridelab._version import __version__

_LAZY: dict[str, str] = {
    "read": "stridelab.io:read_trial",
    "read_trial": "stridelab.io:read_trial",
    "ReadOptions": "stridelab.io.options:ReadOptions",
    "analyze": "stridelab.analysis:analyze",
    "Analysis": "stridelab.analysis:Analysis",
    "AnalysisOptions": "stridelab.analysis:AnalysisOptions",
    "Trial": "stridelab.model.trial:Trial",
    "MarkerData": "stridelab.model.trial:MarkerData",
    "ForcePlate": "stridelab.model.trial:ForcePlate",
    "ImuData": "stridelab.model.trial:ImuData",
    "Keypoints2D": "stridelab.model.trial:Keypoints2D",
    "Subject": "stridelab.model.trial:Subject",
    "detect_contacts": "stridelab.events.dispatch:detect_contacts",
    "write_report": "stridelab.report:write_report",
    "StridelabError": "stridelab.errors:StridelabError",
    "InvalidInputError": "stridelab.errors:InvalidInputError",
    "NoValidResultError": "stridelab.errors:NoValidResultError",
    "NotRunningError": "stridelab.errors:NotRunningError",
}

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis, AnalysisOptions, analyze
    from stridelab.errors import InvalidInputError, NotRunningError, NoValidResultError, StridelabError
    from stridelab.events.dispatch import detect_contacts
    from stridelab.io import read_trial
    from stridelab.io import read_trial as read
    from stridelab.io.options import ReadOptions
    from stridelab.model.trial import ForcePlate, ImuData, Keypoints2D, MarkerData, Subject, Trial
    from stridelab.report import write_report


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'stridelab' has no attribute {name!r}")
    mod, attr = target.split(":")
    value = getattr(importlib.import_module(mod), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))


__all__ = [
    "__version__",
    "read",
    "read_trial",
    "ReadOptions",
    "analyze",
    "Analysis",
    "AnalysisOptions",
    "Trial",
    "MarkerData",
    "ForcePlate",
    "ImuData",
    "Keypoints2D",
    "Subject",
    "detect_contacts",
    "write_report",
    "StridelabError",
    "InvalidInputError",
    "NoValidResultError",
    "NotRunningError",
]

"""Body proportions as fractions of body height: the one table every module uses when a length
must be estimated from the runner's height (leg length, foot length, thigh and shank).

Drillis R, Contini R (1966) Body segment parameters, New York University report 1166-03, as
tabulated by Winter DA (2009) *Biomechanics and Motor Control of Human Movement*, 4th ed., Fig. 4.1.
The numbers are data (``model/data/anthropometrics.json``); an estimate is an estimate, and callers
say so where they use one (e.g. ``subject.sources``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_DOC: dict[str, Any] = json.loads(resources.files("stridelab.model").joinpath("data/anthropometrics.json").read_text(encoding="utf-8"))

#: Citation of every ratio below.
SOURCE: str = _DOC["source"]
#: segment -> fraction of body height (foot, shank, thigh, leg = trochanteric height).
FRACTION_OF_HEIGHT: dict[str, float] = {k: float(v["value"]) for k, v in _DOC["fractions_of_height"].items()}

FOOT_PER_HEIGHT = FRACTION_OF_HEIGHT["foot"]
SHANK_PER_HEIGHT = FRACTION_OF_HEIGHT["shank"]
THIGH_PER_HEIGHT = FRACTION_OF_HEIGHT["thigh"]
#: Leg length (trochanteric height) per body height.
LEG_PER_HEIGHT = FRACTION_OF_HEIGHT["leg"]
#: Hip-to-ankle length (thigh + shank) per body height.
THIGH_SHANK_PER_HEIGHT = THIGH_PER_HEIGHT + SHANK_PER_HEIGHT


def length_from_height(segment: str, height_m: float) -> float:
    """Estimated length (m) of ``segment`` (a key of :data:`FRACTION_OF_HEIGHT`) for a body height."""
    return FRACTION_OF_HEIGHT[segment] * height_m


__all__ = [
    "FOOT_PER_HEIGHT",
    "FRACTION_OF_HEIGHT",
    "LEG_PER_HEIGHT",
    "SHANK_PER_HEIGHT",
    "SOURCE",
    "THIGH_PER_HEIGHT",
    "THIGH_SHANK_PER_HEIGHT",
    "length_from_height",
]

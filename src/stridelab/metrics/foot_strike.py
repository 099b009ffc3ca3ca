"""The one foot-strike classifier: rearfoot, midfoot or forefoot, from the foot-strike angle or the
strike index, with the cited thresholds as data (``metrics/data/foot_strike.json``).

* ``method="altman2012"`` (foot-strike angle, degrees, toes up positive): rearfoot above 8.0°,
  forefoot below -1.6°, midfoot between (Altman AR, Davis IS 2012, Gait Posture 35:298-300).
* ``method="cavanagh1980"`` (strike index, % of foot length from the heel): rearfoot below the first
  third, forefoot above the second, midfoot between (Cavanagh PR, Lafortune MA 1980, J Biomech 13:397).

Every modality (markers, foot IMU, video) calls :func:`classify`, so one runner gets one class for
one angle whatever measured it. Not finite: None.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

THRESHOLDS: dict[str, Any] = json.loads(resources.files("stridelab.metrics").joinpath("data/foot_strike.json").read_text(encoding="utf-8"))

_ANGLE = THRESHOLDS["foot_strike_angle_deg"]
_INDEX = THRESHOLDS["strike_index_pct"]
#: Altman & Davis (2012) foot-strike-angle thresholds (deg).
FSA_REARFOOT_DEG: float = float(_ANGLE["rearfoot_above"])
FSA_FOREFOOT_DEG: float = float(_ANGLE["forefoot_below"])
#: Cavanagh & Lafortune (1980) strike-index thirds (%).
SI_REARFOOT_PCT: float = float(_INDEX["rearfoot_below"])
SI_FOREFOOT_PCT: float = float(_INDEX["forefoot_above"])

METHODS = {"altman2012": _ANGLE["source"], "cavanagh1980": _INDEX["source"]}


def classify(value: float, method: str = "altman2012") -> str | None:
    """``"rearfoot"``, ``"midfoot"`` or ``"forefoot"`` for a foot-strike angle in degrees
    (``method="altman2012"``) or a strike index in % (``method="cavanagh1980"``); None when not finite."""
    v = float(value)
    if not math.isfinite(v):
        return None
    if method == "altman2012":
        if v > FSA_REARFOOT_DEG:
            return "rearfoot"
        return "forefoot" if v < FSA_FOREFOOT_DEG else "midfoot"
    if method == "cavanagh1980":
        if v < SI_REARFOOT_PCT:
            return "rearfoot"
        return "forefoot" if v > SI_FOREFOOT_PCT else "midfoot"
    raise ValueError(f"unknown foot-strike method {method!r}; use one of {', '.join(METHODS)}")


__all__ = ["FSA_FOREFOOT_DEG", "FSA_REARFOOT_DEG", "METHODS", "SI_FOREFOOT_PCT", "SI_REARFOOT_PCT", "THRESHOLDS", "classify"]

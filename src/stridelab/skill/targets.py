"""Performance targets: pace (min/km), equivalent pace over a reference distance, level.

Pace is what runners report and what the model predicts (lower is better). Runners racing
different distances are made comparable with Riegel's endurance formula when the distance of the
reported pace is known (``method="riegel1981"``: T2 = T1 (D2 / D1) ** 1.06, so pace scales with
(D2 / D1) ** 0.06; Riegel PS (1981) Athletic records and human endurance. American Scientist
69:285-290). Level is an ordered code (higher is better).
"""

from __future__ import annotations

import math
import re

#: Ordered competitive levels (higher is better); unknown words give None.
LEVEL_CODES: dict[str, int] = {
    "beginner": 0,
    "novice": 0,
    "recreational": 1,
    "amateur": 1,
    "competitive": 2,
    "sub-elite": 2,
    "elite": 3,
}

RIEGEL_EXPONENT = 1.06

TARGETS = ("pace", "level")

#: For each target: +1 when a higher value is better, -1 when a lower value is better.
BETTER_SIGN = {"pace": -1.0, "level": +1.0}

TARGET_UNITS = {"pace": "min/km", "level": "level code (0 beginner .. 3 elite)"}


def level_code(level: str | None) -> float | None:
    """Numeric code of a level word (``"Elite"`` -> 3), None when unknown."""
    if level is None:
        return None
    code = LEVEL_CODES.get(str(level).strip().lower())
    return None if code is None else float(code)


def riegel_pace(pace_min_per_km: float, distance_km: float, reference_km: float = 10.0) -> float:
    """Equivalent pace over ``reference_km`` of a pace held over ``distance_km`` (Riegel 1981).

    ``method="riegel1981"``: race time scales with distance ** 1.06, so pace scales with
    distance ** 0.06. Valid for races of about 1.5 to 50 km.
    """
    if not (pace_min_per_km > 0 and distance_km > 0 and reference_km > 0):
        raise ValueError("pace and distances must be positive")
    return pace_min_per_km * (reference_km / distance_km) ** (RIEGEL_EXPONENT - 1.0)


def parse_distances_km(text: str | None) -> list[float]:
    """Race distances named in free text (``"5 km, 21 km, 42 km"`` -> [5, 21, 42]); [] if none.

    A range (``"50-70km"``) or an open bound (``">42 km"``) is not one distance and gives [].
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    s = str(text).lower()
    if re.search(r"\d\s*-\s*\d|[<>]", s):
        return []
    return [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*k?m?", s) if float(x) > 0]


def pace_from_time(race_time_s: float, distance_km: float) -> float:
    """Pace (min/km) of a race time over a distance."""
    if not (race_time_s > 0 and distance_km > 0):
        raise ValueError("race time and distance must be positive")
    return race_time_s / 60.0 / distance_km

"""What the FIT reader keeps, and how: native record fields, developer fields by name, units, ranges.

Units are normalised into the column names of ``Trial.records`` (``gct_ms``, ``vertical_oscillation_cm``,
``leg_spring_stiffness_kn_m`` ...). Developer fields (Stryd, apps) are recognised by their *name* in
the file's field-description messages (case and punctuation ignored) and converted from the units
the file declares; a value whose units cannot be understood is left out with a warning.

Cadence rule (strides vs steps). The FIT profile's record ``cadence`` is in "rpm": for running,
Garmin and Stryd write *strides* (cycles of both legs) per minute, with ``fractional_cadence``
holding the 1/128 fraction, so steps/min = 2 x (cadence + fractional_cadence). Some third-party
writers put steps/min in the same field. The reader decides once per file, in this order:

1. if the file has step length and speed, the factor (1 or 2) whose cadence agrees with
   60 x speed / step length (median over moving records) wins;
2. otherwise the median raw value of moving records decides: 60-120 -> strides/min (x2),
   120-250 -> already steps/min (x1, with a warning);
3. otherwise the FIT profile's meaning (strides/min, x2) is used and the plausibility ranges below
   flag what does not fit.

The factor used and why is stored in the trial's provenance (``fit.cadence_rule``).
"""

from __future__ import annotations

import re

#: Plausible values while *running* (per-record averages of a watch or foot pod). Values outside
#: are flagged (``records["implausible"]``), listed in the quality log and left out of summaries.
#: Ranges are wide on purpose: they catch sensor and decoding faults, not unusual runners.
#: Sources: contact time 80-450 ms spans elite sprinting (~90 ms) to slow jogging (~350 ms)
#: (Moore 2016, Sports Med 46:793); vertical oscillation of runners is 5-13 cm (Garmin's reference
#: ranges; Folland et al. 2017, MSSE 49:1412), so 2-20 cm; cadence of running 140-220 spm, above
#: 250 is not human running.
PLAUSIBLE_RUNNING: dict[str, tuple[float, float]] = {
    "cadence_spm": (100.0, 250.0),
    "gct_ms": (80.0, 450.0),
    "gct_pct": (15.0, 60.0),
    "vertical_oscillation_cm": (2.0, 20.0),
    "vertical_ratio_pct": (2.0, 20.0),
    "gct_balance_left_pct": (30.0, 70.0),
    "step_length_m": (0.3, 3.0),
    "speed_mps": (0.0, 12.5),
    "power_w": (20.0, 1500.0),
    "form_power_w": (5.0, 400.0),
    "air_power_w": (0.0, 200.0),
    "leg_spring_stiffness_kn_m": (2.0, 40.0),
    "heart_rate_bpm": (30.0, 230.0),
}

#: Metrics for which a zero means "not measured" (a pod or watch writes 0 before it locks on).
ZERO_IS_MISSING = (
    "gct_ms",
    "gct_pct",
    "vertical_oscillation_cm",
    "vertical_ratio_pct",
    "gct_balance_left_pct",
    "step_length_m",
    "form_power_w",
    "leg_spring_stiffness_kn_m",
    "heart_rate_bpm",
)

#: Below this speed a record is a stop; below this cadence a walk (records then leave the
#: running summaries, they are not errors). Walking is below ~130 steps/min, running above ~140
#: (Hreljac 1993, J Biomech 26:1089: the walk-run transition; typical cadences).
STOP_SPEED_MPS = 1.0
WALK_CADENCE_SPM = 130.0

#: Developer field names -> (canonical metric, kind of unit). Names are matched after lowering and
#: removing everything but letters and digits.
DEVELOPER_NAMES: list[tuple[str, str, str]] = [
    (r"^(power|strydpower|runningpower|runpower)$", "power_w", "power"),
    (r"^formpower$", "form_power_w", "power"),
    (r"^airpower$", "air_power_w", "power"),
    (r"^(legspringstiffness|lss)$", "leg_spring_stiffness_kn_m", "stiffness"),
    (r"^(groundtime|groundcontacttime|gct|contacttime|stancetime)$", "gct_ms", "time"),
    (r"^verticaloscillation$", "vertical_oscillation_cm", "length_cm"),
    (r"^verticalratio$", "vertical_ratio_pct", "percent"),
    (r"^(gctbalance|groundtimebalance|stancetimebalance|groundcontacttimebalance)$", "gct_balance_left_pct", "percent"),
    (r"^steplength$", "step_length_m", "length_m"),
    (r"^(cadence|runcadence|runningcadence)$", "cadence_raw", "cadence"),
    (r"^speed$", "speed_mps", "speed"),
    (r"^distance$", "distance_m", "distance"),
]


def canonical_developer_name(name: str | None) -> tuple[str, str] | None:
    """(canonical metric, unit kind) of a developer field name, or None when not one we use."""
    if not name:
        return None
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    for pattern, metric, kind in DEVELOPER_NAMES:
        if re.match(pattern, key):
            return metric, kind
    return None


def unit_factor(kind: str, units: str | None) -> float | None:
    """Multiplier from the declared units to the canonical unit of ``kind``; None when unknown.

    Missing units take the unit Stryd and Garmin write for that quantity (stated in the sources).
    """
    u = re.sub(r"[^a-z/%]", "", (units or "").lower())
    table: dict[str, dict[str, float]] = {
        "power": {"": 1.0, "w": 1.0, "watts": 1.0, "watt": 1.0},
        "stiffness": {"": 1.0, "kn/m": 1.0, "n/m": 1e-3, "n/mm": 1.0},
        "time": {"": 1.0, "ms": 1.0, "milliseconds": 1.0, "s": 1000.0, "seconds": 1000.0, "sec": 1000.0},
        "length_cm": {"": 1.0, "cm": 1.0, "centimeters": 1.0, "centimetres": 1.0, "mm": 0.1, "millimeters": 0.1, "m": 100.0, "meters": 100.0},
        "length_m": {"": 1.0, "m": 1.0, "meters": 1.0, "cm": 0.01, "mm": 1e-3, "millimeters": 1e-3},
        "percent": {"": 1.0, "%": 1.0, "percent": 1.0},
        "cadence": {"": 1.0, "rpm": 1.0, "spm": 1.0, "steps/min": 1.0, "strides/min": 1.0, "stepsperminute": 1.0},
        "speed": {"": 1.0, "m/s": 1.0, "mps": 1.0, "km/h": 1 / 3.6, "kph": 1 / 3.6, "kmh": 1 / 3.6},
        "distance": {"": 1.0, "m": 1.0, "meters": 1.0, "km": 1000.0, "kilometers": 1000.0},
    }
    return table.get(kind, {}).get(u)


#: Sports we analyse; everything else is refused as "not a run" by name.
RUNNING_SPORTS = {"running"}
TREADMILL_SUB_SPORTS = {"treadmill", "indoor_running"}

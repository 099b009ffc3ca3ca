"""Published values that a runner's numbers can be put beside, with the population and speed each
applies to.

A range is shown only when the recording's speed lies inside the range's ``speeds_mps`` window:
running metrics change with speed, so a value from another speed is no comparison. Every range
is the published group mean ± 1 SD (or, where only means were published, the span of the group
means) of a named group of runners; it describes what those runners did, not what is good or bad,
and a value outside it is not a finding about health.

Sources were read for these exact numbers (see docs/validation.md, "Reference ranges"); the
conversions are stated (strides/min x 2 = steps/min; Hz x 60 x 2 = steps/min).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceRange:
    """One published range for one metric."""

    metric: str  #: summary key, e.g. "gct_ms"
    low: float
    high: float
    centre: float | None  #: the published mean, when there is one
    population: str  #: who was measured
    speed_text: str  #: the speed as the source states it
    speeds_mps: tuple[float, float]  #: recording speeds to which this range is applied
    statistic: str  #: "mean ± 1 SD", "span of group means", ...
    source: str  #: key in stridelab.report.references.REFERENCES
    short: str = ""  #: a few words for cards: "trained men, easy pace"


def _sd(metric: str, mean: float, sd: float, **kw: object) -> ReferenceRange:
    return ReferenceRange(metric, mean - sd, mean + sd, mean, statistic="mean ± 1 SD", **kw)  # type: ignore[arg-type]


_KARAMANIDIS = {
    "population": "9 young male endurance runners",
    "speed_text": "2.7 m/s",
    "speeds_mps": (2.4, 3.0),
    "source": "karamanidis2005",
    "short": "young male endurance runners at 2.7 m/s",
}

#: Every range, by metric. Symmetry values are in :data:`SYMMETRY_ANGLE_RANGES`.
RANGES: tuple[ReferenceRange, ...] = (
    # cadence: 84.4 ± 5.3 strides/min (trained) and 77.8 ± 2.8 (novices), self-selected
    _sd("cadence_spm", 168.8, 10.6, population="10 trained male runners", speed_text="80% of each runner's ventilatory-threshold speed, treadmill",
        speeds_mps=(2.5, 4.2), source="deruiter2014", short="trained men at an easy treadmill pace"),
    _sd("cadence_spm", 155.6, 5.6, population="10 untrained men (novices)", speed_text="80% of each runner's ventilatory-threshold speed, treadmill",
        speeds_mps=(2.0, 3.5), source="deruiter2014", short="untrained men at an easy treadmill pace"),
    # 77, 79, 80 strides/min at 2.4, 2.6, 2.9 m/s (means)
    ReferenceRange("cadence_spm", 154.0, 160.0, None, "12 inexperienced runners", "2.4-2.9 m/s, treadmill", (2.2, 3.1),
                   "span of group means", "vanoeveren2017", "inexperienced runners at 2.4-2.9 m/s"),
    # Karamanidis & Arampatzis 2005, Table 4, young runners: stride frequency 1.31 ± 0.08 Hz
    _sd("cadence_spm", 157.2, 9.6, **_KARAMANIDIS),
    _sd("gct_ms", 271.0, 23.0, **_KARAMANIDIS),
    _sd("flight_ms", 112.0, 19.0, **_KARAMANIDIS),
    _sd("duty_factor", 0.355, 0.023, **_KARAMANIDIS),
    _sd("step_length_m", 0.995, 0.030, **_KARAMANIDIS),
)


@dataclass(frozen=True)
class SymmetryReference:
    """Published left-right symmetry angles (%) of one metric."""

    metric: str
    low: float
    high: float
    text: str
    population: str
    speed_text: str
    source: str


#: Symmetry angle (Zifchock et al. 2008) group values; 0% is perfect symmetry.
SYMMETRY_ANGLE_RANGES: tuple[SymmetryReference, ...] = (
    SymmetryReference("gct_ms", 0.4, 0.7, "group means 0.4-0.7% across speeds (overall 0.6 ± 0.1%)",
                      "9 well-trained distance runners", "10-25 km/h (2.8-6.9 m/s), treadmill", "girard2019"),
    SymmetryReference("flight_ms", 1.3, 2.1, "group means 1.3-2.1% across speeds (overall 1.7 ± 0.2%)",
                      "9 well-trained distance runners", "10-25 km/h (2.8-6.9 m/s), treadmill", "girard2019"),
    SymmetryReference("step_time_ms", 0.5, 0.9, "group means 0.5-0.9% across speeds for step frequency (overall 0.7 ± 0.2%)",
                      "9 well-trained distance runners", "10-25 km/h (2.8-6.9 m/s), treadmill", "girard2019"),
    SymmetryReference("gct_ms", 0.1, 1.5, "0.8 ± 0.7% (mean ± SD)", "12 trained runners", "13.3 ± 0.8 km/h (3.7 m/s), treadmill", "mtibaa2023"),
    SymmetryReference("flight_ms", 0.8, 2.0, "1.4 ± 0.6% (mean ± SD)", "12 trained runners", "13.3 ± 0.8 km/h (3.7 m/s), treadmill", "mtibaa2023"),
    SymmetryReference("duty_factor", 0.4, 1.0, "0.7 ± 0.3% (mean ± SD)", "12 trained runners", "13.3 ± 0.8 km/h (3.7 m/s), treadmill", "mtibaa2023"),
)


def ranges_for(metric: str, speed_mps: float | None) -> list[ReferenceRange]:
    """The ranges of ``metric`` that apply at ``speed_mps`` (none when the speed is unknown)."""
    if speed_mps is None:
        return []
    return [r for r in RANGES if r.metric == metric and r.speeds_mps[0] <= speed_mps <= r.speeds_mps[1]]


def symmetry_references(metric: str) -> list[SymmetryReference]:
    return [r for r in SYMMETRY_ANGLE_RANGES if r.metric == metric]

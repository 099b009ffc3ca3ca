"""One catalogue of the summary metrics: label, unit, display format and plain-language meaning.

The CLI table, the report's cards, left/right table, definitions and drift tables all read it, so a
metric is named and formatted the same way everywhere. The definitions (how each is computed) are
in :mod:`stridelab.metrics.spatiotemporal` and :mod:`stridelab.metrics.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    fmt: str
    plain: str = ""


_ALL = (
    Metric("cadence_spm", "Cadence", "steps/min", "{:.0f}", "Steps per minute, both feet counted."),
    Metric("gct_ms", "Ground contact time", "ms", "{:.0f}", "How long each foot stays on the ground per step."),
    Metric("flight_ms", "Flight time", "ms", "{:.0f}", "Time with both feet off the ground between steps."),
    Metric("step_time_ms", "Step time", "ms", "{:.0f}", "Time from one foot's contact to the other's."),
    Metric("duty_factor", "Duty factor", "", "{:.2f}", "Share of each stride that a foot spends on the ground."),
    Metric("step_length_m", "Step length", "m", "{:.2f}", "Distance covered from one foot's contact to the other's."),
    Metric("speed_mps", "Speed", "m/s", "{:.2f}", "Running speed used for step length."),
    Metric("pace_min_per_km", "Pace", "min/km", "mm:ss", "Minutes per kilometre."),
    Metric("vertical_oscillation_cm", "Vertical oscillation", "cm", "{:.1f}", "Up-and-down travel of the pelvis in each step."),
    Metric("vertical_ratio_pct", "Vertical ratio", "%", "{:.1f}", "Vertical oscillation as a share of step length."),
    Metric("gct_balance_left_pct", "Contact-time balance, left", "%", "{:.1f}", "Left foot's share of the total contact time; 50% is even."),
    Metric("power_w", "Power", "W", "{:.0f}", "Running power reported by the device."),
    Metric("form_power_w", "Form power", "W", "{:.0f}", "The part of the running power spent moving up and down and sideways, reported by the device (Stryd)."),
    Metric("leg_spring_stiffness_kn_m", "Leg spring stiffness", "kN/m", "{:.1f}", "Leg stiffness reported by the device."),
    Metric("heart_rate_bpm", "Heart rate", "bpm", "{:.0f}", "Heart beats per minute."),
)

CATALOG: dict[str, Metric] = {m.key: m for m in _ALL}


def format_value(key: str, value: float | None, fmt: str | None = None) -> str:
    """A value as the catalogue shows it ("-" when unknown; pace as m:ss)."""
    if value is None:
        return "-"
    f = fmt or CATALOG[key].fmt
    if f == "mm:ss":
        m, s = divmod(round(float(value) * 60), 60)
        return f"{m}:{s:02d}"
    return f.format(value)


def rows(*keys: str) -> tuple[tuple[str, str, str, str], ...]:
    """(label, key, unit, format) of the given metrics, in order."""
    return tuple((CATALOG[k].label, k, CATALOG[k].unit, CATALOG[k].fmt) for k in keys)

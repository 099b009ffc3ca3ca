"""Laps of a watch file: the device's own lap averages, one row per lap (columns with values only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stridelab.report.blocks import fmt, note, table
from stridelab.report.html import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: (lap field, column header, format) after the lap number, start, duration, distance and pace.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("avg_heart_rate_bpm", "Heart rate (bpm)", "{:.0f}"),
    ("avg_cadence_spm", "Cadence (steps/min)", "{:.0f}"),
    ("avg_gct_ms", "Contact time (ms)", "{:.0f}"),
    ("avg_vertical_oscillation_cm", "Vertical osc. (cm)", "{:.1f}"),
    ("avg_step_length_m", "Step length (m)", "{:.2f}"),
    ("avg_gct_balance_left_pct", "Contact balance, left (%)", "{:.1f}"),
    ("avg_power_w", "Power (W)", "{:.0f}"),
    ("ascent_m", "Ascent (m)", "{:.0f}"),
)


def mmss(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def pace(speed_mps: Any) -> str:
    """'4:34' (min/km) for a speed in m/s, '–' without one."""
    if not isinstance(speed_mps, int | float) or speed_mps <= 0.3:
        return "–"
    return mmss(1000.0 / speed_mps)


#: Short headers for a terminal (80 columns): fewer columns, the same values.
SHORT = {"avg_heart_rate_bpm": "HR", "avg_cadence_spm": "Cadence", "avg_gct_ms": "GCT ms", "avg_vertical_oscillation_cm": "VO cm", "avg_power_w": "Power W"}


def lap_rows(laps: list[dict[str, Any]], short: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and rows (plain text) of the lap table; columns without any value are left out.
    ``short``: the terminal's version (no start, step length, balance or ascent; short headers)."""
    cols = [c for c in COLUMNS if any(isinstance(lap.get(c[0]), int | float) for lap in laps) and (not short or c[0] in SHORT)]
    if short:
        header = ["Lap", "Time", "km", "Pace /km"] + [SHORT[k] for k, _, _ in cols]
    else:
        header = ["Lap", "Start (min)", "Time", "Distance (km)", "Pace (min/km)"] + [h for _, h, _ in cols]
    rows = []
    for i, lap in enumerate(laps, start=1):
        dur = lap.get("timer_s") or lap.get("elapsed_s")
        start = [] if short else [fmt(lap.get("start_s", 0.0) / 60.0, "{:.1f}")]
        rows.append(
            [str(i), *start, mmss(dur) if dur else "–", fmt((lap.get("distance_m") or 0.0) / 1000.0, "{:.2f}"), pace(lap.get("avg_speed_mps"))]
            + [fmt(lap.get(k), f) for k, _, f in cols]
        )
    return header, rows


def build(analysis: Analysis) -> Section | None:
    laps = analysis.sections.get("laps")
    if not laps or len(laps) < 2:
        return None
    header, rows = lap_rows(laps)
    html = table(header, rows) + note(
        "The watch's own averages for each lap (as it stored them), including stops and walking within a lap; "
        "the summary above uses running records only.",
        "meta",
    )
    return Section("Laps", html, "laps")

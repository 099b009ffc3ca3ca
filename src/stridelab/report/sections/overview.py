"""Metric cards: the summary values with left/right and their variability."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from stridelab.report.html import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

CARDS: tuple[tuple[str, str, str, str], ...] = (
    ("Cadence", "cadence_spm", "steps/min", "{:.0f}"),
    ("Ground contact time", "gct_ms", "ms", "{:.0f}"),
    ("Flight time", "flight_ms", "ms", "{:.0f}"),
    ("Duty factor", "duty_factor", "", "{:.2f}"),
    ("Step length", "step_length_m", "m", "{:.2f}"),
    ("Speed", "speed_mps", "m/s", "{:.2f}"),
    ("Vertical oscillation", "vertical_oscillation_cm", "cm", "{:.1f}"),
    ("Vertical ratio", "vertical_ratio_pct", "%", "{:.1f}"),
    ("Contact-time balance, left", "gct_balance_left_pct", "%", "{:.1f}"),
)


def fmt(v: Any, f: str) -> str:
    return "–" if v is None else f.format(v)


def build(analysis: Analysis) -> Section | None:
    s, bs, iqr = analysis.summary, analysis.by_side, analysis.summary_iqr
    cards = []
    for label, key, unit, f in CARDS:
        v = s.get(key)
        if v is None:
            continue
        sides = ""
        if key in bs.get("left", {}) and (bs["left"].get(key) is not None or bs["right"].get(key) is not None):
            sides = (
                f'<div class="sides"><span class="left">L {fmt(bs["left"].get(key), f)}</span> · '
                f'<span class="right">R {fmt(bs["right"].get(key), f)}</span></div>'
            )
        spread = f'<div class="ref">IQR {fmt(iqr.get(key), f)} {escape(unit)}</div>' if iqr.get(key) is not None else ""
        cards.append(
            f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value">{fmt(v, f)}<span class="unit">{escape(unit)}</span></div>{sides}{spread}</div>'
        )
    tr = analysis.trial
    n_steps = int(analysis.steps["next_ic_s"].notna().sum()) if len(analysis.steps) else 0
    intro = (
        f"<p>{len(analysis.contacts)} foot contacts and {n_steps} steps, {escape(tr.environment)}, contacts from "
        f"<b>{escape(analysis.events.source)}</b>. Values are medians over steps.</p>"
    )
    return Section("Summary", intro + '<div class="cards">' + "".join(cards) + "</div>", "summary")

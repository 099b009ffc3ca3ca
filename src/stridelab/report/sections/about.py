"""How the numbers were made (plain definitions) and the list of references cited in the report.

Built last by :func:`stridelab.report.html.build_sections`, after every other section has cited
what it needed."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from stridelab.report.blocks import fmt, table
from stridelab.report.reference_ranges import RANGES
from stridelab.report.references import cite, reference_list_html
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Step", "from one foot's initial contact to the other foot's next initial contact."),
    ("Cadence", "60 000 / step time (ms), per step; steps per minute."),
    ("Ground contact time", "toe-off minus initial contact of the same foot."),
    ("Flight time", "next initial contact (other foot) minus this toe-off; negative would mean both feet down at once."),
    ("Duty factor", "contact time / stride time (same foot to same foot)."),
    ("Step length", "treadmill: belt speed × step time; overground: distance between the feet at mid-stance."),
    ("Vertical oscillation", "range of the pelvis centre's height within a step; vertical ratio = oscillation / step length × 100."),
    ("Contact-time balance", "mean left contact time / (mean left + mean right) × 100."),
    ("Summary values", "medians over steps; IQR = spread of the middle half of the steps."),
)


_FORMATS = {"cadence_spm": "{:.0f}", "gct_ms": "{:.0f}", "flight_ms": "{:.0f}", "duty_factor": "{:.3f}", "step_length_m": "{:.2f}"}


def ranges_table() -> str:
    """Every published range stridelab holds, with the group and speed it applies to."""
    rows = []
    for r in RANGES:
        f = _FORMATS.get(r.metric, "{:.2f}")
        centre = f" (mean {fmt(r.centre, f)})" if r.centre is not None else ""
        rows.append([
            f"<code>{escape(r.metric)}</code>",
            f"{fmt(r.low, f)}–{fmt(r.high, f)}{centre}",
            escape(r.statistic),
            escape(r.population),
            escape(r.speed_text),
            f"{r.speeds_mps[0]:g}–{r.speeds_mps[1]:g} m/s",
            cite(r.source),
        ])
    return table(["Metric", "Range", "Statistic", "Group", "Measured at", "Shown for speeds", "Source"], rows, align="lrllllr")


def build(analysis: Analysis) -> Section:
    items = "".join(f"<li><b>{k}</b>: {v}</li>" for k, v in DEFINITIONS)
    ranges = "<h3>Published ranges held</h3>" + ranges_table()
    refs = reference_list_html()
    html = (
        "<h3>Definitions</h3><ul class='plain'>" + items + "</ul>"
        + ranges
        + "<p class='meta'>Published values are quoted as their authors reported them, with the group and speed they "
        "come from. A range is shown beside this runner only when the recording's speed lies in its 'shown for speeds' "
        "window (stridelab's choice: close to the speed the group was measured at), because running metrics change with "
        "speed. The ranges describe those groups; they are not targets.</p>"
        + ("<h3>References</h3>" + refs if refs else "")
    )
    return Section("How the numbers are made", html, "about", tail=True)

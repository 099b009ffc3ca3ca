"""Data quality: warnings, gaps filled, markers missing, contacts and steps rejected and why."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from stridelab.report.html import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def build(analysis: Analysis) -> Section:
    q = analysis.trial.quality
    parts = []
    if analysis.warnings:
        parts.append("<h3>Warnings</h3><ul>" + "".join(f"<li class='warn'>{escape(w)}</li>" for w in analysis.warnings) + "</ul>")
    filled = q.of_kind("gap_filled")
    if filled:
        parts.append(
            "<h3>Gaps filled</h3><p>"
            + ", ".join(f"{escape(i['marker'])} ({i['frames']} frames)" for i in filled)
            + " (cubic spline, gaps up to 0.1 s).</p>"
        )
    long = q.of_kind("gap_long")
    if long:
        parts.append(
            "<h3>Gaps left open</h3><p>"
            + ", ".join(f"{escape(i['marker'])} ({i['seconds']:.2f} s)" for i in long)
            + ". Metrics that need these markers skip the affected frames.</p>"
        )
    unm = q.of_kind("markers_unmapped")
    if unm:
        parts.append("<h3>Markers not recognised</h3><p>" + escape(", ".join(unm[0]["markers"])) + "</p>")
    rej = analysis.events.rejected + analysis.rejected_steps
    if rej:
        parts.append(
            "<h3>Contacts and steps left out</h3><table><tr><th>time (s)</th><th>reason</th></tr>"
            + "".join(f"<tr><td>{r['ic_s']:.3f}</td><td style='text-align:left'>{escape(r['reason'])}</td></tr>" for r in rej)
            + "</table>"
        )
    axes = q.of_kind("axes")
    if axes:
        a = axes[0]
        parts.append(
            f"<p class='meta'>Axes: vertical {escape(a['vertical'])} (from {escape(a['vertical_from'])}), running direction "
            f"{escape(a['forward'])} (from {escape(a['forward_from'])}); units {escape(str(analysis.trial.provenance.units_in))}.</p>"
        )
    if not parts:
        parts.append("<p>No data-quality problems found.</p>")
    return Section("Data quality", "".join(parts), "quality")

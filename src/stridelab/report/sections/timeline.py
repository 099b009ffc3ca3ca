"""Contact timeline: when each foot was on the ground."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.html import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def build(analysis: Analysis) -> Section | None:
    c = analysis.contacts
    if len(c) == 0:
        return None
    fig, ax = new_figure(8.0, 1.6)
    for y, side in ((1, "left"), (0, "right")):
        s = c[c["side"] == side]
        ax.broken_barh(list(zip(s["ic_s"], s["to_s"] - s["ic_s"], strict=True)), (y - 0.35, 0.7), color=SIDE_COLOURS[side])
    ax.set_yticks([0, 1], ["right", "left"])
    ax.set_xlabel("time (s, file time axis)")
    t0, t1 = float(c["ic_s"].min()), float(c["to_s"].max())
    ax.set_xlim(t0 - 0.05, min(t1, t0 + 10.0) + 0.05)
    note = "<p class='meta'>First 10 s shown.</p>" if t1 - t0 > 10 else ""
    return Section("Contact timeline", to_svg(fig) + note, "timeline")

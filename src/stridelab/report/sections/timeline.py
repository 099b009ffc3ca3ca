"""Contact timeline: when each foot was on the ground, a few seconds shown at readable scale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stridelab.report.figures import SIDE_COLOURS, figure, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

WINDOW_S = 4.0


def build(analysis: Analysis) -> Section | None:
    c = analysis.contacts
    if len(c) == 0:
        return None
    t0 = float(c["ic_s"].min()) - 0.05
    t_end = float(c["to_s"].max())
    t1 = min(t_end + 0.05, t0 + WINDOW_S)
    fig, ax = new_figure(8.6, 1.7)
    for y, side in ((1, "left"), (0, "right")):
        s = c[(c["side"] == side) & (c["to_s"] >= t0) & (c["ic_s"] <= t1)]
        ax.broken_barh(list(zip(s["ic_s"], s["to_s"] - s["ic_s"], strict=True)), (y - 0.32, 0.64), color=SIDE_COLOURS[side])
    ax.set_yticks([0, 1], ["right", "left"])
    ax.set_ylim(-0.6, 1.6)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("time (s, on the recording's own time axis)")
    ax.set_xlim(t0, t1)
    shown = f"the first {t1 - t0:.0f} s of contacts are shown" if t_end - t0 > WINDOW_S else "all contacts are shown"
    caption = (
        "Each bar is one foot on the ground, from initial contact to toe-off; the gaps between a blue and an orange bar "
        f"are flight phases, when neither foot touches the ground. For legibility {shown}; the step table (--csv) "
        "lists every contact."
    )
    return Section("Contact timeline", figure(to_svg(fig), caption), "timeline")

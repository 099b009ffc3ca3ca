"""Step-to-step variability: contact time and step time of every step over the recording, per side,
with their standard deviation and coefficient of variation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stridelab.report.blocks import fmt, note, table
from stridelab.report.figures import SIDE_COLOURS, figure, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: Fewer steps per side than this give no variability (a SD of 5 values says little).
MIN_STEPS = 5


def spread(x: np.ndarray) -> tuple[float | None, float | None, int]:
    """(SD, CV % = SD / mean x 100, n) of the finite values; None when fewer than MIN_STEPS."""
    x = x[np.isfinite(x)]
    if x.size < MIN_STEPS:
        return None, None, int(x.size)
    sd = float(np.std(x, ddof=1))
    return sd, sd / float(np.mean(x)) * 100.0, int(x.size)


def build(analysis: Analysis) -> Section | None:
    st = analysis.steps
    if len(st) < 2 * MIN_STEPS:
        return None
    fig, axes = new_figure(8.6, 2.5, ncols=2)
    rows = []
    cvs: dict[str, list[float]] = {"gct_ms": [], "step_time_ms": []}
    bs = analysis.by_side
    per_side = all(fmt(bs.get(sd, {}).get(k), "{}", "") != "" for sd in ("left", "right") for k in ("gct_ms", "step_time_ms"))
    groups = [(sd, st[st["side"] == sd]) for sd in ("left", "right")] if per_side else [("both", st)]
    for side, s in groups:
        for ax, key in zip(axes, ("gct_ms", "step_time_ms"), strict=True):
            ax.plot(s["ic_s"], s[key], "o-", ms=2.5, lw=0.7, color=SIDE_COLOURS.get(side, "#1d2430"), label=side)
        g = spread(s["gct_ms"].to_numpy(dtype=float))
        k = spread(s["step_time_ms"].to_numpy(dtype=float))
        rows.append([f'<span class="{side}">{"both feet" if side == "both" else side}</span>', str(g[2]), fmt(g[0], "{:.1f}"), fmt(g[1], "{:.1f}"), fmt(k[0], "{:.1f}"), fmt(k[1], "{:.1f}")])
        for key, r in (("gct_ms", g), ("step_time_ms", k)):
            if r[1] is not None:
                cvs[key].append(r[1])
    axes[0].set_ylabel("contact time (ms)")
    axes[1].set_ylabel("step time (ms)")
    for a in axes:
        a.set_xlabel("time (s)")
    axes[0].legend(frameon=False, fontsize=8)
    caption = (
        "Each dot is one step, in the order they happened. A flat band of dots means an even rhythm; a drift shows the "
        "runner changing pace or form during the recording."
    )
    if not per_side:
        caption += (
            " Both feet together: the JSON gives no left/right contact and step times for this recording "
            "(the data-quality warnings say why), so none are compared here."
        )
    tbl = table(["Foot", "Steps", "Contact time SD (ms)", "Contact time CV (%)", "Step time SD (ms)", "Step time CV (%)"], rows)
    expl = note(
        "SD: standard deviation, the typical distance of a step from the average. CV: coefficient of variation, the SD as a "
        "percentage of the average. Variability depends on speed, surface and how many steps were recorded; no published "
        "range for this speed is shown because none in our sources matches these conditions.",
        "meta",
    )
    highlights = []
    if cvs["gct_ms"] and cvs["step_time_ms"]:
        def span(v: list[float]) -> str:
            return f"{min(v):.1f}%" if max(v) - min(v) < 0.05 else f"{min(v):.1f}–{max(v):.1f}%"

        whose = "each foot's steps" if per_side else "all steps, both feet together"
        highlights.append(
            f"From step to step, contact time varied by {span(cvs['gct_ms'])} and step time by "
            f"{span(cvs['step_time_ms'])} (coefficient of variation of {whose})."
        )
    return Section("Step-to-step variability", figure(to_svg(fig), caption) + tbl + expl, "variability", highlights=highlights)

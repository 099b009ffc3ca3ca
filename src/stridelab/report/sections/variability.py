"""Step-to-step variability: contact time and step time of every step, per side."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.html import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def _cv(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1) / np.mean(x) * 100) if x.size > 2 else float("nan")


def build(analysis: Analysis) -> Section | None:
    st = analysis.steps
    if len(st) < 3:
        return None
    fig, axes = new_figure(8.0, 2.4, ncols=2)
    rows = []
    for side in ("left", "right"):
        s = st[st["side"] == side]
        axes[0].plot(s["ic_s"], s["gct_ms"], "o-", ms=2.5, lw=0.7, color=SIDE_COLOURS[side], label=side)
        axes[1].plot(s["ic_s"], s["step_time_ms"], "o-", ms=2.5, lw=0.7, color=SIDE_COLOURS[side], label=side)
        rows.append((side, _cv(s["gct_ms"].to_numpy(float)), _cv(s["step_time_ms"].to_numpy(float))))
    axes[0].set_ylabel("contact time (ms)")
    axes[1].set_ylabel("step time (ms)")
    for a in axes:
        a.set_xlabel("time (s)")
    axes[0].legend(frameon=False, fontsize=8)
    table = "<table><tr><th>Side</th><th>CV contact time (%)</th><th>CV step time (%)</th></tr>"
    for side, a, b in rows:
        table += f"<tr><td class='{side}'>{side}</td><td>{a:.1f}</td><td>{b:.1f}</td></tr>"
    table += "</table><p class='meta'>CV: coefficient of variation, SD / mean over the steps.</p>"
    return Section("Step-to-step variability", to_svg(fig) + table, "variability")

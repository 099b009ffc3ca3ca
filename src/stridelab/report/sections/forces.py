"""Vertical ground reaction force with the detected contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.html import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def build(analysis: Analysis) -> Section | None:
    sig = analysis.events.signals.get("vertical_force")
    if sig is None or sig[0].size == 0:
        return None
    t, fz = sig
    c = analysis.contacts
    fig, ax = new_figure(8.0, 2.6)
    t0 = float(c["ic_s"].min()) - 0.2 if len(c) else float(t[0])
    m = (t >= t0) & (t <= t0 + 4.0)
    ax.plot(t[m], fz[m], color="#333", lw=0.9)
    thr = analysis.events.info.get("threshold_n", 20.0)
    ax.axhline(thr, color="#999", lw=0.6, ls="--")
    for row in c.itertuples():
        if t0 <= row.ic_s <= t0 + 4.0:
            ax.axvspan(row.ic_s, row.to_s, color=SIDE_COLOURS[str(row.side)], alpha=0.12, lw=0)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("vertical force (N)")
    sens = analysis.events.info.get("sensitivity_50n")
    txt = f"<p class='meta'>Contacts where the filtered force crosses {thr:g} N (dashed). 4 s shown."
    if sens:
        txt += (
            f" With a {sens['threshold_n']:g} N threshold, contacts start {sens['ic_shift_ms_mean']:.1f} ms later and end "
            f"{-sens['to_shift_ms_mean']:.1f} ms earlier on average (contact time {sens['gct_change_ms_mean']:.1f} ms)."
        )
    peak = float(np.nanmax(fz[m])) if m.any() else float("nan")
    txt += f" Peak {peak:.0f} N.</p>"
    return Section("Vertical force", to_svg(fig) + txt, "forces")

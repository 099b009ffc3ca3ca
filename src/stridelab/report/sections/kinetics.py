"""Force curves in body weights, joint moments and powers, and the force metrics table."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.section import Section
from stridelab.report.sections.angles import _fmt, curve_grid, stance_percent

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

MOMENT_GRID = (
    ("Sagittal", ("hip_extension", "knee_extension", "ankle_plantarflexion")),
    ("Frontal", ("hip_abduction", "knee_abduction", "ankle_inversion")),
)
POWER_GRID = (("Power", ("hip", "knee", "ankle")),)

ROWS = (
    ("Peak vertical force", "peak_vgrf_bw", "BW", "{:.2f}"),
    ("Impact peak", "impact_peak_bw", "BW", "{:.2f}"),
    ("Average vertical loading rate", "vlr_avg_bw_s", "BW/s", "{:.0f}"),
    ("Instantaneous vertical loading rate", "vlr_inst_bw_s", "BW/s", "{:.0f}"),
    ("Peak braking force", "peak_braking_bw", "BW", "{:.2f}"),
    ("Braking impulse", "braking_impulse_bws", "BW·s", "{:.3f}"),
    ("Propulsive impulse", "propulsive_impulse_bws", "BW·s", "{:.3f}"),
    ("Vertical stiffness (forces)", "vertical_stiffness_kn_m", "kN/m", "{:.1f}"),
    ("Leg stiffness (forces)", "leg_stiffness_kn_m", "kN/m", "{:.1f}"),
    ("Vertical stiffness (Morin 2005)", "vertical_stiffness_morin_kn_m", "kN/m", "{:.1f}"),
    ("Leg stiffness (Morin 2005)", "leg_stiffness_morin_kn_m", "kN/m", "{:.1f}"),
    ("Peak hip extensor moment", "hip_extension_moment_peak_nm_kg", "N·m/kg", "{:.2f}"),
    ("Peak knee extensor moment", "knee_extension_moment_peak_nm_kg", "N·m/kg", "{:.2f}"),
    ("Peak ankle plantarflexor moment", "ankle_plantarflexion_moment_peak_nm_kg", "N·m/kg", "{:.2f}"),
)


def _grf_figure(grf: dict[str, Any]) -> str | None:
    comps = [(k, lab) for k, lab in (("vertical_bw", "vertical"), ("fore_aft_bw", "fore-aft (+ forward)")) if k in grf]
    if not comps:
        return None
    fig, axes = new_figure(8.0, 2.4, ncols=len(comps))
    axes = np.atleast_1d(axes)
    x = np.linspace(0, 100, 101)
    for ax, (key, label) in zip(axes, comps, strict=True):
        for side, c in grf[key].items():
            m = np.asarray(c["mean"], float)
            sd = np.asarray([np.nan if v is None else v for v in c["sd"]], float)
            ax.plot(x, m, color=SIDE_COLOURS[side], lw=1.2, label=f"{side} (n={c['n_contacts']})")
            if np.isfinite(sd).any():
                ax.fill_between(x, m - sd, m + sd, color=SIDE_COLOURS[side], alpha=0.18, lw=0)
        ax.set_xlabel("% stance")
        ax.set_ylabel(f"{label} (BW)")
    axes[0].legend(frameon=False, fontsize=7)
    return to_svg(fig)


def build(analysis: Analysis) -> Section | None:
    grf = analysis.sections.get("grf")
    st = analysis.steps
    if "loading_source" in st.columns:  # values predicted from a wearable (stridelab.loading) are not measured forces
        st = st[~st["loading_source"].astype(str).str.startswith("predicted")]
    rows = [r for r in ROWS if r[1] in st.columns and st[r[1]].notna().any() and analysis.summary.get(r[1]) is not None]
    if not grf and not rows:
        return None
    parts = []
    if grf and (svg := _grf_figure(grf)):
        parts.append(svg + "<p class='meta'>Ground reaction force over stance, mean ± SD, in body weights.</p>")
    stance = stance_percent(analysis)
    if (m := analysis.sections.get("moments")) and (svg := curve_grid(m, MOMENT_GRID, "N·m/kg", stance)):
        parts.append(svg + "<p class='meta'>Internal joint moments over the stride (inverse dynamics, de Leva 1996 segments), "
                     "resolved in the proximal segment; the title names the positive direction.</p>")
    if (p := analysis.sections.get("powers")) and (svg := curve_grid(p, POWER_GRID, "W/kg", stance)):
        parts.append(svg + "<p class='meta'>Joint power: positive = energy generated, negative = absorbed.</p>")
    if rows:
        bs = analysis.by_side
        html = "<table><tr><th>Per contact (median)</th><th>All</th><th class='left'>Left</th><th class='right'>Right</th><th></th></tr>"
        for label, key, unit, f in rows:
            html += (
                f"<tr><td>{escape(label)}</td><td>{_fmt(analysis.summary.get(key), f)}</td>"
                f"<td>{_fmt(bs.get('left', {}).get(key), f)}</td><td>{_fmt(bs.get('right', {}).get(key), f)}</td><td>{escape(unit)}</td></tr>"
            )
        html += "</table>"
        src = analysis.trial.subject.sources.get("mass_kg")
        html += (
            (f"<p class='meta'>Body weight from {escape(str(src))}. " if src else "<p class='meta'>")
            + "Loading rate over 20-80 % of the impact peak (Milner et "
            "al. 2006), or of the force at 13 % of stance when there is no impact peak. Higher loading rates are associated "
            "in some studies with running injuries; they are not a diagnosis.</p>"
        )
        parts.append(html)
    return Section("Forces and joint kinetics", "".join(parts), "kinetics")

"""Joint angles over the stride (mean ± SD, both sides) and the running-kinematics table."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.kinematics.conventions import ANGLES
from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: Rows of the angle grid: (row label, names in the sagittal, frontal, transverse columns).
GRID = (
    ("Hip", ("hip_flexion", "hip_adduction", "hip_rotation")),
    ("Knee", ("knee_flexion", "knee_adduction", "knee_rotation")),
    ("Ankle", ("ankle_dorsiflexion", "ankle_inversion", "ankle_rotation")),
    ("Pelvis", ("pelvis_tilt", "pelvis_obliquity", "pelvis_rotation")),
    ("Trunk / arm", ("trunk_lean", "elbow_flexion", None)),
)

#: (label, column, unit, format) of the per-step kinematics table.
ROWS = (
    ("Foot-strike angle (toes up +)", "foot_strike_angle_deg", "°", "{:.1f}"),
    ("Foot-strike pattern", "foot_strike_pattern", "", "{}"),
    ("Strike index (heel 0 - toe 100)", "strike_index_pct", "%", "{:.0f}"),
    ("Overstride (heel ahead of hip)", "overstride_m", "m", "{:.3f}"),
    ("Overstride", "overstride_pct_leg", "% leg", "{:.1f}"),
    ("Shank angle at contact", "shank_angle_ic_deg", "°", "{:.1f}"),
    ("Knee flexion at contact", "knee_flexion_ic_deg", "°", "{:.1f}"),
    ("Peak knee flexion in stance", "knee_flexion_peak_deg", "°", "{:.1f}"),
    ("Peak hip adduction in stance", "hip_adduction_peak_deg", "°", "{:.1f}"),
    ("Contralateral pelvic drop (peak)", "pelvic_drop_deg", "°", "{:.1f}"),
    ("Trunk forward lean", "trunk_lean_deg", "°", "{:.1f}"),
    ("Elbow flexion", "elbow_flexion_deg", "°", "{:.0f}"),
    ("Arm swing (upper-arm range)", "arm_swing_deg", "°", "{:.0f}"),
)

#: Angles validated only against a hand calculation on one short trial (docs/validation.md).
HAND_CHECKED = ("trunk_lean", "elbow_flexion", "trunk_lean_deg", "elbow_flexion_deg", "arm_swing_deg")


def _fmt(v: Any, f: str) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "–"
    return f.format(v)


def _plot_curves(ax: Any, curves: dict[str, Any], name: str, stance_pct: dict[str, float]) -> None:
    x = np.arange(101)
    for side in ("left", "right"):
        c = curves.get(name, {}).get(side)
        if c is None:
            continue
        m = np.asarray(c["mean"], dtype=float)
        sd = np.asarray([np.nan if v is None else v for v in c["sd"]], dtype=float)
        col = SIDE_COLOURS[side]
        ax.plot(x, m, color=col, lw=1.2, label=f"{side} (n={c['n_strides']})")
        if np.isfinite(sd).any():
            ax.fill_between(x, m - sd, m + sd, color=col, alpha=0.18, lw=0)
        if side in stance_pct:
            ax.axvline(stance_pct[side], color=col, lw=0.6, ls=":")
    ax.set_title(name.replace("_", " "), fontsize=8)
    ax.tick_params(labelsize=7)


def stance_percent(analysis: Analysis) -> dict[str, float]:
    """Median toe-off per side in % of the stride (for the dotted lines)."""
    out: dict[str, float] = {}
    for side in ("left", "right"):
        s = analysis.steps[analysis.steps["side"] == side]
        if "stride_time_ms" not in s:
            continue
        v = (s["gct_ms"] / s["stride_time_ms"] * 100).to_numpy(float)
        v = v[np.isfinite(v)]
        if v.size:
            out[side] = float(np.median(v))
    return out


def curve_grid(curves: dict[str, Any], grid: tuple[tuple[str, tuple[str | None, ...]], ...], unit: str, stance: dict[str, float]) -> str | None:
    rows = [(label, names) for label, names in grid if any(n in curves for n in names if n)]
    if not rows:
        return None
    ncols = max(len(n) for _, n in rows)
    fig, axes = new_figure(8.0, 1.9 * len(rows), ncols=ncols, nrows=len(rows))
    axes = np.atleast_2d(axes)
    for r, (label, names) in enumerate(rows):
        for c in range(ncols):
            ax = axes[r, c]
            name = names[c] if c < len(names) else None
            if name is None or name not in curves:
                ax.axis("off")
                continue
            _plot_curves(ax, curves, name, stance)
            if c == 0:
                ax.set_ylabel(f"{label} ({unit})", fontsize=8)
            if r == len(rows) - 1:
                ax.set_xlabel("% stride", fontsize=8)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if handles:
        axes[0, 0].legend(handles, labels, frameon=False, fontsize=7)
    return to_svg(fig)


def build(analysis: Analysis) -> Section | None:
    curves = analysis.sections.get("angles")
    st = analysis.steps
    have_rows = [r for r in ROWS if r[1] in st.columns and st[r[1]].notna().any()]
    if not curves or (len(curves) <= 1 and not have_rows):
        return None
    parts = []
    svg = curve_grid(curves, GRID, "deg", stance_percent(analysis))
    if svg:
        parts.append(svg)
        parts.append(
            "<p class='meta'>Mean ± SD over the strides (initial contact to the next contact of the same foot); dotted "
            "lines: toe-off. Joint coordinate system (Grood &amp; Suntay 1983, Wu et al. 2002): flexion, dorsiflexion, "
            "adduction, inversion and internal rotation positive; anatomical angles, not zeroed to standing (the foot "
            "is referenced to its standing posture). Frontal and transverse knee angles depend strongly on the thigh "
            "axes; read them with care (docs/validation.md).</p>"
        )
    if have_rows:
        bs = analysis.by_side
        html = "<table><tr><th>Per step (median)</th><th>All</th><th class='left'>Left</th><th class='right'>Right</th><th></th></tr>"
        for label, key, unit, f in have_rows:
            mark = " *" if key in HAND_CHECKED else ""
            html += (
                f"<tr><td>{escape(label)}{mark}</td><td>{_fmt(analysis.summary.get(key), f)}</td>"
                f"<td>{_fmt(bs.get('left', {}).get(key), f)}</td><td>{_fmt(bs.get('right', {}).get(key), f)}</td><td>{escape(unit)}</td></tr>"
            )
        html += "</table>"
        html += (
            "<p class='meta'>Foot-strike pattern from the foot-strike angle (Altman &amp; Davis 2012: rearfoot &gt; 8°, "
            "forefoot &lt; -1.6°), or from the strike index (Cavanagh &amp; Lafortune 1980) without a standing trial. "
            "* Trunk and arm angles are checked only against a hand calculation on one short recording, not against a "
            "reference system. Larger overstride, pelvic drop or hip adduction are patterns the literature associates "
            "with some running injuries; they are not a diagnosis.</p>"
        )
        parts.append(html)
    known = [n for n in ANGLES if n in curves]
    if not known and not have_rows:
        return None
    return Section("Joint angles and running kinematics", "".join(parts), "angles")

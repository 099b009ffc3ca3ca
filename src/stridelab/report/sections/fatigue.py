"""Fatigue and drift: windows with their change from baseline (raw and at matched speed), trends."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from stridelab.metrics.catalog import rows
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

SHOWN = tuple(
    (key, label, unit, fmt)
    for label, key, unit, fmt in rows("cadence_spm", "gct_ms", "vertical_oscillation_cm", "step_length_m", "power_w", "leg_spring_stiffness_kn_m", "heart_rate_bpm")
)


def _f(v: Any, fmt: str) -> str:
    return "–" if v is None else fmt.format(v)


def _pct(v: Any) -> str:
    return "–" if v is None else f"{v:+.1f}%"


def build(analysis: Analysis) -> Section | None:
    fat = analysis.sections.get("fatigue")
    if not fat:
        return None
    if not fat.get("available"):
        return Section("Fatigue and drift", f"<p>No drift analysis: {escape(str(fat.get('reason')))}.</p>", "fatigue")
    base = fat["baseline"]
    shown = [s for s in SHOWN if s[0] in fat["trends"]]
    parts = [
        f"<p>Baseline: {base['start_s'] / 60:.0f}-{base['end_s'] / 60:.0f} min (after a {fat['warmup_s'] / 60:.0f}-min warm-up), "
        f"median speed {_f(base.get('speed_mps'), '{:.2f}')} m/s. <i>Matched</i> values use only the samples within the baseline's "
        f"speed band ({', '.join(f'{b:.2f}' for b in base['speed_band_mps'] or [])} m/s), so a change in pace does not pass for fatigue.</p>"
    ]
    kind = next((k for k in ("km", "5min", "lap") if k in fat["windows"]), None)
    if kind:
        rows = fat["windows"][kind]
        head = "<tr><th>" + {"km": "km", "5min": "minutes", "lap": "lap"}[kind] + "</th><th>speed (m/s)</th><th>grade (%)</th>"
        head += "".join(f"<th>{escape(lab)} ({escape(u)})</th><th>change, matched</th>" for _k, lab, u, _f2 in shown) + "</tr>"
        body = ""
        for r in rows:
            span = {"km": f"{r['window']}-{r['window'] + 1}", "5min": f"{r['window'] * 5}-{r['window'] * 5 + 5}", "lap": f"{r['window'] + 1}"}[kind]
            body += f"<tr><td>{span}</td><td>{_f(r.get('speed_mps'), '{:.2f}')}</td><td>{_f(r.get('grade_pct'), '{:+.1f}')}</td>"
            for k, _lab, _u, fmt in shown:
                body += f"<td>{_f(r.get(k), fmt)}</td><td>{_pct(r.get(f'{k}_matched_change_pct'))}</td>"
            body += "</tr>"
        parts.append(f"<h3>Per {escape(kind)}</h3><table>{head}{body}</table>")
    trows = ""
    for k, lab, u, fmt in shown:
        tr = fat["trends"][k]
        adj, raw = tr.get("adjusted"), tr.get("raw")
        cps = fat["change_points"].get(k, [])
        cp_txt = ", ".join(f"{c['time_s'] / 60:.0f} min ({fmt.format(c['before'])}→{fmt.format(c['after'])})" for c in cps) or "none"
        trows += (
            f"<tr><td>{escape(lab)}</td><td>{_f(fat['baseline']['values'].get(k), fmt)} {escape(u)}</td>"
            f"<td>{_f(adj and adj['slope_per_h'], '{:+.2f}')} [{_f(adj and adj['ci95'][0], '{:+.2f}')}, {_f(adj and adj['ci95'][1], '{:+.2f}')}]</td>"
            f"<td>{_pct(tr.get('adjusted_pct_per_h'))}</td><td>{_f(raw and raw['slope_per_h'], '{:+.2f}')}</td><td style='text-align:left'>{escape(cp_txt)}</td></tr>"
        )
    parts.append(
        "<h3>Trend over the run</h3><table><tr><th>metric</th><th>baseline</th><th>per hour at baseline speed, flat [95% CI]</th>"
        "<th>% per hour</th><th>per hour, unadjusted</th><th>change points</th></tr>" + trows + "</table>"
    )
    var = fat.get("variability")
    if var and var.get("sides"):
        cells = "".join(
            f"<li>{escape(s)}: stride-time CV {_f(d.get('cv_pct'), '{:.1f}')}% over {d['n_strides']} strides; DFA alpha {_f(d.get('dfa_alpha'), '{:.2f}')}</li>"
            for s, d in var["sides"].items()
        )
        parts.append(f"<h3>Stride-interval variability</h3><ul>{cells}</ul><p class='meta'>{escape(var.get('interpretation', ''))}.</p>")
    notes = fat.get("notes", [])
    parts.append(
        "<p class='meta'>Trends: one-minute medians after the warm-up, least squares on time, speed and grade, Newey-West 95% "
        "intervals. A drift is associated with fatigue, pacing, heat or terrain; it is a description, not a diagnosis. "
        + escape(" ".join(notes))
        + "</p>"
    )
    return Section("Fatigue and drift", "".join(parts), "fatigue")

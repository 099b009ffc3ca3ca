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
    shown = [s for s in SHOWN if s[0] in fat["trends"] and _has_values(fat, s[0])]
    if not shown:
        why = " ".join(str(n) for n in fat.get("notes", []))
        return Section(
            "Fatigue and drift",
            "<p>No drift analysis: no metric has values in the windows after the warm-up"
            + (f" ({escape(why)})" if why else "") + ".</p>",
            "fatigue",
        )
    speed = base.get("speed_mps")
    band = base.get("speed_band_mps") or []
    if speed is not None and band:
        at = (
            f", median speed {speed:.2f} m/s. <i>Matched</i> values use only the samples within the baseline's speed band "
            f"({', '.join(f'{b:.2f}' for b in band)} m/s), so a change in pace does not pass for fatigue."
        )
    else:
        at = ". There is no speed in the data, so no value is compared at matched speed; a change in pace can pass for a drift."
    parts = [
        f"<p>Baseline: {base['start_s'] / 60:.0f}-{base['end_s'] / 60:.0f} min (after a {fat['warmup_s'] / 60:.0f}-min warm-up){at}</p>"
    ]
    kind = next((k for k in ("km", "5min", "lap") if k in fat["windows"]), None)
    if kind:
        rows = [r for r in fat["windows"][kind] if any(r.get(k) is not None for k, *_ in shown)]
        has_speed = any(r.get("speed_mps") is not None for r in rows)
        has_grade = any(r.get("grade_pct") is not None for r in rows)
        matched = [k for k, *_ in shown if any(r.get(f"{k}_matched_change_pct") is not None for r in rows)]
        head = "<tr><th>" + {"km": "km", "5min": "minutes", "lap": "lap"}[kind] + "</th>"
        head += ("<th>speed (m/s)</th>" if has_speed else "") + ("<th>grade (%)</th>" if has_grade else "")
        head += "".join(
            f"<th>{escape(lab)} ({escape(u)})</th>" + ("<th>change, matched</th>" if k in matched else "") for k, lab, u, _f2 in shown
        ) + "</tr>"
        body = ""
        for r in rows:
            span = {"km": f"{r['window']}-{r['window'] + 1}", "5min": f"{r['window'] * 5}-{r['window'] * 5 + 5}", "lap": f"{r['window'] + 1}"}[kind]
            body += f"<tr><td>{span}</td>"
            body += (f"<td>{_f(r.get('speed_mps'), '{:.2f}')}</td>" if has_speed else "")
            body += (f"<td>{_f(r.get('grade_pct'), '{:+.1f}')}</td>" if has_grade else "")
            for k, _lab, _u, fmt in shown:
                body += f"<td>{_f(r.get(k), fmt)}</td>" + (f"<td>{_pct(r.get(f'{k}_matched_change_pct'))}</td>" if k in matched else "")
            body += "</tr>"
        if rows:
            parts.append(f"<h3>Per {escape({'km': 'km', '5min': '5 minutes', 'lap': 'lap'}[kind])}</h3><table>{head}{body}</table>")
    trows = ""
    any_adj = any((fat["trends"][k] or {}).get("adjusted") is not None for k, *_ in shown)
    for k, lab, u, fmt in shown:
        tr = fat["trends"][k]
        adj, raw = tr.get("adjusted"), tr.get("raw")
        if adj is None and raw is None:
            continue
        cps = fat["change_points"].get(k, [])
        cp_txt = ", ".join(f"{c['time_s'] / 60:.0f} min ({fmt.format(c['before'])}→{fmt.format(c['after'])})" for c in cps) or "none"
        adj_cells = (
            f"<td>{_f(adj and adj['slope_per_h'], '{:+.2f}')} [{_f(adj and adj['ci95'][0], '{:+.2f}')}, {_f(adj and adj['ci95'][1], '{:+.2f}')}]</td>"
            f"<td>{_pct(tr.get('adjusted_pct_per_h'))}</td>"
        ) if any_adj else ""
        base_v = fat["baseline"]["values"].get(k)
        trows += (
            f"<tr><td>{escape(lab)}</td><td>{_f(base_v, fmt) + ' ' + escape(u) if base_v is not None else '–'}</td>"
            f"{adj_cells}<td>{_f(raw and raw['slope_per_h'], '{:+.2f}')}</td><td style='text-align:left'>{escape(cp_txt)}</td></tr>"
        )
    if trows:
        adj_head = "<th>per hour at baseline speed, flat [95% CI]</th><th>% per hour</th>" if any_adj else ""
        parts.append(
            f"<h3>Trend over the run</h3><table><tr><th>metric</th><th>baseline</th>{adj_head}"
            "<th>per hour, unadjusted</th><th>change points</th></tr>" + trows + "</table>"
        )
    else:
        parts.append("<p>No trend over the run: too few minutes with values after the warm-up.</p>")
    var = fat.get("variability")
    if var and var.get("sides"):
        cells = "".join(
            f"<li>{escape(s)}: stride-time CV {d['cv_pct']:.1f}% over {d['n_strides']} strides; "
            + (f"DFA alpha {d['dfa_alpha']:.2f}" if d.get("dfa_alpha") is not None else escape(str(d.get("dfa_note") or "no DFA alpha")))
            + "</li>"
            for s, d in var["sides"].items()
            if d.get("cv_pct") is not None
        )
        if cells:
            parts.append(f"<h3>Stride-interval variability</h3><ul>{cells}</ul><p class='meta'>{escape(var.get('interpretation', ''))}.</p>")
    notes = fat.get("notes", [])
    parts.append(
        "<p class='meta'>Trends: one-minute medians after the warm-up, least squares on time, speed and grade, Newey-West 95% "
        "intervals. A drift is associated with fatigue, pacing, heat or terrain; it is a description, not a diagnosis. "
        + escape(" ".join(notes))
        + "</p>"
    )
    return Section("Fatigue and drift", "".join(parts), "fatigue")


def _has_values(fat: dict[str, Any], key: str) -> bool:
    """True when a metric has a value in some window or a trend: an empty column is not shown."""
    wins = [r for rows in fat.get("windows", {}).values() for r in rows]
    tr = fat.get("trends", {}).get(key) or {}
    return any(r.get(key) is not None for r in wins) or tr.get("adjusted") is not None or tr.get("raw") is not None

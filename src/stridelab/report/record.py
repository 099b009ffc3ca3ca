"""The runner's longitudinal report: one self-contained HTML file, or an A4 PDF (weasyprint).

Sections: the runner at a glance (sessions, disclaimer), latest session beside the baseline
(change, MDC95, beyond noise, speed context), injury-risk flags with their evidence, metrics over
time with the noise band (baseline +- MDC95) and trend, left/right asymmetry over time, skill
scores over time, the sessions and the methods. Figures are inline SVG. The PDF is laid out for
A4 pages by its own print stylesheet (``@page``), and every card is ``break-inside: avoid`` so
that no card is split across pages.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from stridelab._version import __version__
from stridelab.history.change import SPEED_MATCH_MPS, Change, changes, runner_mdc, series, trend
from stridelab.history.document import measurements
from stridelab.history.load import CHANGE_METRIC, weekly_load
from stridelab.history.record import RunnerRecord
from stridelab.metrics.catalog import CATALOG
from stridelab.risk import DISCLAIMER, Flag, flag_status, load_evidence

#: Metrics drawn over time when present (in this order); others appear in the tables only.
OVER_TIME = (
    "cadence_spm", "gct_ms", "flight_ms", "step_length_m", "duty_factor", "vertical_oscillation_cm",
    "overstride_m", "knee_flexion_ic_deg", "pelvic_drop_deg", "hip_adduction_peak_deg", "peak_vgrf_bw",
    "vlr_avg_bw_s", "peak_braking_bw", "leg_stiffness_kn_m",
)
ASYMMETRY = ("gct_ms_symmetry_pct", "step_length_m_symmetry_pct", "peak_vgrf_bw_symmetry_pct", "vlr_avg_bw_s_symmetry_pct")

_LABELS = {
    "overstride_m": ("Overstride", "m"), "knee_flexion_ic_deg": ("Knee flexion at contact", "deg"),
    "pelvic_drop_deg": ("Pelvic drop", "deg"), "hip_adduction_peak_deg": ("Peak hip adduction", "deg"),
    "peak_vgrf_bw": ("Peak vertical force", "BW"), "vlr_avg_bw_s": ("Average vertical loading rate", "BW/s"),
    "peak_braking_bw": ("Peak braking force", "BW"), "leg_stiffness_kn_m": ("Leg stiffness", "kN/m"),
    "weekly_distance_change_pct": ("Weekly distance, change from the week before", "%"),
    "distance_km": ("Distance", "km"), "duration_min": ("Duration", "min"),
}


def label(metric: str) -> tuple[str, str]:
    """(label, unit) of a stored metric name."""
    if metric.endswith("_symmetry_pct"):
        base = label(metric.removesuffix("_symmetry_pct"))[0]
        return f"{base}: left/right symmetry index", "%"
    if metric in CATALOG:
        return CATALOG[metric].label, CATALOG[metric].unit
    if metric in _LABELS:
        return _LABELS[metric]
    return metric.replace("_", " "), ""


def _f(v: float | None, digits: int = 3) -> str:
    if v is None:
        return "-"
    return f"{v:.{digits}g}" if abs(v) < 1000 else f"{v:.0f}"


def _e(s: object) -> str:
    return html.escape(str(s))


def _chart(points: list[tuple[dt.date, float]], band: tuple[float, float] | None, unit: str) -> str:
    """A small SVG time series: points and lines, the noise band as a shaded strip."""
    w, h, lm, r, t, b = 320, 130, 46, 10, 8, 22
    if not points:
        return ""
    xs = [(d - points[0][0]).days for d, _ in points]
    ys = [v for _, v in points]
    lo, hi = min(ys + ([band[0]] if band else [])), max(ys + ([band[1]] if band else []))
    pad = (hi - lo) * 0.1 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    xspan = max(xs[-1], 1)

    def px(x: float) -> float:
        return lm + (w - lm - r) * (x / xspan if len(xs) > 1 else 0.5)

    def py(y: float) -> float:
        return t + (h - t - b) * (1 - (y - lo) / (hi - lo))

    parts = [f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" class="chart">']
    if band:
        parts.append(f'<rect x="{lm}" y="{py(band[1]):.1f}" width="{w - lm - r}" height="{max(py(band[0]) - py(band[1]), 0.5):.1f}" fill="#dfe8f1"/>')
    parts.append(f'<line x1="{lm}" y1="{h - b}" x2="{w - r}" y2="{h - b}" stroke="#9aa3ad"/>')
    for y in (lo + pad, hi - pad):
        parts.append(f'<text x="{lm - 4}" y="{py(y) + 3:.1f}" font-size="9" text-anchor="end" fill="#5b6472">{_e(_f(y))}</text>')
    if len(points) > 1:
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0072B2" stroke-width="1.5"/>')
    for x, y in zip(xs, ys, strict=True):
        parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="#0072B2"/>')
    parts.append(f'<text x="{lm}" y="{h - 6}" font-size="9" fill="#5b6472">{points[0][0].isoformat()}</text>')
    if len(points) > 1:
        parts.append(f'<text x="{w - r}" y="{h - 6}" font-size="9" text-anchor="end" fill="#5b6472">{points[-1][0].isoformat()}</text>')
    parts.append(f'<text x="4" y="{t + 4}" font-size="9" fill="#5b6472">{_e(unit)}</text></svg>')
    return "".join(parts)


def _metric_card(record: RunnerRecord, metric: str, speed: float | None) -> str | None:
    pts = series(record, metric, speed)
    if not pts:
        return None
    name, unit = label(metric)
    src = record.trials[-1].source
    mdc, basis = runner_mdc(record, metric, src)
    base = pts[0][2]
    band = (base - mdc, base + mdc) if mdc is not None else None
    tr = trend(record, metric, speed)
    trend_txt = (
        f"Trend {tr.slope_per_30d:+.3g} {unit} per 30 days (95% CI {tr.ci95[0]:+.3g} to {tr.ci95[1]:+.3g}) over {tr.n_sessions} sessions."
        if tr else "Trend: needs 3 or more sessions at this speed."
    )
    band_txt = f"Shaded: baseline +- MDC95 ({_f(mdc)} {unit}; {basis})." if mdc is not None else "No noise band: no repeated measurements of this metric."
    return (
        f'<div class="card"><div class="label">{_e(name)}</div>{_chart([(d, v) for d, _, v in pts], band, unit)}'
        f'<div class="help">{_e(band_txt)} {_e(trend_txt)}</div></div>'
    )


def _change_rows(chs: list[Change]) -> str:
    rows = []
    for c in chs:
        name, unit = label(c.metric)
        verdict = "-" if c.change is None else ("beyond noise" if c.beyond_noise else "within noise")
        cls = "warn" if c.beyond_noise else ""
        rows.append(
            f"<tr><td>{_e(name)}</td><td>{_e(unit)}</td><td>{_f(c.baseline)}</td><td>{_f(c.latest)}</td>"
            f"<td>{'-' if c.change is None else f'{c.change:+.3g}'}</td><td>{_f(c.mdc)}</td><td class='text {cls}'>{verdict}</td></tr>"
        )
    return "".join(rows)


def _flag_card(f: Flag) -> str:
    r = f.rule
    name, unit = label(r.metric if r.kind == "summary" else f"{r.metric}_symmetry_pct")
    if r.metric == CHANGE_METRIC:
        when = f"in the week of the run on {f.date.isoformat()}"
    elif f.speed_mps is not None:
        when = f"at {f.speed_mps:.2f} m/s on {f.date.isoformat()}"
    else:
        when = f"on {f.date.isoformat()} (speed unknown)"
    value = abs(f.value) if r.kind == "symmetry" else f.value
    return (
        f'<div class="card flag {f.status}"><div class="label">{_e(r.pattern)} <span class="status">{_e(f.status)}</span></div>'
        f"<p>{_e(name)}: <b>{_f(value)} {_e(unit)}</b> {when}; flagged {_e(r.direction)} {r.threshold:g} {_e(unit)} "
        f"(threshold: {_e(r.threshold_source)}).</p>"
        f"<p>{_e(r.sentence)}</p>"
        f'<p class="help">Strength of evidence: {_e(r.strength)}. {_e(r.citation)}</p>'
        f'<p class="help">Not a diagnosis: persistent pain needs a clinician.</p></div>'
    )


_CSS = """
* { box-sizing: border-box; }
:root { --ink:#1d2430; --muted:#5b6472; --line:#e3e6eb; --card:#f6f7f9; --warn:#8a5a00; }
body { font-family: "DejaVu Sans", system-ui, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1080px; padding: 1rem 2rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0.2rem 0; } h2 { font-size: 1.15rem; margin: 1.2rem 0 0.5rem; border-bottom: 1px solid var(--line); }
.disclaimer { background: #eef3f8; border-left: 4px solid #7a8ba0; padding: 0.5rem 0.8rem; font-size: 0.9rem; }
.meta, .help { color: var(--muted); font-size: 0.8rem; }
.cards { font-size: 0; }
.card { display: inline-block; vertical-align: top; font-size: 0.9rem; background: var(--card); border-radius: 8px; padding: 0.6rem 0.8rem;
  margin: 0 0.7rem 0.7rem 0; width: 340px; break-inside: avoid; page-break-inside: avoid; }
.card.flag { display: block; width: auto; margin-right: 0; } .card .label { font-weight: 600; font-size: 0.9rem; }
.status { font-weight: 400; font-size: 0.75rem; border: 1px solid #9aa3ad; border-radius: 4px; padding: 0 0.3rem; margin-left: 0.3rem; }
.flag.new .status, .flag.persistent .status { border-color: var(--warn); color: var(--warn); }
table { border-collapse: collapse; font-size: 0.82rem; break-inside: auto; } tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 0.2rem 0.5rem; border-bottom: 1px solid var(--line); text-align: right; } th:first-child, td:first-child, .text { text-align: left; }
.warn { color: var(--warn); font-weight: 600; }
.chart { display: block; max-width: 100%; height: auto; }
"""
_PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; @bottom-center { content: "stridelab runner record - page " counter(page) " of " counter(pages); font-size: 8pt; color: #5b6472; } }
body { max-width: none; padding: 0; font-size: 9.5pt; }
.cards { overflow: hidden; } .cards::after { content: ""; display: block; clear: both; }
.card { display: block; float: left; width: 88mm; font-size: 8.5pt; margin: 0 3mm 3mm 0; } .card.flag { float: none; width: auto; }
h2 { clear: both; }
h2 { break-after: avoid; page-break-after: avoid; }
"""


def render_record(record: RunnerRecord, thresholds: str | Path | None = None, *, for_pdf: bool = False) -> str:
    """The report as one HTML document (``for_pdf``: the A4 print stylesheet)."""
    rules = load_evidence(thresholds)
    flags = flag_status(rules, measurements(record))
    chs = changes(record)
    dates = record.dates
    latest = record.trials[-1] if record.trials else None
    speed = latest.speed_mps if latest else None
    out = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Runner record: {_e(record.runner)}</title>",
           f"<style>{_CSS}{_PRINT_CSS if for_pdf else ''}</style></head><body>"]
    out.append(f"<h1>Runner record: {_e(record.runner)}</h1>")
    out.append(f"<p class='meta'>{len(record.trials)} analysed trial(s) in {len(dates)} session(s)"
               + (f", {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else "") + f"; stridelab {__version__}.</p>")
    out.append(f"<p class='disclaimer'>{_e(DISCLAIMER)}</p>")
    out.append("<h2>Latest session beside the baseline</h2>")
    if not chs:
        out.append("<p>One session only: there is nothing to compare yet.</p>")
    else:
        c0 = chs[0]
        ctx = (f"Baseline {c0.baseline_date} at {_f(c0.baseline_speed_mps)} m/s, latest {c0.latest_date} at {_f(c0.latest_speed_mps)} m/s. ")
        ctx += f"Speeds match (within {SPEED_MATCH_MPS:.2f} m/s): changes are given." if c0.speed_matched else "Speeds do not match: no change is given, as metrics depend on speed."
        out.append(f"<p class='help'>{_e(ctx)} A change is called beyond noise when it exceeds the minimal detectable change (MDC95).</p>")
        shown = [c for c in chs if c.metric in OVER_TIME or c.metric in ASYMMETRY or c.beyond_noise]
        out.append("<table><tr><th>Metric</th><th>Unit</th><th>Baseline</th><th>Latest</th><th>Change</th><th>MDC95</th><th class='text'>Verdict</th></tr>"
                   + _change_rows(shown) + "</table>")
    out.append("<h2>Injury-risk flags and their evidence</h2>")
    if flags:
        out.append("<div class='cards'>" + "".join(_flag_card(f) for f in flags) + "</div>")
    else:
        out.append("<p>No flag is raised now or was raised before, among the patterns this input can measure validly.</p>")
    out.append("<h2>Metrics over time</h2>")
    out.append(f"<p class='help'>Trials at the latest speed ({_f(speed)} m/s +- {SPEED_MATCH_MPS} m/s) only; other speeds are not comparable.</p>")
    cards = [c for c in (_metric_card(record, m, speed) for m in OVER_TIME) if c]
    out.append("<div class='cards'>" + "".join(cards) + "</div>" if cards else "<p>No metric at this speed.</p>")
    out.append("<h2>Left/right asymmetry over time</h2>")
    out.append("<p class='help'>Symmetry index 100 x (left - right) / mean; 0 is even. A return towards 0 after an injury shows here. Only from inputs that time both feet with the same kind of sensor.</p>")
    cards = [c for c in (_metric_card(record, m, speed) for m in ASYMMETRY) if c]
    out.append("<div class='cards'>" + "".join(cards) + "</div>" if cards else "<p>No left/right comparison in this record.</p>")
    out.append("<h2>Skill scores over time</h2>")
    scored = [t for t in record.trials if t.scores]
    if scored:
        names = sorted({n for t in scored for n in t.scores}, key=lambda n: (n != "skill_value", n))
        out.append("<p class='help'>0-100: percentiles among the skill model's reference runners (see stridelab skill); "
                   "technique changes with speed, so compare rows at the same speed. Associations, not causes.</p>")
        out.append("<table><tr><th>Date</th><th>Speed (m/s)</th>"
                   + "".join(f"<th>{_e('Skill value' if n == 'skill_value' else n.removeprefix('group:'))}</th>" for n in names) + "</tr>"
                   + "".join(f"<tr><td>{t.date}</td><td>{_f(t.speed_mps)}</td>" + "".join(f"<td>{_f(t.scores.get(n))}</td>" for n in names) + "</tr>" for t in scored)
                   + "</table>")
        out.append(_skill_mdc_note(record))
    else:
        out.append("<p>No skill scores are stored for this runner.</p>")
    weeks = weekly_load(record)
    if weeks:
        out.append("<h2>Weekly running distance (watch files)</h2><p class='help'>Sums of the imported watch runs per calendar week; "
                   "a week without imported runs is not counted as a rest week.</p>")
        out.append("<table><tr><th>Week of</th><th>Runs</th><th>Distance (km)</th><th>Duration (min)</th></tr>"
                   + "".join(f"<tr><td>{w.week_start}</td><td>{w.n_runs}</td><td>{w.distance_km:.1f}</td><td>{w.duration_min:.0f}</td></tr>" for w in weeks)
                   + "</table>")
    out.append("<h2>Sessions</h2><table><tr><th>Date</th><th class='text'>Source</th><th class='text'>Trial</th><th>Speed (m/s)</th><th class='text'>stridelab</th></tr>")
    out.append("".join(f"<tr><td>{t.date}</td><td class='text'>{_e(t.source)}</td><td class='text'>{_e(t.name)}</td><td>{_f(t.speed_mps)}</td><td class='text'>{_e(t.stridelab_version)}</td></tr>" for t in record.trials))
    out.append("</table>")
    out.append("<h2>Methods</h2><p class='help'>MDC95 = 1.96 x SD of test-retest differences (Weir 2005), from split halves of each trial "
               "(step-to-step noise only: a lower bound of the change between visits) or repeated sessions at matched speed; "
               "trends by least squares with 95% confidence intervals. Flags come from stridelab's evidence table "
               "(stridelab/risk/evidence.csv), each with its citation and strength of evidence; thresholds can be changed with --thresholds.</p>")
    out.append("</body></html>")
    return "".join(out)


def write_pdf(record: RunnerRecord, path: str | Path, thresholds: str | Path | None = None) -> Path:
    """Render the report as an A4 PDF (needs weasyprint)."""
    from stridelab.errors import InvalidInputError

    try:
        import logging

        from weasyprint import HTML

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
    except (ImportError, OSError):
        raise InvalidInputError("PDF output needs weasyprint (pip install weasyprint); write FILE.html instead") from None
    p = Path(path)
    try:
        from stridelab.atomic import atomic_path

        with atomic_path(p) as tmp:
            HTML(string=render_record(record, thresholds, for_pdf=True)).write_pdf(str(tmp))
    except OSError as e:
        raise InvalidInputError(f"cannot write the report to {p} ({e.strerror}); choose another output path") from None
    return p


def _skill_mdc_note(record: RunnerRecord) -> str:
    """The skill model's MDC95 per score and the changes beyond it (:mod:`stridelab.history.skill`)."""
    from stridelab.history.skill import skill_over_time

    sk = skill_over_time(record)
    mdc = ", ".join(f"{n.replace('skill_value', 'skill value')} {v:.1f}" for n, v in sk["mdc95"].items())
    beyond = [f"{e['date']} {n} {c['change']:+.1f}" for e in sk["sessions"] for n, c in (e["change_from_previous"] or {}).items() if c["beyond_mdc"]]
    return (f"<p class='help'>Minimal detectable change (MDC95, the skill model's split-half reliability): {_e(mdc) or 'not known'}. "
            + (f"Changes from the previous trial at matched speed beyond it: {_e('; '.join(beyond))}." if beyond
               else "No change from a previous trial at matched speed exceeds it.") + "</p>")


__all__ = ["label", "render_record", "write_pdf"]

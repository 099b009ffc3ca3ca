"""Skill section: group scores, skill value, associations and the runner's curves over the band
of the better runners of the model's reference population.

Used when a skill result is attached to an analysis (``analysis.sections["skill"]``, see
:func:`stridelab.skill.trials.score_analysis`) and by the standalone skill report
(``stridelab skill score ... --report``).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis
    from stridelab.skill.model import SkillModel

BAND_COLOUR = "#999999"


def _curves_svg(runner: dict[str, Any], bands: dict[str, dict[str, list[float]]]) -> str:
    import numpy as np

    angles = [a for a in bands if a in runner.get("curves", {})]
    if not angles:
        return ""
    ncols = 3
    nrows = (len(angles) + ncols - 1) // ncols
    fig, axes = new_figure(8.0, 2.1 * nrows, ncols=ncols, nrows=nrows)
    axes = np.atleast_1d(axes).ravel()
    t = np.arange(101)
    for ax, a in zip(axes, angles, strict=False):
        m = np.asarray(bands[a]["mean"])
        sd = np.asarray(bands[a]["sd"])
        c = np.asarray(runner["curves"][a])
        c = c - c[:100].mean() + m[:100].mean()  # align constant offsets (labs differ; scores ignore them)
        ax.fill_between(t, m - sd, m + sd, color=BAND_COLOUR, alpha=0.35, lw=0, label="better third ± SD")
        ax.plot(t, m, color=BAND_COLOUR, lw=1)
        ax.plot(t, c, color=SIDE_COLOURS["right"], lw=1.5, label="this runner")
        ax.set_title(a.replace("_", " "), fontsize=9)
        ax.set_xlabel("% of stride")
        ax.set_ylabel("deg")
    for ax in axes[len(angles) :]:
        ax.axis("off")
    axes[0].legend(frameon=False, fontsize=7)
    return to_svg(fig)


def runner_html(runner: dict[str, Any], model: dict[str, Any]) -> str:
    """HTML of one runner's scores (escaped), with the curve figure when bands are known.

    Its first line is the skill value only when it is valid (a grade), else why there is none."""
    unit = escape(str(runner.get("association_unit", "")))
    kinds = runner.get("group_orientation", {})
    rows = []
    for g, v in runner["groups"].items():
        if v is None:
            rows.append(f"<tr><td>{escape(g)}</td><td colspan='3'>not measured</td></tr>")
            continue
        a = runner["associations"].get(g)
        ci = runner["associations_ci95"].get(g)
        kind = kinds.get(g) or ""
        what = {"model": "higher = more like the better runners (from this model's data)",
                "published": "higher = more like the better runners (from published associations)",
                "similarity": "not oriented: similarity to the reference runners only"}.get(kind, "")
        assoc = f"{_signed(a)} {unit} ({_signed(ci[0])} to {_signed(ci[1])})" if a is not None and ci is not None else "-"
        rows.append(f"<tr><td>{escape(g)}</td><td>{v:.0f}</td><td>{escape(what)}</td><td>{assoc}</td></tr>")
    lines = "".join(f"<li>{escape(t)}</li>" for t in runner["lines"].values())
    warns = "".join(f"<li>{escape(w)}</li>" for w in runner.get("warnings", []))
    ref = escape(str(model.get("reference_population")))
    if runner.get("valid") and runner.get("skill_value") is not None:
        first = (f"<p><strong>Runner {escape(str(runner['runner']))}</strong>: skill value "
                 f"<strong>{runner['skill_value']:.0f}/100</strong> (the importance-weighted mean of the oriented group scores; "
                 f"percentiles in {ref}).</p>")
    else:
        why = "; ".join(runner.get("reasons", []))
        first = (f"<p><strong>Runner {escape(str(runner['runner']))}: no skill value</strong>: {escape(why)}. "
                 "The group scores below place the runner among the reference runners; they are not a grade.</p>")
    html = (
        first
        + "<table><tr><th>Group</th><th>Score (0-100)</th><th>Meaning</th><th>Association with performance, vs the median runner (95% CI)</th></tr>"
        + "".join(rows)
        + "</table>"
        + f"<ul>{lines}</ul>"
    )
    if model.get("bands"):
        html += _curves_svg(runner, model["bands"])
    if warns:
        html += f"<p class='meta'>Warnings:</p><ul class='meta'>{warns}</ul>"
    html += (
        "<p class='meta'>Scores are percentiles in the named reference population. Associations come from "
        "cross-sectional data: they are not causes, and this is not a diagnosis. Curves are shown with constant "
        "offsets removed.</p>"
    )
    return html


def overview_html(runners: list[dict[str, Any]], reliability: dict[str, dict[str, float]]) -> str:
    """Overview table of a population: runners ranked (valid skill values first), group scores, MDC95."""
    groups = [g for g in (runners[0]["groups"] if runners else {}) if any(r["groups"].get(g) is not None for r in runners)]

    def key(r: dict[str, Any]) -> tuple[int, float, str]:
        sv = r.get("skill_value")
        return (0 if r.get("valid") else 1, -(sv if sv is not None else -1.0), str(r["runner"]))

    head = "<tr><th>Rank</th><th>Runner</th><th>Skill value</th>" + "".join(f"<th>{escape(g)}</th>" for g in groups) + "</tr>"
    body = []
    for k, r in enumerate(sorted(runners, key=key), start=1):
        sv = r.get("skill_value")
        cell = f"{sv:.0f}" if r.get("valid") and sv is not None else f"<span title='{escape('; '.join(r.get('reasons', [])))}'>none</span>"
        body.append(f"<tr><td>{k if r.get('valid') else '-'}</td><td>{escape(str(r['runner']))}</td><td>{cell}</td>"
                    + "".join(f"<td>{r['groups'][g]:.0f}</td>" if r["groups"].get(g) is not None else "<td>-</td>" for g in groups) + "</tr>")
    rel = "<tr><td></td><td>MDC95 (points)</td>" + "".join(
        f"<td>{reliability[n]['mdc95']:.0f}</td>" if n in reliability and reliability[n].get("mdc95") == reliability[n].get("mdc95") else "<td>-</td>"
        for n in ["skill_value", *groups]) + "</tr>"
    return (
        "<p>Runners ranked by skill value where it is valid; the others (rank '-', skill value 'none': the reasons are in their "
        "sections) have group scores only. The last row is the smallest change larger than measurement error (within-session "
        "split halves, a lower bound).</p>"
        f"<table>{head}{''.join(body)}{rel}</table>"
    )


def _signed(x: float) -> str:
    """A whole number with its sign, without a "-0"."""
    r = round(float(x))
    return f"{r:+d}" if r else "0"


def build(analysis: Analysis) -> Section | None:
    doc = analysis.sections.get("skill")
    if not doc or not doc.get("runners"):
        return None
    html = "".join(runner_html(r, doc["model"]) for r in doc["runners"])
    return Section("Technique skill scores", html, "skill")


def write_skill_report(doc: dict[str, Any], model: SkillModel, path: str | Path) -> Path:
    """A standalone HTML report of scored runners (same template as the analysis report)."""
    from stridelab.report.html import render_page

    m = {**doc["model"], "bands": model.bands}
    sections = [Section(f"Runner {r['runner']}", runner_html(r, m), f"runner-{i}") for i, r in enumerate(doc["runners"])]
    if len(doc["runners"]) > 1:
        sections.insert(0, Section("Overview", overview_html(doc["runners"], model.reliability), "overview"))
    src = doc.get("input") or {}
    # the first line says whether the scores are grades; then the caveats that decide how to read them
    runners = doc["runners"]
    n_valid = sum(bool(r.get("valid")) for r in runners)
    if n_valid == len(runners):
        first = f"Skill values are valid for all {len(runners)} runner(s) scored."
    else:
        reasons: list[str] = []
        for r in runners:
            for why in r.get("reasons", []):
                if why not in reasons:
                    reasons.append(why)
        first = (f"No skill value for {len(runners) - n_valid} of {len(runners)} runner(s), only group scores: "
                 + "; ".join(reasons[:3]) + ".")
    seen: list[str] = []
    for r in runners:
        for w in r.get("warnings", []):
            if w not in seen and ("not associated" in w or "speed" in w):
                seen.append(w)
    glance = [escape(first)] + [escape(w[0].upper() + w[1:]) + "." for w in seen[:3]]
    html = render_page(
        f"Technique skill scores: {doc.get('population', '')}", sections, str(src.get("path") or doc.get("population", "")),
        src.get("sha256") or "(a population folder: one hash per file in its metadata)", glance,
    )
    from stridelab.report import write_html

    return write_html(path, html)

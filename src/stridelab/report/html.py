"""Assemble the report from its sections with a Jinja2 template.

Extension point: :data:`SECTIONS` lists section builders as ``"module:function"``; each takes the
:class:`~stridelab.analysis.Analysis` and returns a :class:`Section` or None (when its data are
absent). Builders may cite literature with :func:`stridelab.report.references.cite`, add plain
sentences to the report's "At a glance" box with ``Section.highlights``, and use the blocks of
:mod:`stridelab.report.blocks`. Sections marked ``tail`` (data quality) stay at the end whatever
the list order, so a new section can simply be appended; the list of references closes the report.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING

from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: Section builders, in report order, as "module:function".
SECTIONS: list[str] = [
    "stridelab.report.sections.overview:build",
    "stridelab.report.sections.video:build",
    "stridelab.report.sections.symmetry:build",
    "stridelab.report.sections.timeline:build",
    "stridelab.report.sections.forces:build",
    "stridelab.report.sections.angles:build",
    "stridelab.report.sections.stick:build",
    "stridelab.report.sections.kinetics:build",
    "stridelab.report.sections.variability:build",
    "stridelab.report.sections.laps:build",
    "stridelab.report.sections.overtime:build",
    "stridelab.report.sections.fatigue:build",
    "stridelab.report.sections.skill:build",
    "stridelab.report.sections.quality:build",
]


def build_sections(analysis: Analysis) -> list[Section]:
    """Run every builder of :data:`SECTIONS`; tail sections last, then the references."""
    from stridelab.report.sections.about import build as build_about

    built = []
    for spec in SECTIONS:
        mod, func = spec.split(":")
        sec = getattr(importlib.import_module(mod), func)(analysis)
        if sec is not None:
            built.append(sec)
    ordered = [s for s in built if not s.tail] + [s for s in built if s.tail]
    ordered.append(build_about(analysis))
    return ordered


def render_page(title: str, sections: list[Section], source: str | None, sha256: str | None, highlights: list[str] | None = None) -> str:
    """One self-contained HTML page from sections (the template every stridelab report uses)."""
    import jinja2

    from stridelab._version import __version__

    tpl_text = resources.files("stridelab.report").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    css = resources.files("stridelab.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(tpl_text).render(
        title=title,
        sections=sections,
        highlights=highlights or [],
        css=css,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        source=source,
        sha256=sha256,
    )


def render(analysis: Analysis) -> str:
    from stridelab.report.references import start_citations

    start_citations()
    sections = build_sections(analysis)
    highlights = [h for s in sections for h in s.highlights]
    prov = analysis.trial.provenance
    name = prov.path.replace("\\", "/").split("/")[-1] if prov.path else "trial"
    return render_page(f"Running report: {name}", sections, prov.path, prov.sha256, highlights)

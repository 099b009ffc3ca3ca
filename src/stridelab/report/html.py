"""Assemble the report from its sections with a Jinja2 template."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: Section builders, in report order, as "module:function".
SECTIONS: list[str] = [
    "stridelab.report.sections.overview:build",
    "stridelab.report.sections.timeline:build",
    "stridelab.report.sections.forces:build",
    "stridelab.report.sections.variability:build",
    "stridelab.report.sections.skill:build",
    "stridelab.report.sections.quality:build",
]


@dataclass
class Section:
    """One part of the report: a title, an anchor and trusted HTML (builders escape their data)."""

    title: str
    html: str
    anchor: str


def render(analysis: Analysis) -> str:
    import jinja2

    from stridelab._version import __version__

    sections = []
    for spec in SECTIONS:
        mod, func = spec.split(":")
        sec = getattr(importlib.import_module(mod), func)(analysis)
        if sec is not None:
            sections.append(sec)
    tpl_text = resources.files("stridelab.report").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    css = resources.files("stridelab.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    tpl = env.from_string(tpl_text)
    prov = analysis.trial.provenance
    return tpl.render(
        title=f"Running analysis: {prov.path.split('/')[-1] if prov.path else 'trial'}",
        sections=sections,
        css=css,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        source=prov.path,
        sha256=prov.sha256,
    )

"""One part of a report: the type every section builder returns (a small module of its own, so that
builders do not import the page renderer, :mod:`stridelab.report.html`, that imports them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """One part of the report: a title, trusted HTML (builders escape their data) and an anchor.

    ``highlights`` are short plain-language sentences (trusted HTML) shown in the report's "At a
    glance" box; ``tail`` sections are placed after all others.
    """

    title: str
    html: str
    anchor: str
    highlights: list[str] = field(default_factory=list)
    tail: bool = False


__all__ = ["Section"]

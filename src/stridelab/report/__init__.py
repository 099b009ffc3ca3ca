"""The HTML report: one self-contained file (inline SVG figures and CSS, no scripts to fetch).

Sections are small builders registered in :data:`stridelab.report.html.SECTIONS`; each receives
the :class:`~stridelab.analysis.Analysis` and returns a :class:`~stridelab.report.html.Section` or
None when its data are absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def write_report(analysis: Analysis, path: str | Path) -> Path:
    """Render the report of one analysis to ``path`` (HTML) and return the path."""
    from stridelab.report.html import render

    return write_html(path, render(analysis))


def write_html(path: str | Path, html: str) -> Path:
    """Write a rendered report; an unwritable path is an input error, not a traceback."""
    from stridelab.errors import InvalidInputError

    p = Path(path)
    try:
        from stridelab.atomic import write_text

        write_text(p, html)
    except OSError as e:
        raise InvalidInputError(f"cannot write the report to {p} ({e.strerror}); choose another output path") from None
    return p


__all__ = ["write_html", "write_report"]

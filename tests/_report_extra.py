"""A report section defined outside stridelab, registered in tests to check the extension point."""

from __future__ import annotations

from typing import Any

from stridelab.report.references import cite
from stridelab.report.section import Section


def build(analysis: Any) -> Section:
    return Section("Extra test section", f"<p>{len(analysis.contacts)} contacts {cite('zifchock2008')}</p>", "extra",
                   highlights=["An extra highlight from a registered section."])


def build_none(analysis: Any) -> None:
    return None

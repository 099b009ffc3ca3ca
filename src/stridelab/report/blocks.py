"""Small HTML building blocks shared by the report sections (cards, tables, range bars, notes).

Everything returned is trusted HTML: text arguments are escaped here, ``*_html`` arguments are
taken as already-safe HTML. Section builders of other modules are welcome to use these so that
the report keeps one look.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any


def fmt(v: Any, f: str = "{:.1f}", missing: str = "–") -> str:
    """A number formatted, or ``missing`` for None/NaN."""
    if v is None:
        return missing
    try:
        if isinstance(v, float) and not math.isfinite(v):
            return missing
    except TypeError:
        pass
    return f.format(v)


def note(text_html: str, kind: str = "meta") -> str:
    """A paragraph: ``meta`` (small grey), ``explain`` (plain-language help) or ``warn``."""
    return f'<p class="{escape(kind)}">{text_html}</p>'


def table(header: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "data", align: str = "") -> str:
    """A table; header cells are text, row cells are trusted HTML. ``align``: one letter per column,
    ``l`` for text (left) and ``r`` for numbers (right; the default after the first column)."""

    def a(i: int) -> str:
        return ' class="text"' if i < len(align) and align[i] == "l" else ""

    head = "".join(f"<th{a(i)}>{escape(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{a(i)}>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    thead = f"<thead><tr>{head}</tr></thead>" if any(header) else ""
    return f'<table class="{escape(cls)}">{thead}<tbody>{body}</tbody></table>'


def range_bar(
    value: float | None,
    bands: Sequence[tuple[float, float]],
    width: int = 180,
    height: int = 16,
    domain: tuple[float, float] | None = None,
) -> str:
    """An inline SVG: grey bands for published ranges, a dark tick for this runner's value, on the
    scale ``domain`` (default: the bands and the value, padded)."""
    pts = [x for b in bands for x in b] + ([value] if value is not None else [])
    if not pts:
        return ""
    if domain is None:
        domain = padded_domain(pts)
    lo, hi = domain

    def x(v: float) -> float:
        return 4 + (width - 8) * (v - lo) / (hi - lo)

    parts = [f'<line x1="4" x2="{width - 4}" y1="{height / 2}" y2="{height / 2}" stroke="#c9ced6" stroke-width="1"/>']
    for a, b in bands:
        parts.append(f'<rect x="{x(a):.1f}" y="3" width="{max(x(b) - x(a), 2):.1f}" height="{height - 6}" rx="2" fill="#b9c3cf" opacity="0.65"/>')
    if value is not None:
        parts.append(f'<rect x="{x(value) - 1.5:.1f}" y="0" width="3" height="{height}" fill="#1d2430"/>')
    return (
        f'<svg class="rangebar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="this runner\'s value against published ranges">{"".join(parts)}</svg>'
    )


def padded_domain(values: Sequence[float], pad: float = 0.15) -> tuple[float, float]:
    """(low, high) around ``values`` with a margin, for range bars drawn on one scale."""
    lo, hi = min(values), max(values)
    margin = pad * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1.0)
    return lo - margin, hi + margin


def position_word(value: float, low: float, high: float) -> str:
    """'within', 'above' or 'below' a range (plain description, not a judgement)."""
    if value < low:
        return "below"
    if value > high:
        return "above"
    return "within"


def card(label: str, value_html: str, unit: str, body_html: str = "", help_text: str = "") -> str:
    """A metric card: label, big value with unit, then free content."""
    helper = f'<div class="help">{escape(help_text)}</div>' if help_text else ""
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{value_html}<span class="unit">{escape(unit)}</span></div>{helper}{body_html}</div>'
    )


def pace_text(speed_mps: float) -> str:
    """'12.5 km/h, 4:47 min/km, 7:43 min/mile' for a speed in m/s."""
    kmh = speed_mps * 3.6
    def mmss(sec: float) -> str:
        m, s = divmod(int(round(sec)), 60)
        return f"{m}:{s:02d}"
    return f"{kmh:.1f} km/h, {mmss(1000 / speed_mps)} min/km, {mmss(1609.344 / speed_mps)} min/mile"

"""Left vs right: per-side means of each bilateral metric, their symmetry index and symmetry angle,
beside published symmetry angles of trained runners."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np

from stridelab.metrics.catalog import rows
from stridelab.metrics.symmetry import symmetry_angle_pct
from stridelab.report.blocks import fmt, note, position_word, table
from stridelab.report.reference_ranges import symmetry_references
from stridelab.report.references import cite
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

ROWS: tuple[tuple[str, str, str, str], ...] = rows("gct_ms", "flight_ms", "step_time_ms", "duty_factor", "step_length_m", "vertical_oscillation_cm")


def side_values(analysis: Analysis, key: str) -> tuple[float | None, float | None]:
    """The per-side values of ``key`` exactly as the JSON's ``by_side`` gives them (medians over each
    foot's steps), or (None, None) where the JSON has no left/right comparison of ``key``."""
    bs = analysis.by_side
    lv, rv = bs.get("left", {}).get(key), bs.get("right", {}).get(key)
    if not isinstance(lv, int | float) or not isinstance(rv, int | float) or not (np.isfinite(lv) and np.isfinite(rv)):
        return None, None
    return float(lv), float(rv)


def angle_from_index(si: float | None) -> float | None:
    """The symmetry angle (%) of the same per-side means as the symmetry index ``si`` (%):
    SI = 200 (L - R) / (L + R) gives L / R = (200 + SI) / (200 - SI)."""
    if si is None or not np.isfinite(si) or abs(si) >= 200.0:
        return None
    return symmetry_angle_pct((200.0 + si) / (200.0 - si), 1.0)


def compared(analysis: Analysis, key: str) -> bool:
    """True where the JSON holds a left/right comparison of ``key``: both sides and the index."""
    lv, _ = side_values(analysis, key)
    si = analysis.symmetry_pct.get(key)
    return lv is not None and isinstance(si, int | float) and bool(np.isfinite(si))


def build(analysis: Analysis) -> Section | None:
    rows = []
    highlights = []
    for label, key, unit, f in ROWS:
        if not compared(analysis, key):
            continue
        lv, rv = side_values(analysis, key)
        assert lv is not None and rv is not None
        si = float(analysis.symmetry_pct[key])
        sa = angle_from_index(si)
        refs = symmetry_references(key)
        ref_txt = " · ".join(f"{r.low:g}–{r.high:g} {cite(r.source)}" for r in refs)
        rows.append([
            f'<span data-lr="{key}">{escape(label)}</span>',
            f'<span class="left">{fmt(lv, f)}</span>',
            f'<span class="right">{fmt(rv, f)}</span>',
            f"{fmt(lv - rv, f)} {escape(unit)}",
            fmt(si, "{:+.1f}"),
            fmt(sa, "{:.2f}"),
            ref_txt or "–",
        ])
        if key == "gct_ms" and sa is not None:
            r = refs[0] if refs else None
            where = ""
            if r is not None:
                word = {"within": "within", "below": "smaller than", "above": "larger than"}[position_word(sa, r.low, r.high)]
                where = (
                    f"; the symmetry angle of {sa:.2f}% is {word} the values reported for "
                    f"{escape(r.population)} ({r.low:g}–{r.high:g}%) {cite(r.source)}"
                )
            longer = "left" if si > 0 else "right"
            if round(lv) == round(rv) or (lv - rv) * si <= 0:
                what = f"Left and right contact times were about the same (medians: left {lv:.0f} ms, right {rv:.0f} ms)"
            else:
                what = (
                    f"Left and right: the {longer} foot stayed on the ground longer, {abs(lv - rv):.0f} ms in the median "
                    f"(left {lv:.0f} ms, right {rv:.0f} ms)"
                )
            highlights.append(f'<span data-lr="{key}">' + what + where + ".</span>")
    if not rows:
        return None
    bs = analysis.by_side
    n_l, n_r = bs.get("left", {}).get("n_steps"), bs.get("right", {}).get("n_steps")
    from stridelab.report.sections.overview import records_basis

    whose = "over the running records (the device's contact-time balance)" if records_basis(analysis) is not None else "over its own steps"
    intro = note(
        f"Each foot's median {whose}. Small left-right differences are normal in healthy runners; the "
        "symmetry angle puts them on one scale (0% = identical sides) so they can be set beside published values. "
        "A difference here describes this recording; it is not a finding about injury.",
        "explain",
    )
    tbl = table(["Metric", "Left", "Right", "Left − right (medians)", "Symmetry index %", "Symmetry angle %", "Trained runners, angle %"], rows, align="lrrrrrr")
    used = {r.source: r for _, key, _, _ in ROWS for r in symmetry_references(key)}
    groups = "; ".join(
        f"{cite(src)} {escape(r.population)}, {escape(r.speed_text)}, "
        + ("group means across speeds" if src == "girard2019" else "mean ± 1 SD")
        for src, r in used.items()
    )
    foot = note(
        f"Published symmetry angles: {groups}. {_steps_text(n_l, n_r)}Symmetry index = 100·(L−R)/(0.5·(L+R)) of the per-side means, positive when left "
        f"is larger {cite('robinson1987')}; symmetry angle (of the same means) = |45° − arctan(L/R)| / 90° × 100 {cite('zifchock2008')}, about the index "
        f"divided by π. For other groups and speeds, index values from 0.8% (stride time) to 21% (loading rate) were "
        f"reported in 31 competitive, recreational and novice runners at 8–12 km/h {cite('mo2020')}."
    )
    return Section("Left vs right", intro + tbl + foot, "symmetry", highlights=highlights)


def _steps_text(n_l: object, n_r: object) -> str:
    if isinstance(n_l, int) and isinstance(n_r, int):
        return f"Medians of {n_l} left and {n_r} right steps. "
    return ""

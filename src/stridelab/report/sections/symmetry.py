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


def _mean(x: np.ndarray) -> float | None:
    x = x[np.isfinite(x)]
    return float(np.mean(x)) if x.size else None


def side_means(analysis: Analysis, key: str) -> tuple[float | None, float | None]:
    st = analysis.steps
    if key not in st.columns or not len(st):
        return None, None
    return (
        _mean(st.loc[st["side"] == "left", key].to_numpy(dtype=float)),
        _mean(st.loc[st["side"] == "right", key].to_numpy(dtype=float)),
    )


def build(analysis: Analysis) -> Section | None:
    rows = []
    highlights = []
    for label, key, unit, f in ROWS:
        lv, rv = side_means(analysis, key)
        if lv is None or rv is None:
            continue
        si = analysis.symmetry_pct.get(key)
        sa = symmetry_angle_pct(lv, rv)
        refs = symmetry_references(key)
        ref_txt = " · ".join(f"{r.low:g}–{r.high:g} {cite(r.source)}" for r in refs)
        longer = "left" if lv > rv else "right" if rv > lv else "neither"
        rows.append([
            escape(label),
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
            if abs(lv - rv) < 0.5:
                what = f"Left and right contact times were the same ({lv:.0f} ms)"
            else:
                what = (
                    f"Left and right: the {longer} foot stayed on the ground {abs(lv - rv):.0f} ms longer on average "
                    f"(left {lv:.0f} ms, right {rv:.0f} ms)"
                )
            highlights.append(what + where + ".")
    if not rows:
        return None
    st = analysis.steps
    n_l, n_r = int((st["side"] == "left").sum()), int((st["side"] == "right").sum())
    intro = note(
        "Each foot's average over its own steps. Small left-right differences are normal in healthy runners; the "
        "symmetry angle puts them on one scale (0% = identical sides) so they can be set beside published values. "
        "A difference here describes this recording; it is not a finding about injury.",
        "explain",
    )
    tbl = table(["Metric", "Left", "Right", "Left − right", "Symmetry index %", "Symmetry angle %", "Trained runners, angle %"], rows, align="lrrrrrr")
    used = {r.source: r for _, key, _, _ in ROWS for r in symmetry_references(key)}
    groups = "; ".join(
        f"{cite(src)} {escape(r.population)}, {escape(r.speed_text)}, "
        + ("group means across speeds" if src == "girard2019" else "mean ± 1 SD")
        for src, r in used.items()
    )
    foot = note(
        f"Published symmetry angles: {groups}. Means of {n_l} left and {n_r} right steps. Symmetry index = 100·(L−R)/(0.5·(L+R)), positive when left is larger "
        f"{cite('robinson1987')}; symmetry angle = |45° − arctan(L/R)| / 90° × 100 {cite('zifchock2008')}, about the index "
        f"divided by π. For other groups and speeds, index values from 0.8% (stride time) to 21% (loading rate) were "
        f"reported in 31 competitive, recreational and novice runners at 8–12 km/h {cite('mo2020')}."
    )
    return Section("Left vs right", intro + tbl + foot, "symmetry", highlights=highlights)

"""Metrics over time and distance, with speed and grade beside them (per-record or per-step series)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.report.figures import new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: (column, label) of the panels, in order; speed and grade always first when present.
PANELS: tuple[tuple[str, str], ...] = (
    ("speed_mps", "speed (m/s)"),
    ("grade_pct", "grade (%)"),
    ("cadence_spm", "cadence (steps/min)"),
    ("gct_ms", "contact time (ms)"),
    ("vertical_oscillation_cm", "vert. osc. (cm)"),
    ("step_length_m", "step length (m)"),
    ("gct_balance_left_pct", "GCT balance L (%)"),
    ("power_w", "power (W)"),
    ("leg_spring_stiffness_kn_m", "LSS (kN/m)"),
    ("heart_rate_bpm", "heart rate (bpm)"),
)

SMOOTH_S = 30.0


def _arr(ts: dict[str, Any], key: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in ts[key]], dtype=float)


def _binned(t: np.ndarray, y: np.ndarray, run: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Medians of running samples in 30-s bins (for display only)."""
    b = np.floor((t - t[0]) / SMOOTH_S)
    ok = run & np.isfinite(y)
    if not ok.any():
        return np.array([]), np.array([])
    bins, inv = np.unique(b[ok], return_inverse=True)
    order = np.argsort(inv, kind="stable")
    groups = np.split(y[ok][order], np.flatnonzero(np.diff(inv[order])) + 1)
    return t[0] + (bins + 0.5) * SMOOTH_S, np.array([np.median(g) for g in groups])


def build(analysis: Analysis) -> Section | None:
    ts = analysis.sections.get("timeseries")
    if not ts or len(ts.get("time_s", [])) < 30:
        return None
    t = _arr(ts, "time_s")
    run = np.array([s == "run" for s in ts.get("state", ["run"] * len(t))])
    panels = [(k, lab) for k, lab in PANELS if k in ts and np.isfinite(_arr(ts, k)).sum() >= 10]
    if len(panels) < 2:
        return None
    fig, axes = new_figure(8.5, 1.25 * len(panels) + 0.6, nrows=len(panels))
    axes = np.atleast_1d(axes)
    cps = (analysis.sections.get("fatigue") or {}).get("change_points", {})
    laps = np.array(ts["lap"], dtype=float) if "lap" in ts else None
    lap_starts = t[1:][np.diff(laps) > 0] if laps is not None and len(laps) > 1 else np.array([])
    for ax, (key, label) in zip(axes, panels, strict=True):
        y = _arr(ts, key)
        x, ym = _binned(t, y, run)
        ax.plot(t / 60.0, np.where(run, y, np.nan), color="#bbb", lw=0.4)
        ax.plot(x / 60.0, ym, color="#1d2430", lw=1.0)
        for ls in lap_starts:
            ax.axvline(ls / 60.0, color="#999", lw=0.5, ls=":")
        for cp in cps.get(key, []):
            ax.axvline(cp["time_s"] / 60.0, color="#D55E00", lw=0.9, ls="--")
        ax.set_ylabel(label, fontsize=8)
        if key == "grade_pct":
            ax.axhline(0, color="#999", lw=0.5)
    axes[-1].set_xlabel("time (min)")
    if "distance_m" in ts:
        d = _arr(ts, "distance_m")
        ok = np.isfinite(d)
        if ok.sum() > 2 and np.nanmax(d) > 200:
            tt, dd = t[ok] / 60.0, np.maximum.accumulate(d[ok]) / 1000.0
            sec = axes[0].secondary_xaxis("top", functions=(lambda m: np.interp(m, tt, dd), lambda k: np.interp(k, dd, tt)))
            sec.set_xlabel("distance (km)")
    n_excl = int((~run).sum())
    text = (
        f"<p class='meta'>Grey: every running sample; black: {SMOOTH_S:.0f}-s medians. Speed and grade are shown first "
        f"because they change running mechanics by themselves. Dotted lines: laps; dashed orange: change points "
        f"(PELT, Killick et al. 2012) of the speed- and grade-adjusted minute series. {n_excl} stopped or walking "
        f"samples are not drawn. Source: {escape(str(ts.get('source', '')))}.</p>"
    )
    return Section("Over time and distance", to_svg(fig) + text, "overtime")

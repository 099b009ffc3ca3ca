"""Vertical ground reaction force: every contact of each foot overlaid on a common time base, and a
few seconds of the recorded force with the detected contacts."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np

from stridelab.model.axes import UP
from stridelab.report.blocks import fmt, table
from stridelab.report.figures import SIDE_COLOURS, figure, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

G = 9.81
N_POINTS = 51
RAW_WINDOW_S = 3.0


def plate_signals(analysis: Analysis) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Vertical force (N, unloaded offset removed, low-passed like the event detector) of each plate
    group that carries contacts, keyed by the contacts' ``plate`` label (e.g. "plate1+plate2")."""
    from stridelab.dsp import lowpass

    c = analysis.contacts
    if "plate" not in c.columns:
        return {}
    plates = {p.name: p for p in analysis.trial.forceplates}
    info = analysis.events.info.get("plates", {})
    cutoff = 50.0
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for label in sorted({str(x) for x in c["plate"].dropna()}):
        group = [plates[n] for n in label.split("+") if n in plates]
        if not group:
            continue
        ref = max(group, key=lambda p: p.rate_hz)
        t = ref.time_s
        total = np.zeros_like(t, dtype=float)
        for p in group:
            fz = np.nan_to_num(p.force_n[:, UP].astype(float)) - float(info.get(p.name, {}).get("offset_n", 0.0))
            if p.rate_hz >= 2.5 * cutoff:
                fz = lowpass(fz, p.rate_hz, cutoff)
            total += fz if p is ref else np.nan_to_num(np.interp(t, p.time_s, fz, left=0.0, right=0.0))
        out[label] = (t, total)
    return out


def normalised_contacts(analysis: Analysis, signals: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per side, an (n_contacts, N_POINTS) array of force over 0-100% of each contact."""
    c = analysis.contacts
    grid = np.linspace(0.0, 1.0, N_POINTS)
    out: dict[str, list[np.ndarray]] = {"left": [], "right": []}
    for row in c.itertuples():
        sig = signals.get(str(getattr(row, "plate", "")))
        if sig is None or row.side not in out:
            continue
        t, fz = sig
        out[str(row.side)].append(np.interp(row.ic_s + grid * (row.to_s - row.ic_s), t, fz))
    return {k: np.array(v) for k, v in out.items() if v}


def build(analysis: Analysis) -> Section | None:
    if analysis.events.source != "forces":
        return None
    signals = plate_signals(analysis)
    curves = normalised_contacts(analysis, signals)
    if not curves:
        return None
    mass = analysis.trial.subject.mass_kg
    scale, unit = (1.0 / (mass * G), "body weights") if mass else (1.0, "N")
    thr = float(analysis.events.info.get("threshold_n", 20.0))

    fig, axes = new_figure(8.6, 2.9, ncols=2, sharey=True)
    pct = np.linspace(0, 100, N_POINTS)
    rows = []
    for ax, side in zip(axes, ("left", "right"), strict=True):
        ax.set_title(f"{side} foot", fontsize=9, color=SIDE_COLOURS[side], loc="left")
        arr = curves.get(side)
        if arr is None:
            ax.text(0.5, 0.5, "no contacts", transform=ax.transAxes, ha="center", color="#5b6472")
            continue
        y = arr * scale
        sep = np.column_stack([y, np.full(len(y), np.nan)]).ravel()
        xs = np.tile(np.append(pct, np.nan), len(y))
        ax.plot(xs, sep, color=SIDE_COLOURS[side], lw=0.5, alpha=0.25)
        ax.plot(pct, y.mean(axis=0), color=SIDE_COLOURS[side], lw=2.0)
        ax.set_xlabel("% of contact (initial contact → toe-off)")
        ax.set_xlim(0, 100)
        peaks = arr.max(axis=1)
        sd = f" ± {float(np.std(peaks, ddof=1)):.0f}" if len(peaks) > 1 else ""
        rows.append([
            f'<span class="{side}">{side}</span>',
            str(len(arr)),
            f"{float(np.mean(peaks)):.0f}{sd}",
            f"{fmt(float(np.mean(peaks)) / (mass * G), '{:.2f}')}" if mass else "–",
            f"{fmt(float(np.argmax(arr.mean(axis=0))) / (N_POINTS - 1) * 100, '{:.0f}')}",
        ])
    axes[0].set_ylabel(f"vertical force ({unit})")
    overlay = figure(
        to_svg(fig),
        "Every contact of each foot (thin lines), stretched to the same length so their shapes can be compared; the thick "
        "line is their average. Heel-first landings often show a small early bump (the impact peak) before the main "
        "hump; forefoot landings usually do not." + (" Force divided by body weight." if mass else " Give --mass-kg to see body weights."),
    )

    label = max(signals, key=lambda k: len(signals[k][0]))
    t, fz = signals[label]
    c = analysis.contacts
    t0 = float(c["ic_s"].min()) - 0.15
    m = (t >= t0) & (t <= t0 + RAW_WINDOW_S)
    fig, ax = new_figure(8.6, 2.4)
    ax.plot(t[m], fz[m] * scale, color="#333", lw=0.9)
    shown = c[(c["ic_s"] >= t0) & (c["to_s"] <= t0 + RAW_WINDOW_S)]
    for row in shown.itertuples():
        colour = SIDE_COLOURS.get(str(row.side), "#777")
        ax.axvspan(row.ic_s, row.to_s, color=colour, alpha=0.12, lw=0)
        ax.plot([row.ic_s], [thr * scale], marker="^", color=colour, ms=5, ls="none")
        ax.plot([row.to_s], [thr * scale], marker="v", color=colour, ms=5, ls="none")
    ax.axhline(thr * scale, color="#999", lw=0.6, ls="--")
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"vertical force ({unit})")
    sens = analysis.events.info.get("sensitivity_50n")
    span = float(min(t[m][-1], t0 + RAW_WINDOW_S) - max(t[m][0], t0)) if m.any() else 0.0
    cap = (
        f"{span:.1f} s of the recorded vertical force ({escape(label)}), low-pass filtered at 50 Hz. A contact starts "
        f"(▲) when the force rises above {thr:g} N (dashed line) and ends (▼) when it falls below; shading shows the foot."
    )
    if sens:
        cap += (
            f" With a {sens['threshold_n']:g} N threshold instead, contacts would start {sens['ic_shift_ms_mean']:.1f} ms later "
            f"and end {-sens['to_shift_ms_mean']:.1f} ms earlier on average (contact time {sens['gct_change_ms_mean']:+.1f} ms)."
        )
    raw = figure(to_svg(fig), cap)
    tbl = table(["Foot", "Contacts", "Peak force (N, mean ± SD)", "Peak (body weights)", "Peak at % of contact"], rows)
    return Section("Vertical force", overlay + tbl + raw, "forces")

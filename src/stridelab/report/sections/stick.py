"""Stick figure of the runner at initial contact, mid-stance and toe-off (sagittal and frontal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

LEG = ("hjc", "kjc", "ajc", "heel", "toe")
ARM = ("shoulder", "elbow", "wrist")


def representative_contact(analysis: Analysis) -> tuple[str, float, float] | None:
    """(side, ic_s, to_s) of the contact with the median contact time (right side preferred)."""
    c = analysis.contacts
    for side in ("right", "left"):
        s = c[c["side"] == side]
        if len(s) == 0:
            continue
        gct = (s["to_s"] - s["ic_s"]).to_numpy(float)
        i = int(np.argsort(gct)[len(gct) // 2])
        return side, float(s["ic_s"].iloc[i]), float(s["to_s"].iloc[i])
    return None


#: Lateral landmarks that stand in for joint centres the markers cannot give.
FALLBACK = {"kjc": "knee_lat", "ajc": "ankle_lat"}


def _point(pts: dict[str, np.ndarray], t: np.ndarray, name: str, when: float) -> np.ndarray | None:
    p = pts.get(name)
    side, _, what = name.partition("_")
    if p is None and what in FALLBACK:
        p = pts.get(f"{side}_{FALLBACK[what]}")
    if p is None:
        return None
    v = np.array([np.interp(when, t, p[:, k], left=np.nan, right=np.nan) for k in range(3)])
    return v if np.isfinite(v).all() else None


def _chain(ax: Any, pts: list[np.ndarray | None], axes: tuple[int, int], sign: float, shift: float, colour: str) -> None:
    xy = [(sign * p[axes[0]] + shift, p[axes[1]]) for p in pts if p is not None]
    if len(xy) >= 2:
        a = np.array(xy)
        ax.plot(a[:, 0], a[:, 1], "-o", color=colour, lw=1.6, ms=2.5)


def build(analysis: Analysis) -> Section | None:
    kin = analysis.cache.get("kinematics")
    rep = representative_contact(analysis)
    if kin is None or rep is None:
        return None
    side, ic, to = rep
    pts, t = kin.body.points, kin.time_s
    if _point(pts, t, f"{side}_hjc", ic) is None:
        return None
    thorax = kin.body.get("thorax")
    fig, axes = new_figure(8.0, 3.4, ncols=2)
    axes[0].set_box_aspect(0.55)
    instants = (("contact", ic), ("mid-stance", 0.5 * (ic + to)), ("toe-off", to))
    for view, ax, (h, sign) in (("sagittal (runner moving right)", axes[0], (FORWARD, 1.0)), ("frontal (from behind)", axes[1], (LEFT, -1.0))):
        for k, (label, when) in enumerate(instants):
            hips = [_point(pts, t, f"{s}_hjc", when) for s in ("left", "right")]
            centre = np.nanmean([p for p in hips if p is not None], axis=0)
            step = 1.1 if h == FORWARD else 0.45
            shift = k * step - sign * centre[h]
            for s in ("left", "right"):
                _chain(ax, [_point(pts, t, f"{s}_{n}", when) for n in LEG], (h, UP), sign, shift, SIDE_COLOURS[s])
                _chain(ax, [_point(pts, t, f"{s}_{n}", when) for n in ARM], (h, UP), sign, shift, SIDE_COLOURS[s])
            if all(p is not None for p in hips):
                _chain(ax, hips, (h, UP), sign, shift, "#333")
            if thorax is not None:
                top = np.array([np.interp(when, t, thorax.proximal[:, j]) for j in range(3)])
                _chain(ax, [centre, top], (h, UP), sign, shift, "#333")
            ax.text(k * step, -0.06, label, ha="center", fontsize=7)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(view, fontsize=8)
        ax.set_yticks([])
        ax.set_xticks([])
    html = to_svg(fig) + (
        f"<p class='meta'>The {side} foot's contact with the median contact time (initial contact at {ic:.2f} s); "
        "joint centres, heel and toe (metatarsal heads), arms and trunk where markers exist; left blue, right orange.</p>"
    )
    return Section("Stick figure", html, "stick")

"""Video report section: the runner at initial contact, mid-stance and toe-off for each side, with
the key angles drawn on the frames, beside the joint-angle curves over the gait cycle."""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.report.figures import SIDE_COLOURS, new_figure, to_svg
from stridelab.report.section import Section

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

_CURVES = (("hip_flexion", "Hip flexion"), ("knee_flexion", "Knee flexion"), ("ankle_dorsiflexion", "Ankle dorsiflexion"), ("trunk_lean", "Trunk lean"), ("elbow_flexion", "Elbow flexion"))


def _representative(c: Any, side: str) -> Any:
    s = c[c["side"] == side]
    if not len(s):
        return None
    g = (s["to_s"] - s["ic_s"]).to_numpy()
    return s.iloc[int(np.argmin(np.abs(g - np.median(g))))]


def _frames_html(analysis: Analysis) -> str:
    try:
        import cv2
    except ImportError:
        return "<p class='meta'>Frames need OpenCV, which this installation lacks; run scripts/setup.sh.</p>"
    from stridelab.video.draw import angles_at, blank, caption, draw_pose, read_frame
    from stridelab.video.sagittal import sagittal
    from stridelab.video.stage import angle_series

    trial = analysis.trial
    kp = trial.keypoints
    assert kp is not None
    v = trial.provenance.extra.get("video") or {}
    src = v.get("source_video")
    series = angle_series(sagittal(trial))
    c = analysis.contacts
    cells = []
    for side in ("left", "right"):
        row = _representative(c, side)
        if row is None:
            continue
        for label, t in (("initial contact", row.ic_s), ("mid-stance", 0.5 * (row.ic_s + row.to_s)), ("toe-off", row.to_s)):
            i = int(np.argmin(np.abs(kp.time_s - t)))
            img = read_frame(src["path"], i) if src else None
            if img is None:
                size = kp.image_size_px or (int(np.nanmax(kp.xy_px[..., 0]) + 50), int(np.nanmax(kp.xy_px[..., 1]) + 50))
                img = blank(size)
            xy = kp.xy_px[i]
            # crop around the runner
            ok = np.isfinite(xy).all(axis=1)
            if ok.any():
                lo, hi = np.nanmin(xy[ok], axis=0), np.nanmax(xy[ok], axis=0)
                pad = 0.25 * (hi[1] - lo[1])
                x0, y0 = max(0, int(lo[0] - pad)), max(0, int(lo[1] - pad))
                x1, y1 = min(img.shape[1], int(hi[0] + pad)), min(img.shape[0], int(hi[1] + pad))
                img = img[y0:y1, x0:x1].copy()
                xy = xy - np.array([x0, y0])
            scale = 320.0 / max(1, img.shape[0])
            img = cv2.resize(img, (max(1, int(img.shape[1] * scale)), 320), interpolation=cv2.INTER_AREA)
            a = angles_at(series, i)
            draw_pose(img, kp.names, xy, scale, {side: a[side]}, {side: True}, thickness=2)
            s = a[side]
            caption(img, [f"{side} {label}", f"knee {s.get('knee_flexion', np.nan):.0f}  hip {s.get('hip_flexion', np.nan):.0f}  ankle {s.get('ankle_dorsiflexion', np.nan):.0f}"], 0.8)
            ok_, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
            if not ok_:
                continue
            uri = "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")
            alt = html.escape(f"{side} foot at {label}, t = {t:.2f} s")
            cells.append(f"<figure style='display:inline-block;margin:4px'><img src='{uri}' alt='{alt}' height='320'><figcaption>{alt}</figcaption></figure>")
    return "<div>" + "".join(cells) + "</div>"


def _curves_svg(analysis: Analysis) -> str:
    ang = analysis.sections.get("angles") or {}
    names = [(k, lab) for k, lab in _CURVES if any(k in (ang.get(s) or {}) for s in ("left", "right"))]
    if not names:
        return ""
    fig, axes = new_figure(2.4 * len(names), 2.2, ncols=len(names))
    axes = np.atleast_1d(axes)
    x = np.arange(101)
    for ax, (k, lab) in zip(axes, names, strict=True):
        for side in ("left", "right"):
            d = (ang.get(side) or {}).get(k)
            if not d:
                continue
            m, sd = np.array(d["mean"]), np.array(d["sd"])
            ax.plot(x, m, color=SIDE_COLOURS[side], label=side)
            ax.fill_between(x, m - sd, m + sd, color=SIDE_COLOURS[side], alpha=0.2)
        ax.set_title(f"{lab} (deg)")
        ax.set_xlabel("% stride")
    axes[0].legend(frameon=False)
    return to_svg(fig)


def build(analysis: Analysis) -> Section | None:
    if analysis.trial.keypoints is None:
        return None
    v = analysis.sections.get("video") or {}
    s = analysis.summary

    def f(key: str, fmt: str = "{:.0f}") -> str:
        val = s.get(key)
        return "-" if val is None else html.escape(fmt.format(val) if not isinstance(val, str) else val)

    table = (
        "<table><tr><th>At initial contact (median)</th><th></th></tr>"
        f"<tr><td>Foot strike</td><td>{f('foot_strike_pattern', '{}')} ({f('foot_strike_angle_deg')} deg)</td></tr>"
        f"<tr><td>Knee flexion</td><td>{f('knee_flexion_ic_deg')} deg</td></tr>"
        f"<tr><td>Shank angle (ankle ahead of knee +)</td><td>{f('shank_angle_ic_deg')} deg</td></tr>"
        f"<tr><td>Overstriding (heel ahead of hip)</td><td>{f('overstride_m', '{:.2f}')} m, {f('overstride_pct_leg')}% of leg length</td></tr>"
        f"<tr><td>Trunk lean (forward +)</td><td>{f('trunk_lean_deg')} deg</td></tr>"
        f"<tr><td>Elbow flexion / arm swing</td><td>{f('elbow_flexion_deg')} / {f('arm_swing_deg')} deg</td></tr></table>"
    )
    fps = v.get("fps")
    note = (
        f"<p class='meta'>2-D angles in the image plane from the pose keypoints (camera facing the runner's side); "
        f"{html.escape(str(fps))} frames per second, each contact event uncertain by about {v.get('timing_uncertainty_ms')} ms"
        + ("" if v.get("timing_adequate") else " (below the 60 fps that contact timing needs)")
        + ". Overstriding and a large shank angle are associated with higher braking forces; this is a description, not a diagnosis.</p>"
    )
    return Section("Video: posture at contact", table + _frames_html(analysis) + _curves_svg(analysis) + note, "video")

"""The annotated video: the runner with skeleton, joint angles and contact marks, as WebM.

WebM (VP8 or VP9) plays in every current browser; OpenCV's wheel writes both through its FFmpeg's
libvpx (fourcc ``VP80`` / ``VP90``; it cannot write H.264, and MPEG-4 Part 2 ``mp4v`` does not play
in browsers). OpenCV gives no control over the encoder's speed settings, and its VP9 is slow: on the
2-core development machine 640x360 frames took 340 ms each with VP9 and 49 ms with VP8 (same file
size). VP8 is therefore the default (``codec="vp9"`` for VP9), at ``height_px`` (360 by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stridelab.errors import InvalidInputError, UsageError
from stridelab.model.trial import Trial

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


FOURCC = {"vp8": "VP80", "vp9": "VP90"}


def write_annotated_video(analysis: Analysis, out: str | Path, height_px: int = 360, codec: str = "vp8") -> Path:
    """Write the annotated WebM of an analysed video; returns its path."""
    return annotate_trial(analysis.trial, analysis.contacts, out, height_px, codec=codec)


def annotate_trial(trial: Trial, contacts: pd.DataFrame | None, out: str | Path, height_px: int = 360, max_frames: int | None = None, codec: str = "vp8") -> Path:
    """Write the annotated WebM of a trial read from a video file (contacts optional)."""
    from stridelab.video.draw import angles_at, caption, draw_pose
    from stridelab.video.pose import frames, require_cv2
    from stridelab.video.sagittal import sagittal
    from stridelab.video.stage import angle_series

    cv2 = require_cv2()
    kp = trial.keypoints
    src = (trial.provenance.extra.get("video") or {}).get("source_video")
    if kp is None or not src:
        raise UsageError("--video-out needs a video input (keypoint files have no pictures to draw on)")
    out = Path(out)
    if out.suffix.lower() != ".webm":
        out = out.with_suffix(".webm")
    out.parent.mkdir(parents=True, exist_ok=True)
    w0, h0 = int(src["width"]), int(src["height"])
    scale = min(1.0, height_px / h0)
    size = (int(round(w0 * scale)) // 2 * 2, int(round(h0 * scale)) // 2 * 2)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*FOURCC[codec]), float(src["fps"]), size)
    if not writer.isOpened():
        raise InvalidInputError(f"cannot write {out}: this OpenCV has no {codec.upper()} encoder")
    series = angle_series(sagittal(trial))
    c = contacts if contacts is not None else pd.DataFrame({"side": [], "ic_s": [], "to_s": []})
    n = len(kp.time_s) if max_frames is None else min(max_frames, len(kp.time_s))
    try:
        for i, _, f in frames(Path(src["path"]), scale_to_height=size[1] if scale < 1 else None):
            if i >= n:
                break
            if f.shape[1] != size[0] or f.shape[0] != size[1]:
                f = cv2.resize(f, size, interpolation=cv2.INTER_AREA)
            t = kp.time_s[i]
            on = {s: bool(((c["side"] == s) & (c["ic_s"] <= t) & (c["to_s"] >= t)).any()) for s in ("left", "right")}
            draw_pose(f, kp.names, kp.xy_px[i], scale, angles_at(series, i), on, thickness=max(1, int(round(2 * size[1] / 720))))
            a = angles_at(series, i)
            tl = a.get("left", {}).get("trunk_lean", np.nan)
            caption(f, [f"t {t:5.2f} s  trunk lean {tl:4.0f} deg   contact: " + " ".join(s for s in ("left", "right") if on[s])], size[1] / 480)
            writer.write(f)
    finally:
        writer.release()
    return out

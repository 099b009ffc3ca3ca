"""The annotated video: the runner with skeleton, joint angles and contact marks, as WebM/VP9.

WebM with VP9 plays in every current browser (OpenCV's wheel cannot write H.264, and MPEG-4 Part 2
``mp4v`` does not play in browsers). It is encoded with PyAV (its wheel bundles FFmpeg with libvpx;
part of the ``video`` extra) in libvpx's real-time mode (``deadline=realtime``, ``cpu-used=8``,
row multithreading): on the 2-core development machine about 500 frames/s at 640x360, against 7-9
frames/s for VP9 through OpenCV's writer, which exposes no speed settings. Without PyAV, OpenCV's
writer is used (``VP90``, or ``VP80`` with ``codec="vp8"``), slower. Frames are written at
``height_px`` (360 by default).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stridelab.atomic import atomic_path
from stridelab.errors import InvalidInputError, UsageError
from stridelab.model.trial import Trial

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


FOURCC = {"vp8": "VP80", "vp9": "VP90"}
_AV_CODEC = {"vp8": "libvpx", "vp9": "libvpx-vp9"}


class WebmWriter:
    """Writes BGR frames to a WebM file: PyAV (libvpx, real time) when installed, else OpenCV."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int], codec: str = "vp9") -> None:
        if codec not in FOURCC:
            raise UsageError(f"video codec must be one of {', '.join(FOURCC)}")
        self.path, self.size = path, size
        self._av_out: Any = None
        self._cv: Any = None
        try:
            av: Any = importlib.import_module("av")
        except ImportError:
            av = None
        if av is not None:
            from fractions import Fraction

            self._av = av
            self._av_out = av.open(str(path), "w", format="webm")
            st: Any = self._av_out.add_stream(_AV_CODEC[codec], rate=Fraction(fps).limit_denominator(1001))
            st.width, st.height, st.pix_fmt = size[0], size[1], "yuv420p"
            st.bit_rate = 2_000_000
            st.options = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1"} if codec == "vp9" else {"deadline": "realtime", "cpu-used": "8"}
            self._stream = st
        else:
            from stridelab.video.pose import require_cv2

            cv2 = require_cv2()
            self._cv = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*FOURCC[codec]), float(fps), size)
            if not self._cv.isOpened():
                raise InvalidInputError(f"cannot write {path}: this OpenCV has no {codec.upper()} encoder (install PyAV: scripts/setup.sh)")

    def write(self, bgr: np.ndarray) -> None:
        if self._av_out is not None:
            frame = self._av.VideoFrame.from_ndarray(np.ascontiguousarray(bgr), format="bgr24")
            for pkt in self._stream.encode(frame):
                self._av_out.mux(pkt)
        elif self._cv is not None:
            self._cv.write(bgr)

    def close(self) -> None:
        if self._av_out is not None:
            for pkt in self._stream.encode():
                self._av_out.mux(pkt)
            self._av_out.close()
            self._av_out = None
        elif self._cv is not None:
            self._cv.release()
            self._cv = None


def write_annotated_video(analysis: Analysis, out: str | Path, height_px: int = 360, codec: str = "vp9") -> Path:
    """Write the annotated WebM of an analysed video; returns its path."""
    return annotate_trial(analysis.trial, analysis.contacts, out, height_px, codec=codec)


def annotate_trial(trial: Trial, contacts: pd.DataFrame | None, out: str | Path, height_px: int = 360, max_frames: int | None = None, codec: str = "vp9") -> Path:
    """Write the annotated WebM of a trial read from a video file (contacts optional)."""
    from stridelab.video.sagittal import sagittal
    from stridelab.video.stage import angle_series

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
    series = angle_series(sagittal(trial))
    c = contacts if contacts is not None else pd.DataFrame({"side": [], "ic_s": [], "to_s": []})
    n = len(kp.time_s) if max_frames is None else min(max_frames, len(kp.time_s))
    with atomic_path(out) as tmp:  # renamed to ``out`` only when every frame is written
        _draw_all(trial, c, series, src, WebmWriter(tmp, float(src["fps"]), size, codec), scale, size, n)
    return out


def _draw_all(trial: Trial, c: pd.DataFrame, series: Any, src: dict[str, Any], writer: WebmWriter, scale: float, size: tuple[int, int], n: int) -> None:
    from stridelab.video.draw import angles_at, caption, draw_pose
    from stridelab.video.pose import frames, require_cv2

    cv2 = require_cv2()
    kp = trial.keypoints
    assert kp is not None
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
        writer.close()

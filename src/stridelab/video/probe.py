"""Probe an untrusted video in a child process, with limits, before anything decodes it here.

A damaged or hostile video reaches FFmpeg's demuxers and decoders, written in C. Before the pose
pipeline decodes a single frame in the stridelab process, :func:`probe_video` opens the container
in a forked child (:func:`stridelab.io.sandbox.run_limited`: address-space and time limits, output
to ``/dev/null``) and, there:

1. lists the container's streams with PyAV (when installed) and refuses more than
   :data:`MAX_STREAMS` streams, no video stream, or a video codec outside :data:`CODECS` (what
   phones, cameras and screen recorders write; FFmpeg's rarely used decoders are where its
   memory-safety bugs are usually found);
2. opens it with OpenCV (the decoder the pipeline uses) and decodes the first frame, so that a
   decoder that crashes or loops on the first frame does so in the child;
3. returns the frame rate, frame count and frame size, which are then capped here: a frame larger
   than :data:`MAX_FRAME_PIXELS` (4096 x 4096), more than :data:`MAX_FRAMES` frames
   (``STRIDELAB_MAX_VIDEO_FRAMES``; 30 min at 60 fps by default) or a frame size x frame count over
   :data:`MAX_TOTAL_PIXELS` (``STRIDELAB_MAX_VIDEO_PIXELS``; 30 min of 1080p at 60 fps) is refused
   with one line naming the override. The frame count the container declares is checked against
   its duration x frame rate where both are known (a header that lies about either is refused).

The full decode and the pose model then run in the stridelab process (with the size cap of
:mod:`stridelab.io.limits`): the decode of a file whose container and first frame passed these
checks. Cost: one fork and one container open, about 0.1-0.4 s against a pipeline of seconds to
minutes (``docs/validation.md``, "Broken and hostile input"); :func:`start_probe` lets the pose
model load its networks while the child works (the model touches no byte of the video).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stridelab.errors import InvalidInputError, UsageError
from stridelab.io.limits import _env_float
from stridelab.io.sandbox import start_limited

#: Most streams a video may hold (a phone video: 1 video + 1 audio + 1-3 metadata streams).
MAX_STREAMS = 16
#: Video codecs accepted (FFmpeg decoder names).
CODECS = frozenset({
    "h264", "hevc", "vp8", "vp9", "av1", "libdav1d", "libaom-av1", "mpeg4", "mpeg2video", "mpeg1video", "mjpeg", "prores",
    "dnxhd", "h263", "msmpeg4v3", "theora", "rawvideo", "libvpx", "libvpx-vp9", "ffv1", "png",
})
#: Largest frame (pixels): 4096 x 4096 (4K phone video is 3840 x 2160).
MAX_FRAME_PIXELS = 4096 * 4096
#: Most frames unless STRIDELAB_MAX_VIDEO_FRAMES says otherwise: 30 min at 60 fps.
MAX_FRAMES = 108_000
#: Most frame size x frame count unless STRIDELAB_MAX_VIDEO_PIXELS says otherwise: 30 min of
#: 1080p at 60 fps (about 2.2e11 pixels).
MAX_TOTAL_PIXELS = 1920 * 1080 * 108_000
#: Seconds the probe may take (a container open and one frame).
PROBE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Probe:
    """What the child found: streams, the video codec, rate, frame count and size."""

    streams: int
    codec: str | None
    rate_hz: float
    n_frames: int
    width: int
    height: int
    duration_s: float | None


def _probe_here(path: str) -> Probe:  # pragma: no cover - runs in the child
    import cv2

    n_streams, codec, duration = 1, None, None
    av: Any
    try:
        av = importlib.import_module("av")
    except ImportError:
        av = None
    if av is not None:
        try:
            with av.open(path, "r") as c:
                n_streams = len(c.streams)
                if n_streams > MAX_STREAMS:
                    raise InvalidInputError(f"{Path(path).name}: the file holds {n_streams} streams (a video has a few); it is not an ordinary video")
                video = c.streams.video
                if not video:
                    raise InvalidInputError(f"{Path(path).name}: the file holds no video stream")
                codec = str(video[0].codec_context.name)
                if video[0].duration is not None and video[0].time_base:
                    duration = float(video[0].duration * video[0].time_base)
                elif c.duration:
                    duration = float(c.duration) / 1e6
        except InvalidInputError:
            raise
        except Exception as e:  # noqa: BLE001 - anything the demuxer says means: not a readable video
            said = str(e).split("\n")[0].split(": '")[0][:120]  # without the path
            raise InvalidInputError(f"{Path(path).name}: cannot open the video ({said}); the file is corrupt or not a video") from None
        if codec not in CODECS:
            raise InvalidInputError(
                f"{Path(path).name}: video codec {codec!r} is not one stridelab reads ({', '.join(sorted(CODECS)[:6])}, ...); "
                "convert it, e.g. ffmpeg -i IN -c:v libx264 OUT.mp4"
            )
    cap = cv2.VideoCapture(path)
    try:
        if not cap.isOpened():
            raise InvalidInputError(f"{Path(path).name}: cannot open the video (corrupt or an unsupported codec)")
        rate = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if w * h > MAX_FRAME_PIXELS:  # before decoding a frame of that size
            return Probe(n_streams, codec, rate, n, w, h, duration)
        ok, frame = cap.read()
        if not ok or frame is None:
            raise InvalidInputError(f"{Path(path).name}: the video has no readable frames")
        h, w = int(frame.shape[0]), int(frame.shape[1])
    finally:
        cap.release()
    return Probe(n_streams, codec, rate, n, w, h, duration)


def max_frames() -> int:
    return int(_env_float("STRIDELAB_MAX_VIDEO_FRAMES", MAX_FRAMES))


def max_total_pixels() -> int:
    return int(_env_float("STRIDELAB_MAX_VIDEO_PIXELS", MAX_TOTAL_PIXELS))


def check_probe(name: str, p: Probe) -> Probe:
    """Refuse (one line) what :func:`probe_video` found to be too large or inconsistent."""
    if not p.rate_hz > 0 or not p.rate_hz < 10_000 or p.width <= 0 or p.height <= 0:
        raise InvalidInputError(f"{name}: the video has no frame rate or no frames")
    if p.width * p.height > MAX_FRAME_PIXELS:
        raise InvalidInputError(f"{name}: frames of {p.width} x {p.height} pixels are larger than stridelab reads (4096 x 4096); scale the video down")
    if p.n_frames > max_frames():
        raise UsageError(f"{name}: {p.n_frames} frames is more than {max_frames()}; cut the video (or raise STRIDELAB_MAX_VIDEO_FRAMES)")
    total = p.n_frames * p.width * p.height
    if total > max_total_pixels():
        raise UsageError(
            f"{name}: {p.n_frames} frames of {p.width} x {p.height} pixels is more than stridelab decodes "
            f"({max_total_pixels():.2g} pixels); cut or scale the video down (or raise STRIDELAB_MAX_VIDEO_PIXELS)"
        )
    if p.duration_s is not None and p.duration_s > 0 and p.n_frames > 0:
        expected = p.duration_s * p.rate_hz
        if p.n_frames > 2 * expected + 10:
            raise InvalidInputError(
                f"{name}: the container declares {p.n_frames} frames but {p.duration_s:.1f} s at {p.rate_hz:g} fps; the file is damaged"
            )
    return p


class ProbeJob:
    """A probe started in its child (:func:`start_probe`); :meth:`result` waits and checks."""

    def __init__(self, path: Path, pending: Any) -> None:
        self.path = path
        self._pending = pending

    def result(self) -> Probe:
        return check_probe(self.path.name, self._pending.result())

    def cancel(self) -> None:
        self._pending.cancel()


def start_probe(path: Path) -> ProbeJob:
    """Start probing ``path`` in a limited child and return at once (the caller may load the pose
    model meanwhile; nothing may decode the video before :meth:`ProbeJob.result` returned)."""
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    try:  # imported here once (the annotated video needs it too), not in every probe's child
        importlib.import_module("av")
    except ImportError:
        pass
    pending = start_limited(_probe_here, str(path), name=path.name, size_bytes=min(size, 1 << 20), what="video probe", timeout_s=PROBE_TIMEOUT_S)
    return ProbeJob(path, pending)


def probe_video(path: Path) -> Probe:
    """Probe ``path`` in a limited child and check what it found (see module docstring)."""
    return start_probe(path).result()


__all__ = [
    "CODECS", "MAX_FRAMES", "MAX_FRAME_PIXELS", "MAX_STREAMS", "MAX_TOTAL_PIXELS", "Probe", "ProbeJob", "check_probe", "max_frames", "max_total_pixels",
    "probe_video", "start_probe",
]

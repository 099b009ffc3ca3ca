"""Pose from video, offline: the MediaPipe Pose model bundled in the ``mediapipe`` 0.10.14 wheel.

Method: BlazePose (Bazarevsky V et al. 2020, "BlazePose: On-device Real-time Body Pose tracking",
arXiv:2006.10204) through ``mediapipe.solutions.pose`` with ``model_complexity=1`` (the bundled
``pose_landmark_full`` model): 33 landmarks per frame with a visibility (our confidence). In video
mode the model detects the person once and then tracks that one person from frame to frame (its
region of interest follows the previous landmarks), re-detecting only when tracking is lost; frames
without a person are counted and reported. The model's own landmark smoothing is off
(``smooth_landmarks=False``): it lags fast foot motion, and our clean-up smooths without lag.

Nothing is downloaded: the model files ship inside the wheel (``mediapipe/modules/pose_landmark``).
Decoding, scaling and colour conversion run in a second thread, beside the model, through a
bounded queue of recycled frame buffers (:mod:`stridelab.video.decode`); ``threaded=False`` runs
the same steps in the calling thread (the reference: the keypoints are identical). The model
loads its networks while the video is probed in its child (:func:`model_while_probing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError, UsageError

INSTALL_HINT = (
    "analysing a video needs the pose model, which this installation lacks: run scripts/setup.sh "
    "(or pip install stridelab && pip install --no-deps mediapipe==0.10.14)"
)


def require_cv2() -> Any:
    """OpenCV, or a one-line :class:`UsageError` (exit 2: the input is fine, the installation lacks the extra)."""
    try:
        import cv2
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return cv2


def require_mediapipe() -> Any:
    """mediapipe and its pose solution, quietly (its C++ logs would break our one-line stderr)."""
    import os
    import warnings

    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import mediapipe as mp
            from mediapipe.python.solutions import pose as mp_pose
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return mp, mp_pose


@dataclass
class VideoInfo:
    path: str
    rate_hz: float
    n_frames: int
    width: int
    height: int


def probe(path: Path) -> VideoInfo:
    """Rate, frame count and size, found in a limited child that also checks the container's
    streams, codec and sizes and decodes the first frame (:mod:`stridelab.video.probe`)."""
    from stridelab.video.probe import probe_video

    require_cv2()
    p = probe_video(path)
    return VideoInfo(str(path), p.rate_hz, p.n_frames, p.width, p.height)


def model_while_probing(path: Path, min_detection_confidence: float = 0.5) -> tuple[Any, VideoInfo, float]:
    """The pose model, loaded while the video is probed in its child, and the probe's
    :class:`VideoInfo`; the seconds spent loading (the pose model's own time).

    The probe's child is forked first (before the model starts its threads); the model then loads
    its two networks in its own threads while the child works, and the graph is waited for inside
    the silenced block (its loading logs to descriptor 2). Nothing decodes the video in this
    process before the probe has passed. The probe's cost is hidden when a core is free."""
    import time
    import warnings

    from stridelab.video.probe import start_probe

    require_cv2()
    _, mp_pose = require_mediapipe()
    job = start_probe(path)
    with quiet_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # protobuf deprecation notices from inside mediapipe
        t0 = time.perf_counter()
        try:
            pose = mp_pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=False, enable_segmentation=False, min_detection_confidence=min_detection_confidence, min_tracking_confidence=0.5)
            graph = getattr(pose, "_graph", None)  # mediapipe's SolutionBase: wait until its calculators are open
            if graph is not None and hasattr(graph, "wait_until_idle"):
                graph.wait_until_idle()
        except BaseException:
            job.cancel()
            raise
        loading_s = time.perf_counter() - t0
        try:
            p = job.result()
        except BaseException:
            pose.close()
            raise
    return pose, VideoInfo(str(path), p.rate_hz, p.n_frames, p.width, p.height), loading_s


def frames(path: Path, prefetch: int = 8, scale_to_height: int | None = None, rgb: bool = False) -> Iterator[tuple[int, float, np.ndarray]]:
    """(index, time_ms, frame) decoded in a background thread, BGR or (``rgb=True``) RGB: colour
    conversion and scaling run in that thread, beside the pose model rather than before it
    (:mod:`stridelab.video.decode`)."""
    from stridelab.video.decode import frames as decoded

    return decoded(path, prefetch=prefetch, scale_to_height=scale_to_height, rgb=rgb)


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence the C++ logging of TensorFlow Lite / MediaPipe (file descriptor 2) for the block."""
    import os
    import sys

    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


@dataclass
class PoseResult:
    xy_px: np.ndarray
    confidence: np.ndarray
    depth: np.ndarray
    time_s: np.ndarray
    info: VideoInfo
    pose_seconds: float


def run_pose(
    path: Path,
    max_frames: int | None = None,
    min_detection_confidence: float = 0.5,
    end_s: float | None = None,
    *,
    threaded: bool = True,
    scale_to_height: int | None = None,
    prefetch: int = 4,
) -> PoseResult:
    """Run the bundled pose model over every frame (see module docstring).

    ``threaded=False`` decodes in the calling thread (the sequential reference; same keypoints).
    ``scale_to_height`` scales taller frames down before the model (in the decoder thread); it
    changes the keypoints (docs/validation.md, "Speed at every size") and is off by default.
    """
    import time
    import warnings

    from stridelab.progress import progress
    from stridelab.video.decode import FrameSource

    pose, info, busy = model_while_probing(path, min_detection_confidence)
    total = info.n_frames if info.n_frames and info.n_frames > 0 else None
    if total is not None and end_s is not None:
        total = min(total, int(end_s * info.rate_hz) + 1)
    if total is not None and max_frames is not None:
        total = min(total, max_frames)
    a = np.full((total or 256, 33, 4), np.nan)  # x, y, z, visibility per landmark; grown when the count was wrong
    ts: list[float] = []
    n = 0
    try:
        with progress(f"pose model: {path.name}", total) as advance, quiet_stderr(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # protobuf deprecation notices from inside mediapipe
            with FrameSource(path, rgb=True, scale_to_height=scale_to_height, prefetch=prefetch, threaded=threaded, reuse=True) as src:
                for i, t_ms, rgb in src:
                    if (max_frames is not None and i >= max_frames) or (end_s is not None and i / info.rate_hz > end_s):
                        break
                    t0 = time.perf_counter()
                    res = pose.process(rgb)
                    busy += time.perf_counter() - t0
                    if i >= len(a):
                        a = np.concatenate([a, np.full_like(a, np.nan)])
                    lm = res.pose_landmarks
                    if lm is not None:
                        a[i] = [(p.x, p.y, p.z, p.visibility) for p in lm.landmark]
                    ts.append(t_ms / 1000.0)
                    n = i + 1
                    advance(1)
    finally:
        with quiet_stderr():
            pose.close()
    if not n:
        raise InvalidInputError(f"{path.name}: the video has no readable frames")
    a = a[:n]
    xy = a[..., :2] * np.array([info.width, info.height])
    conf = np.nan_to_num(a[..., 3], nan=0.0)
    t = np.asarray(ts)
    if not (np.all(np.diff(t) > 0) and abs((t[-1] - t[0]) - (n - 1) / info.rate_hz) < 2.0 / info.rate_hz):
        t = np.arange(n) / info.rate_hz  # unreliable timestamps: nominal frame times
    info.n_frames = n
    return PoseResult(xy, conf, a[..., 2], t, info, busy)

"""Video files (.mp4, .mov, .avi, .webm, .mkv): the bundled pose model gives the keypoints.

See :mod:`stridelab.video.pose` for the model and :mod:`stridelab.video.read_keypoints` for what follows.
Needs OpenCV and mediapipe (the default install, scripts/setup.sh); without them a one-line error (exit 2) says how to install them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.io.options import ReadOptions
from stridelab.model.trial import Trial
from stridelab.video.names import MEDIAPIPE33


def read_video(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Run the pose model over the video and return a keypoint Trial."""
    from stridelab.video.pose import run_pose
    from stridelab.video.read_keypoints import keypoint_trial

    opts = opts or ReadOptions()
    path = Path(path)
    res = run_pose(path, end_s=opts.end_s)
    rate = res.info.rate_hz
    time_s = res.time_s
    if opts.rate_hz and abs(opts.rate_hz / rate - 1) > 0.01:  # slow motion: the capture rate, not the playback rate
        time_s = time_s * rate / opts.rate_hz
        rate = float(opts.rate_hz)
    # MediaPipe's depth says which leg is nearer the camera; kept for the swap check
    extra = {
        "source_video": {"path": str(path), "width": res.info.width, "height": res.info.height, "fps": rate, "n_frames": res.info.n_frames,
                         "playback_fps": res.info.rate_hz},
        "pose_model": "mediapipe 0.10.14 BlazePose pose_landmark_full (model_complexity=1), bundled",
        "pose_seconds": round(res.pose_seconds, 3),
    }
    conf = np.where(np.isfinite(res.xy_px[..., 0]), res.confidence, 0.0)
    return keypoint_trial(MEDIAPIPE33, res.xy_px, conf, rate, time_s, path, "video", opts, image_size=(res.info.width, res.info.height), extra=extra)

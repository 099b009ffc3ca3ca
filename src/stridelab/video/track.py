"""Following one runner when a pose model reports several people per frame.

Method (``method="nearest_centroid"``, our own; the usual greedy frame-to-frame association of
multi-person pose trackers, e.g. Pose2Sim's ``personAssociation`` or Sports2D's tracking): start with
the person with the largest bounding box (the runner fills the frame of a side-view video); in each
next frame take the person whose keypoint centroid is nearest the last chosen one, if nearer than
one bounding-box height; otherwise the frame has no runner. After 0.5 s (15 frames) without the
runner the largest person is taken again.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _box(a: np.ndarray) -> tuple[np.ndarray, float, float]:
    ok = a[:, 2] > 0
    if not ok.any():
        return np.array([np.nan, np.nan]), 0.0, 0.0
    p = a[ok, :2]
    w, h = np.ptp(p[:, 0]), np.ptp(p[:, 1])
    return p.mean(0), float(w * h), float(max(h, 1.0))


def follow_runner(people: list[list[np.ndarray]], k: int, lost_frames: int = 15) -> tuple[np.ndarray, dict[str, Any]]:
    """(n_frames, k, 3) keypoints (x, y, confidence) of the one runner, and a summary of the choice."""
    n = len(people)
    out = np.full((n, k, 3), np.nan)
    out[..., 2] = 0.0
    last_c: np.ndarray | None = None
    last_h = 0.0
    missed = 0
    multi = 0
    switches = 0
    for i, frame in enumerate(people):
        if not frame:
            missed += 1
            continue
        multi += len(frame) > 1
        boxes = [_box(a) for a in frame]
        j = None
        if last_c is not None and missed <= lost_frames:
            d = [float(np.linalg.norm(b[0] - last_c)) if np.isfinite(b[0]).all() else np.inf for b in boxes]
            jj = int(np.argmin(d))
            if d[jj] < last_h:
                j = jj
        if j is None:
            if last_c is not None and missed > lost_frames:
                switches += 1
            areas = [b[1] for b in boxes]
            j = int(np.argmax(areas)) if max(areas) > 0 else None
            if j is not None and last_c is not None and missed <= lost_frames:
                j = None  # someone else, nearby frames had the runner elsewhere
        if j is None:
            missed += 1
            continue
        out[i] = frame[j]
        last_c, _, last_h = boxes[j]
        missed = 0
    return out, {"method": "nearest_centroid", "frames_with_several_people": multi, "reacquired": switches}

"""Drawing on video frames: the skeleton, joint angles and contact marks (OpenCV, BGR images)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Okabe-Ito colours (BGR) as in the report: left blue, right vermillion.
SIDE_BGR = {"left": (178, 114, 0), "right": (0, 94, 213)}
BONES = [("shoulder", "elbow"), ("elbow", "wrist"), ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("ankle", "heel"), ("heel", "toe"), ("ankle", "toe")]


def _pt(names: list[str], xy: np.ndarray, name: str) -> tuple[int, int] | None:
    if name not in names:
        return None
    p = xy[names.index(name)]
    if not np.all(np.isfinite(p)):
        return None
    return int(round(float(p[0]))), int(round(float(p[1])))


def draw_pose(img: np.ndarray, names: list[str], xy: np.ndarray, scale: float = 1.0, angles: dict[str, dict[str, float]] | None = None, contact: dict[str, bool] | None = None, thickness: int = 2) -> np.ndarray:
    """Draw one frame's skeleton (``xy`` (k, 2) pixels of the original video, times ``scale``),
    angle labels per side (``{"left": {"knee_flexion": 23.0, ...}}``) and a contact bar under each
    foot on the ground. Modifies and returns ``img``."""
    import cv2

    p = xy * scale
    t = max(1, int(round(thickness)))
    for side in ("right", "left"):  # far side first
        s = side[0] + "_"
        col = SIDE_BGR[side]
        for a, b in BONES:
            pa, pb = _pt(names, p, s + a), _pt(names, p, s + b)
            if pa and pb:
                cv2.line(img, pa, pb, col, t + 1, cv2.LINE_AA)
        for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe"):
            q = _pt(names, p, s + part)
            if q:
                cv2.circle(img, q, t + 2, (255, 255, 255), -1, cv2.LINE_AA)
                cv2.circle(img, q, t + 2, col, 1, cv2.LINE_AA)
        if contact and contact.get(side):
            q1, q2 = _pt(names, p, s + "heel"), _pt(names, p, s + "toe")
            if q1 and q2:
                y = max(q1[1], q2[1]) + 3 * t
                cv2.line(img, (q1[0], y), (q2[0], y), col, 3 * t, cv2.LINE_AA)
        if angles and side in angles:
            for part, key, dx in (("knee", "knee_flexion", 8), ("hip", "hip_flexion", 8), ("elbow", "elbow_flexion", 8), ("ankle", "ankle_dorsiflexion", 8)):
                q = _pt(names, p, s + part)
                v = angles[side].get(key)
                if q and v is not None and np.isfinite(v):
                    _label(img, f"{v:.0f}", (q[0] + dx * t, q[1] - 4 * t), col, 0.4 * t + 0.1)
    return img


def _label(img: np.ndarray, text: str, org: tuple[int, int], col: tuple[int, int, int], size: float) -> None:
    import cv2

    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, (255, 255, 255), 3, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, col, 1, cv2.LINE_AA)


def caption(img: np.ndarray, lines: list[str], scale: float = 1.0) -> None:
    """Text lines in the top-left corner on a dark band."""
    import cv2

    size = 0.45 * scale
    h = int(18 * scale)
    cv2.rectangle(img, (0, 0), (int(img.shape[1]), h * len(lines) + 6), (30, 30, 30), -1)
    for i, ln in enumerate(lines):
        cv2.putText(img, ln, (6, h * (i + 1)), cv2.FONT_HERSHEY_SIMPLEX, size, (255, 255, 255), 1, cv2.LINE_AA)


def angles_at(series: dict[str, dict[str, np.ndarray]], i: int) -> dict[str, dict[str, float]]:
    return {side: {k: float(v[i]) for k, v in d.items()} for side, d in series.items()}


def read_frame(path: str, index: int) -> Any:
    """One BGR frame of a video by index, or None."""
    import cv2

    cap = cv2.VideoCapture(path)
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, f = cap.read()
    cap.release()
    return f if ok else None


def blank(size: tuple[int, int]) -> np.ndarray:
    return np.full((size[1], size[0], 3), 245, dtype=np.uint8)

"""Canonical keypoint names and the layouts of common pose models.

Canonical names follow :mod:`stridelab.model.landmarks`: lower case, ``l_``/``r_`` for bilateral
points. A keypoint is a joint (``l_hip``, ``l_knee``, ``l_ankle``, ``l_shoulder``, ``l_elbow``,
``l_wrist``) or a surface point (``l_heel``, ``l_toe`` = big toe / MediaPipe's foot index,
``l_small_toe``, ``nose``, ``l_ear``, ``l_eye``); ``neck``, ``mid_hip`` and ``head`` are midline.
:func:`canonical_keypoint` maps any model's name (``LBigToe``, ``left_foot_index``, ``RHip``,
``right_heel``) to these.
"""

from __future__ import annotations

import re

#: MediaPipe Pose (BlazePose, 33 landmarks), in model order.
MEDIAPIPE33 = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
]  # fmt: skip

#: OpenPose BODY_25.
BODY25 = [
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "MidHip", "RHip", "RKnee",
    "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar", "LBigToe", "LSmallToe", "LHeel",
    "RBigToe", "RSmallToe", "RHeel",
]  # fmt: skip

#: OpenPose COCO (18 points).
OPENPOSE_COCO18 = [
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "RHip", "RKnee", "RAnkle",
    "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar",
]  # fmt: skip

#: MS COCO person keypoints (17).
COCO17 = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
    "right_ankle",
]  # fmt: skip

#: Halpe 26 (COCO 17 + head, neck, hip and six foot points; Sports2D / Pose2Sim's default).
HALPE26 = COCO17 + ["head", "neck", "hip", "left_big_toe", "right_big_toe", "left_small_toe", "right_small_toe", "left_heel", "right_heel"]

#: COCO-WholeBody's first 23 points (body + feet).
COCO_WHOLEBODY23 = COCO17 + ["left_big_toe", "left_small_toe", "left_heel", "right_big_toe", "right_small_toe", "right_heel"]

#: Layouts by number of keypoints (for files that give only numbers).
LAYOUTS: dict[int, list[str]] = {33: MEDIAPIPE33, 25: BODY25, 18: OPENPOSE_COCO18, 17: COCO17, 26: HALPE26, 23: COCO_WHOLEBODY23}

_PARTS: list[tuple[tuple[str, ...], str]] = [
    (("bigtoe", "big_toe", "foot_index", "footindex", "toe", "hallux"), "toe"),
    (("smalltoe", "small_toe"), "small_toe"),
    (("heel",), "heel"),
    (("ankle",), "ankle"),
    (("knee",), "knee"),
    (("hip",), "hip"),
    (("shoulder",), "shoulder"),
    (("elbow",), "elbow"),
    (("wrist",), "wrist"),
    (("ear",), "ear"),
    (("eye",), "eye"),
]

_MIDLINE = {"nose": "nose", "neck": "neck", "midhip": "mid_hip", "mid_hip": "mid_hip", "hip": "mid_hip", "pelvis": "mid_hip", "head": "head", "headtop": "head"}

_SIDE_RE = re.compile(r"^(left|right|l|r)[_\s.-]*(.+)$", re.IGNORECASE)
_SIDE_SUFFIX_RE = re.compile(r"^(.+?)[_\s.-]+(left|right|l|r)$", re.IGNORECASE)

#: Canonical keypoints the running analysis uses, per side.
LEG = ("hip", "knee", "ankle", "heel", "toe", "small_toe")
ARM = ("shoulder", "elbow", "wrist")


def canonical_keypoint(name: str) -> str | None:
    """The canonical name of a pose model's keypoint name, or None when it is not one we use.

    Examples: ``RBigToe`` -> ``r_toe``, ``left_foot_index`` -> ``l_toe``, ``LHip`` -> ``l_hip``,
    ``MidHip``/``Hip`` -> ``mid_hip``, ``left_eye_inner`` -> None.
    """
    raw = name.strip()
    low = raw.lower().replace(" ", "_")
    if low in _MIDLINE:
        return _MIDLINE[low]
    side = rest = None
    # CamelCase OpenPose style: RHip, LBigToe
    m = re.match(r"^([LR])([A-Z][A-Za-z]*)$", raw)
    if m:
        side, rest = m.group(1).lower(), m.group(2).lower()
    else:
        m2 = _SIDE_RE.match(low)
        m3 = _SIDE_SUFFIX_RE.match(low)
        if m2 and m2.group(1) in ("left", "right"):
            side, rest = m2.group(1)[0], m2.group(2)
        elif m3:
            side, rest = m3.group(2)[0], m3.group(1)
        elif m2:
            side, rest = m2.group(1)[0], m2.group(2)
    if side is None or rest is None:
        return None
    rest = rest.strip("_")
    if rest in ("eye_inner", "eye_outer", "eyeinner", "eyeouter") or rest.startswith(("pinky", "index", "thumb", "mouth")):
        return None
    for tokens, part in _PARTS:
        if rest in tokens or rest.replace("_", "") in tokens:
            return f"{side}_{part}"
    return None


def canonical_names(names: list[str]) -> list[str | None]:
    """Canonical names for a list of model names; duplicates after the first become None."""
    out: list[str | None] = []
    seen: set[str] = set()
    for n in names:
        c = canonical_keypoint(n)
        if c is not None and c in seen:
            c = None
        if c is not None:
            seen.add(c)
        out.append(c)
    return out


def looks_like_keypoints(names: list[str], min_matches: int = 6) -> bool:
    """True when ``names`` look like a pose model's keypoints (hips, knees, ankles...), not lab markers."""
    legs = {c for c in canonical_names(names) if c is not None and c[2:] in ("hip", "knee", "ankle")}
    return len(legs) >= min_matches


__all__ = ["ARM", "BODY25", "COCO17", "HALPE26", "LAYOUTS", "LEG", "MEDIAPIPE33", "canonical_keypoint", "canonical_names", "looks_like_keypoints"]

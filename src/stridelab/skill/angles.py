"""Angle names, sign conventions and the named skill groups of stridelab's skill model.

Angles are stridelab's joint angles in degrees, anatomical (not zeroed to a standing trial), one
stride time-normalised to 101 points (0 % = foot strike, 100 % = the next foot strike of the same
foot). Positive directions: flexion, dorsiflexion, adduction, internal rotation, inversion,
anterior trunk lean (the same as the joint-motion pipeline, :mod:`stridelab.kinematics`).

The skill groups follow body part and phase (arm action, trunk, hip and pelvis, knee, ankle and
foot, rhythm, stability). A group without data in a population is reported as *not measured*.
"""

from __future__ import annotations

N_POINTS = 101
"""Samples per time-normalised stride (0, 1, ..., 100 % of the stride)."""

SIDES = ("right", "left")

#: Angles the joint-motion pipeline produces (issue 3); a model that needs others cannot score trials.
KINEMATICS_ANGLES: tuple[str, ...] = (
    "hip_flexion",
    "hip_adduction",
    "hip_rotation",
    "knee_flexion",
    "knee_adduction",
    "knee_rotation",
    "ankle_dorsiflexion",
    "ankle_inversion",
    "pelvis_tilt",
    "pelvis_obliquity",
    "pelvis_rotation",
    "trunk_lean",
    "elbow_flexion",
)

#: Angles whose main excursion happens in stance (their stance-phase excursion is a feature).
SAGITTAL_ANGLES: tuple[str, ...] = ("hip_flexion", "knee_flexion", "ankle_dorsiflexion")

#: The given skill groups: name -> prefix rules on feature names. Order is the report order.
GROUPS: dict[str, tuple[str, ...]] = {
    "arm action": ("elbow_", "shoulder_", "arm_"),
    "trunk": ("trunk_",),
    "hip and pelvis": ("hip_", "pelvis_"),
    "knee": ("knee_",),
    "ankle and foot": ("ankle_", "foot_"),
    "rhythm": ("rhythm.",),
    "stability": (),  # stride-to-stride variability features (suffix ``.sd_deg``) of every angle
}

GROUP_MOTION: dict[str, str] = {
    "arm action": "elbow and arm motion",
    "trunk": "trunk lean",
    "hip and pelvis": "hip and pelvis motion",
    "knee": "knee motion",
    "ankle and foot": "ankle and foot motion",
    "rhythm": "step rhythm (cadence, contact share, step length, vertical oscillation, overstride)",
    "stability": "stride-to-stride consistency",
}


def group_of(feature: str) -> str:
    """The given skill group of a feature name (``angle.kind`` or ``rhythm.kind``)."""
    if feature.endswith(".sd_deg"):
        return "stability"
    for group, prefixes in GROUPS.items():
        if any(feature.startswith(p) for p in prefixes):
            return group
    raise ValueError(f"feature {feature!r} belongs to no skill group")


def angle_of(feature: str) -> str:
    """The angle a feature is computed from (the part before the dot)."""
    return feature.split(".", 1)[0]


def label(angle: str) -> str:
    """Human name of an angle: ``knee_flexion`` -> ``knee flexion``."""
    return angle.replace("_", " ")

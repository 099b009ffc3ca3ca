"""Names and sign conventions of joint and segment angles, moments and powers: one place for all.

Every modality (motion capture, video, wearables) and the skill models use these names, so a
``knee_flexion`` curve means the same thing whatever produced it.

Joint angles (motion capture): the joint coordinate system of Grood ES, Suntay WJ (1983) J Biomech
Eng 105:136-144, as recommended for the hip, knee and ankle by Wu G et al. (2002) J Biomech
35:543-548 (ISB). It equals the Cardan sequence *flexion* (about the proximal segment's
medio-lateral axis), *adduction* (about the floating axis), *rotation* (about the distal segment's
long axis). Signs are the clinical ones, the same for both sides:

* flexion, dorsiflexion, adduction (varus at the knee), inversion and internal rotation positive;
* angles are anatomical: segment frames come from anatomical landmarks (static trial), they are
  **not** zeroed to the standing posture. Only the foot's reference is the standing posture (its
  sole is taken as level in the static trial), as in most running protocols, so ankle angles and the
  foot-strike angle read 0 when the foot is placed as in standing.

Pelvis angles are the pelvis relative to the laboratory (running direction), in the sequence
rotation, obliquity, tilt of Baker R (2001) Gait Posture 13:1-6. Per side (the cycle of that side):
anterior tilt positive; obliquity positive when this side's hip is higher (so, in this side's stance,
positive = the contralateral side drops); rotation positive when this side is forward.

Trunk lean: the thorax's long axis (Wu G et al. 2005, J Biomech 38:981-992: mid T8/xiphoid to mid
C7/jugular notch) against the vertical in the sagittal plane, forward positive. Elbow flexion: the
angle between upper arm (acromion to elbow) and forearm (elbow to wrist), 0 = straight arm.

Moments are *internal* net joint moments (the moment the proximal segment exerts on the distal one)
resolved in the proximal segment's frame, normalised to body mass (N·m/kg); each name says which
direction is positive. Powers are the dot product of the moment and the joint's angular velocity
(distal minus proximal), W/kg; positive = energy generated.
"""

from __future__ import annotations

from dataclasses import dataclass

SIDES = ("left", "right")


@dataclass(frozen=True)
class Quantity:
    """One named curve: where it is measured, its plane, and what is positive."""

    name: str
    joint: str
    plane: str
    positive: str
    unit: str


def _q(name: str, joint: str, plane: str, positive: str, unit: str = "deg") -> Quantity:
    return Quantity(name, joint, plane, positive, unit)


#: Joint and segment angles, in report order.
ANGLES: dict[str, Quantity] = {
    q.name: q
    for q in (
        _q("hip_flexion", "hip", "sagittal", "flexion"),
        _q("hip_adduction", "hip", "frontal", "adduction"),
        _q("hip_rotation", "hip", "transverse", "internal rotation"),
        _q("knee_flexion", "knee", "sagittal", "flexion"),
        _q("knee_adduction", "knee", "frontal", "adduction (varus)"),
        _q("knee_rotation", "knee", "transverse", "internal rotation of the shank"),
        _q("ankle_dorsiflexion", "ankle", "sagittal", "dorsiflexion"),
        _q("ankle_inversion", "ankle", "frontal", "inversion"),
        _q("ankle_rotation", "ankle", "transverse", "internal rotation (adduction) of the foot"),
        _q("pelvis_tilt", "pelvis", "sagittal", "anterior tilt"),
        _q("pelvis_obliquity", "pelvis", "frontal", "this side's hip up (contralateral drop)"),
        _q("pelvis_rotation", "pelvis", "transverse", "this side forward"),
        _q("trunk_lean", "trunk", "sagittal", "forward lean"),
        _q("elbow_flexion", "elbow", "sagittal", "flexion (0 = straight arm)"),
    )
}

#: Internal joint moments (N·m/kg); the name carries the positive direction.
MOMENTS: dict[str, Quantity] = {
    q.name: q
    for q in (
        _q("hip_extension", "hip", "sagittal", "extensor moment", "N·m/kg"),
        _q("hip_abduction", "hip", "frontal", "abductor moment", "N·m/kg"),
        _q("hip_rotation", "hip", "transverse", "internal rotator moment", "N·m/kg"),
        _q("knee_extension", "knee", "sagittal", "extensor moment", "N·m/kg"),
        _q("knee_abduction", "knee", "frontal", "abductor moment (resisting varus)", "N·m/kg"),
        _q("knee_rotation", "knee", "transverse", "internal rotator moment", "N·m/kg"),
        _q("ankle_plantarflexion", "ankle", "sagittal", "plantarflexor moment", "N·m/kg"),
        _q("ankle_inversion", "ankle", "frontal", "invertor moment", "N·m/kg"),
        _q("ankle_rotation", "ankle", "transverse", "internal rotator moment", "N·m/kg"),
    )
}

#: Joint powers (W/kg), total over the three axes; positive = generation.
POWERS: dict[str, Quantity] = {
    q.name: q
    for q in (
        _q("hip", "hip", "3d", "generation", "W/kg"),
        _q("knee", "knee", "3d", "generation", "W/kg"),
        _q("ankle", "ankle", "3d", "generation", "W/kg"),
    )
}

#: For the JCS decomposition of the lower-limb joints: the sign that turns the raw Cardan angle
#: (about the canonical LEFT, FORWARD, UP axes of the segment frames) into the clinical angle, per
#: side. Derived in :mod:`stridelab.kinematics.angles`.
JOINT_SIGNS: dict[str, dict[str, tuple[float, float, float]]] = {
    # (sagittal about LEFT, frontal about FORWARD, transverse about UP)
    "hip": {"right": (-1.0, 1.0, 1.0), "left": (-1.0, -1.0, -1.0)},
    "knee": {"right": (1.0, 1.0, 1.0), "left": (1.0, -1.0, -1.0)},
    "ankle": {"right": (-1.0, 1.0, 1.0), "left": (-1.0, -1.0, -1.0)},
}

#: Joint angle names per joint, in (sagittal, frontal, transverse) order.
JOINT_ANGLES: dict[str, tuple[str, str, str]] = {
    "hip": ("hip_flexion", "hip_adduction", "hip_rotation"),
    "knee": ("knee_flexion", "knee_adduction", "knee_rotation"),
    "ankle": ("ankle_dorsiflexion", "ankle_inversion", "ankle_rotation"),
}

#: Moment names per joint, in (sagittal, frontal, transverse) order.
JOINT_MOMENTS: dict[str, tuple[str, str, str]] = {
    "hip": ("hip_extension", "hip_abduction", "hip_rotation"),
    "knee": ("knee_extension", "knee_abduction", "knee_rotation"),
    "ankle": ("ankle_plantarflexion", "ankle_inversion", "ankle_rotation"),
}


#: Moment name direction relative to the angle of the same joint and plane: -1 where the moment's
#: positive direction is the opposite of the angle's (extension vs flexion, abduction vs adduction).
MOMENT_VS_ANGLE: dict[str, tuple[float, float, float]] = {
    "hip": (-1.0, -1.0, 1.0),
    "knee": (-1.0, -1.0, 1.0),
    "ankle": (-1.0, 1.0, 1.0),
}


def describe(name: str, kind: str = "angle") -> str:
    """One line: ``"knee_flexion: knee, sagittal, flexion positive (deg)"``."""
    table = {"angle": ANGLES, "moment": MOMENTS, "power": POWERS}[kind]
    q = table[name]
    return f"{q.name}: {q.joint}, {q.plane}, {q.positive} positive ({q.unit})"


__all__ = ["ANGLES", "JOINT_ANGLES", "JOINT_MOMENTS", "JOINT_SIGNS", "MOMENT_VS_ANGLE", "MOMENTS", "POWERS", "SIDES", "Quantity", "describe"]

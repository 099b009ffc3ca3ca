"""Joint and segment angles from segment frames (vectorised over frames).

Joint angles (``method="grood_suntay1983"``): the relative rotation ``R = R_prox^T R_dist`` is
decomposed as ``Ry(a) Rx(b) Rz(c)`` (intrinsic: the proximal segment's medio-lateral axis, the
floating antero-posterior axis, the distal segment's long axis), which is the joint coordinate
system of Grood & Suntay (1983) / Wu et al. (2002). With segment axes (anterior, left, superior):

* a > 0 rotates the distal segment's superior axis forward: hip extension, knee flexion, ankle
  plantarflexion (the foot's anterior axis turns down);
* b > 0 tilts the distal superior axis to the right: adduction / varus / inversion on the right
  side, the opposite on the left;
* c > 0 turns the distal anterior axis to the left: internal rotation on the right side.

:data:`stridelab.kinematics.conventions.JOINT_SIGNS` turns (a, b, c) into the clinical angles.

Pelvis (``method="baker2001"``): the pelvis relative to the laboratory as ``Rz(rot) Rx(obl)
Ry(tilt)``. Trunk lean: the thorax's superior axis against the vertical in the sagittal plane.
Elbow flexion: 180° minus the angle at the elbow between the upper arm and the forearm.
"""

from __future__ import annotations

import numpy as np

from stridelab.kinematics.conventions import JOINT_ANGLES, JOINT_SIGNS
from stridelab.kinematics.frames import Body
from stridelab.model.axes import FORWARD, UP

#: (joint, proximal segment, distal segment)
JOINTS = (("hip", "pelvis", "thigh"), ("knee", "thigh", "shank"), ("ankle", "shank", "foot"))


def relative_rotation(r_prox: np.ndarray, r_dist: np.ndarray) -> np.ndarray:
    """``R_prox^T R_dist`` for stacks of rotations (n, 3, 3)."""
    return np.matmul(r_prox.transpose(0, 2, 1), r_dist)


def cardan_yxz(r: np.ndarray) -> np.ndarray:
    """(a, b, c) in radians with ``r = Ry(a) Rx(b) Rz(c)``; shape (n, 3)."""
    b = np.arcsin(np.clip(-r[:, 1, 2], -1.0, 1.0))
    a = np.arctan2(r[:, 0, 2], r[:, 2, 2])
    c = np.arctan2(r[:, 1, 0], r[:, 1, 1])
    return np.stack([a, b, c], axis=1)


def cardan_zxy(r: np.ndarray) -> np.ndarray:
    """(rotation, obliquity, tilt) in radians with ``r = Rz(g) Rx(b) Ry(a)``; shape (n, 3)."""
    b = np.arcsin(np.clip(r[:, 2, 1], -1.0, 1.0))
    a = np.arctan2(-r[:, 2, 0], r[:, 2, 2])
    g = np.arctan2(-r[:, 0, 1], r[:, 1, 1])
    return np.stack([g, b, a], axis=1)


def joint_angles(body: Body) -> dict[str, dict[str, np.ndarray]]:
    """Hip, knee and ankle angles (deg): ``{angle_name: {side: (n,)}}``."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for joint, prox, dist in JOINTS:
        for side in ("left", "right"):
            p = body.get(prox) if prox == "pelvis" else body.get(prox, side)
            d = body.get(dist, side)
            if p is None or d is None:
                continue
            abc = np.degrees(cardan_yxz(relative_rotation(p.rotation, d.rotation)))
            signs = JOINT_SIGNS[joint][side]
            for k, name in enumerate(JOINT_ANGLES[joint]):
                out.setdefault(name, {})[side] = signs[k] * abc[:, k]
    return out


def pelvis_angles(body: Body) -> dict[str, dict[str, np.ndarray]]:
    """Pelvis tilt, obliquity and rotation (deg) per side convention (see conventions)."""
    pel = body.get("pelvis")
    if pel is None:
        return {}
    g, b, a = np.degrees(cardan_zxy(pel.rotation)).T
    return {
        "pelvis_tilt": {"left": a, "right": a.copy()},
        "pelvis_obliquity": {"left": b, "right": -b},
        "pelvis_rotation": {"left": -g, "right": g},
    }


def trunk_lean(body: Body) -> np.ndarray | None:
    """Forward lean of the thorax (deg), or None without thorax markers."""
    th = body.get("thorax")
    if th is None:
        return None
    up = th.rotation[:, :, UP]
    return np.degrees(np.arctan2(up[:, FORWARD], up[:, UP]))


def elbow_flexion(body: Body, side: str) -> np.ndarray | None:
    """Elbow flexion (deg): 0 with the arm straight."""
    sh, el, wr = (body.points.get(f"{side}_{n}") for n in ("shoulder", "elbow", "wrist"))
    if sh is None or el is None or wr is None:
        return None
    u, f = el - sh, wr - el
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * f, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(f, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def upper_arm_angle(body: Body, side: str) -> np.ndarray | None:
    """Sagittal angle of the upper arm (acromion -> elbow) from the downward vertical, forward
    (elbow ahead of the shoulder) positive, deg; its range over a stride is the arm swing."""
    sh, el = body.points.get(f"{side}_shoulder"), body.points.get(f"{side}_elbow")
    if sh is None or el is None:
        return None
    v = el - sh
    return np.degrees(np.arctan2(v[:, FORWARD], -v[:, UP]))


def all_angles(body: Body) -> dict[str, dict[str, np.ndarray]]:
    """Every angle the body supports, ``{name: {side: (n,) deg}}``; trunk lean is the same
    signal for both sides (each side's cycles are cut from it)."""
    out = joint_angles(body)
    out.update(pelvis_angles(body))
    tl = trunk_lean(body)
    if tl is not None:
        out["trunk_lean"] = {"left": tl, "right": tl}
    for side in ("left", "right"):
        ef = elbow_flexion(body, side)
        if ef is not None:
            out.setdefault("elbow_flexion", {})[side] = ef
    return out


__all__ = ["JOINTS", "all_angles", "cardan_yxz", "cardan_zxy", "elbow_flexion", "joint_angles", "pelvis_angles", "relative_rotation", "trunk_lean", "upper_arm_angle"]

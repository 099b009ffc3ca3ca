"""Joint angles in the sagittal plane from 2-D points (video keypoints or projected markers).

Points are (n, 2) arrays of (forward, up). Names and signs are those of the 3-D angles of
:mod:`stridelab.kinematics` (flexion and dorsiflexion positive); each is the angle between the
projected segments (Winter DA 2009, Biomechanics and Motor Control of Human Movement, 4th ed.,
ch. 2 "segment and joint angles"):

* ``hip_flexion``: thigh (hip->knee) against the trunk's downward line (shoulder->hip); thigh ahead
  of the trunk is positive. Without shoulder points, against the vertical (then a thigh angle, and
  the result says so). Keypoints carry no pelvis, so the 2-D hip angle includes pelvic tilt.
* ``knee_flexion``: the shank's (knee->ankle) rotation behind the thigh's line; 0 = straight.
* ``ankle_dorsiflexion``: the foot (heel->toe) against the perpendicular to the shank; toes up
  positive, 0 when foot and shank are at 90 degrees (the keypoints' heel-toe line stands for the sole).
* ``trunk_lean``: the trunk (hip centre->shoulder centre) from the vertical, forward positive.
* ``elbow_flexion``: the angle between upper arm and forearm, 0 = straight.
* ``shoulder_flexion`` (arm swing): the upper arm (shoulder->elbow) against the trunk's downward
  line, forward positive.
* ``shank_angle``: the shank from the vertical, positive when the ankle is ahead of the knee
  (the tibia angle of overstriding studies, e.g. Souza RB 2016, Phys Med Rehabil Clin N Am 27:217).
* ``foot_angle``: the heel->toe line from the ground line, toes up positive (foot-strike angle of
  Altman AR & Davis IS 2012, Gait Posture 35:298, without their standing-trial offset).
"""

from __future__ import annotations

import numpy as np

ANGLE_NAMES = ("hip_flexion", "knee_flexion", "ankle_dorsiflexion", "trunk_lean", "elbow_flexion")


def direction_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Direction of the vector a->b in degrees (0 = forward, 90 = up)."""
    d = b - a
    return np.degrees(np.arctan2(d[..., 1], d[..., 0]))


def wrap_deg(x: np.ndarray) -> np.ndarray:
    return (np.asarray(x) + 180.0) % 360.0 - 180.0


def hip_flexion(hip: np.ndarray, knee: np.ndarray, shoulder: np.ndarray | None) -> np.ndarray:
    thigh = direction_deg(hip, knee)
    ref = direction_deg(shoulder, hip) if shoulder is not None else np.full(thigh.shape, -90.0)
    return wrap_deg(thigh - ref)


def knee_flexion(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    return wrap_deg(direction_deg(hip, knee) - direction_deg(knee, ankle))


def ankle_dorsiflexion(knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    return wrap_deg(direction_deg(heel, toe) - (direction_deg(knee, ankle) + 90.0))


def trunk_lean(hip_centre: np.ndarray, shoulder_centre: np.ndarray) -> np.ndarray:
    d = shoulder_centre - hip_centre
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def elbow_flexion(shoulder: np.ndarray, elbow: np.ndarray, wrist: np.ndarray) -> np.ndarray:
    return np.abs(wrap_deg(direction_deg(shoulder, elbow) - direction_deg(elbow, wrist)))


def shoulder_flexion(hip: np.ndarray, shoulder: np.ndarray, elbow: np.ndarray) -> np.ndarray:
    return wrap_deg(direction_deg(shoulder, elbow) - direction_deg(shoulder, hip))


def shank_angle(knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    d = ankle - knee
    return np.degrees(np.arctan2(d[..., 0], -d[..., 1]))


def foot_angle(heel: np.ndarray, toe: np.ndarray, ground_slope: float = 0.0) -> np.ndarray:
    return wrap_deg(direction_deg(heel, toe) - np.degrees(np.arctan(ground_slope)))


def side_angles(p: dict[str, np.ndarray | None]) -> dict[str, np.ndarray]:
    """The angles of one side from its points (keys ``hip knee ankle heel toe shoulder elbow wrist``
    and ``hip_centre``/``shoulder_centre`` for the trunk); angles whose points are missing are absent."""
    out: dict[str, np.ndarray] = {}
    hip, knee, ankle, heel, toe = (p.get(k) for k in ("hip", "knee", "ankle", "heel", "toe"))
    sh, el, wr = (p.get(k) for k in ("shoulder", "elbow", "wrist"))
    hc, sc = p.get("hip_centre"), p.get("shoulder_centre")
    if hip is not None and knee is not None:
        out["hip_flexion"] = hip_flexion(hip, knee, sc if sc is not None else sh)
    if hip is not None and knee is not None and ankle is not None:
        out["knee_flexion"] = knee_flexion(hip, knee, ankle)
    if knee is not None and ankle is not None:
        out["shank_angle"] = shank_angle(knee, ankle)
        if heel is not None and toe is not None:
            out["ankle_dorsiflexion"] = ankle_dorsiflexion(knee, ankle, heel, toe)
    if hc is not None and sc is not None:
        out["trunk_lean"] = trunk_lean(hc, sc)
    if sh is not None and el is not None and wr is not None:
        out["elbow_flexion"] = elbow_flexion(sh, el, wr)
    if sh is not None and el is not None and (hip is not None or hc is not None):
        out["shoulder_flexion"] = shoulder_flexion(hc if hc is not None else hip, sh, el)  # type: ignore[arg-type]
    return out


def cycle_normalise(x: np.ndarray, t: np.ndarray, starts: np.ndarray, ends: np.ndarray, n: int = 101) -> np.ndarray:
    """(n_cycles, n) curves of ``x`` from each start to end time (NaN where the cycle has gaps)."""
    out = np.full((len(starts), n), np.nan)
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        m = (t >= a - 1e-9) & (t <= b + 1e-9)
        if m.sum() < 4 or not np.isfinite(x[m]).all():
            continue
        out[i] = np.interp(np.linspace(a, b, n), t[m], x[m])
    return out

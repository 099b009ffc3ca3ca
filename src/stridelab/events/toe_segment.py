"""Toe-off from the toe segment's inclination, for feet with a marker on the toe box.

Method ``"toe_segment_angle"`` (used by :mod:`stridelab.events.markers` for feet that have a
toe-box marker, i.e. a marker ahead of the metatarsophalangeal (MTP) joints, and at least one
metatarsal marker on the rear-foot rigid body): the toe segment is the line from the MTP joint
centre to the front-most toe-box marker. The MTP joint centre is a point of the rear-foot rigid body
(:mod:`stridelab.events.foot_model`): under the metatarsal markers, ``joint_height_m`` above the sole
in the foot's flat (mid-stance) pose, posed in every frame by least squares
(:func:`stridelab.dsp.rigid.fit_rigid`). The segment's toe-down inclination is taken relative to its
own median over the middle of the stance (30-60% of the contact), so the marker's height on the
shoe upper and the shoe's toe spring cancel; toe-off is the first instant after mid-stance that this
relative inclination reaches ``angle_deg`` (linear interpolation between frames).

Why: the clearance rule (:mod:`stridelab.events.markers`) needs each marker's height at toe-off
over its loaded level, which depends on where the lab puts the marker: on davis_qtm the toe-box
marker keeps *descending* until after toe-off (the shoe rolls over its toe spring, the upper creases),
on dorn2012 it rises from 60 ms before; the clearance rule was 22 and 11 ms off there. During
push-off the heel rises and the foot rolls onto its toes: the MTP joints lift while the toe tips stay
on the ground, so the line from the joint to the toes turns toe-down; the toes leave the ground when
it has turned by about the same angle in the three labs with toe markers (32-36 deg at the plates'
toe-off in running, 40-43 deg in dorn2012's sprint; the shipped 33.9 deg was chosen
leave-one-lab-out). The MTP joint is used rather than the metatarsal markers themselves because those sit 2-4 cm above the joint on the shoe
dorsum, and as the rear foot rotates 40-60 deg they move forward by centimetres.

The joint's height and the angle were chosen with leave-one-lab-out on the three labs whose feet
carry toe markers (``validation/toe_off_toe_segment.py``, docs/validation.md); the Fukuchi runners
have no toe marker and keep the clearance rule. Handsaker JC et al. (2016) J Biomech 49:4128 detect
events from foot-segment kinematics in running; this toe-segment form is ours, not a published rule.
"""

from __future__ import annotations

import numpy as np

from stridelab.dsp.rigid import fit_rigid, transform_points
from stridelab.events.foot_model import FootModel
from stridelab.model.axes import UP
from stridelab.model.trial import MarkerData

#: MTP joint centre above the sole (m), and the toe segment's turn at toe-off (deg): see the module docstring.
DEFAULT_JOINT_HEIGHT_M = 0.02
DEFAULT_ANGLE_DEG = 33.9
#: Low-pass cut-off (Hz) of the inclination (zero-lag Butterworth, 4th order).
CUTOFF_HZ = 20.0
METATARSAL_NAMES = ("mt1", "mt2", "mt5")


def toe_segment_angle(model: FootModel, markers: MarkerData, joint_height_m: float = DEFAULT_JOINT_HEIGHT_M) -> np.ndarray | None:
    """Toe-down inclination (deg) of the line from the MTP joint centre to the front-most toe-box
    marker in every frame (NaN where a marker is missing), or None when the foot has no toe-box
    marker, no metatarsal marker on its rear-foot body, or fewer than 3 rear-foot markers."""
    from stridelab.dsp.filters import lowpass

    if not model.toe_names or len(model.rigid_names) < 3:
        return None
    mets = [k for k, name in enumerate(model.rigid_names) if name[2:] in METATARSAL_NAMES]
    if not mets:
        return None
    joint = model.sole_ref[mets].mean(axis=0).copy()
    joint[UP] = float(model.sole_ref[:, UP].min()) + joint_height_m
    cur = np.stack([markers[n] for n in model.rigid_names], axis=1)
    r, t, _ = fit_rigid(model.reference, cur, residuals=False)
    j = transform_points(r, t, joint[None, :])[:, 0, :]
    n_sole = len(model.sole_labels)
    front = model.toe_names[int(np.argmax(model.forward_m[n_sole:]))]
    v = markers[front] - j
    with np.errstate(invalid="ignore"):
        angle = np.degrees(np.arctan2(-v[:, UP], np.hypot(v[:, 0], v[:, 1])))
    if CUTOFF_HZ < 0.5 * markers.rate_hz and np.isfinite(angle).sum() >= 4:
        angle = lowpass(angle, markers.rate_hz, CUTOFF_HZ)
    return np.asarray(angle, dtype=float)


def angle_toe_off(t: np.ndarray, angle: np.ndarray, ic_s: float, to_s: float, angle_deg: float = DEFAULT_ANGLE_DEG, after_s: float = 0.1) -> float:
    """Toe-off (s): the first instant after mid-stance of the contact [``ic_s``, ``to_s``] (the
    clearance rule's) that ``angle`` exceeds its median over 30-60% of the contact by ``angle_deg``,
    searched up to ``after_s`` after ``to_s``; NaN when it does not (or markers are missing)."""
    ct = to_s - ic_s
    lo, hi = (int(np.searchsorted(t, ic_s + f * ct)) for f in (0.3, 0.6))
    ref = angle[lo : hi + 1]
    if hi <= lo or not np.isfinite(ref).any():
        return float("nan")
    rel = angle - float(np.nanmedian(ref))
    start = int(np.searchsorted(t, ic_s + 0.5 * ct))
    stop = min(int(np.searchsorted(t, to_s + after_s)), len(t) - 1)
    for k in range(start, stop):
        a, b = rel[k], rel[k + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a < angle_deg <= b:
            return float(t[k] + (angle_deg - a) / (b - a) * (t[k + 1] - t[k]))
    return float("nan")


__all__ = ["DEFAULT_ANGLE_DEG", "DEFAULT_JOINT_HEIGHT_M", "angle_toe_off", "toe_segment_angle"]

"""Anatomical segment frames from markers, frame by frame (vectorised).

A frame is a rotation ``R`` (n, 3, 3) whose columns are the segment's anterior, left and superior
axes in the laboratory frame (the same axis order as :mod:`stridelab.model.axes`), and an origin
(n, 3). Landmarks that the running trial lacks were carried in from the static trial by the
segment clusters (:mod:`stridelab.kinematics.virtual`, the calibrated anatomical systems technique
that Visual3D uses), so the definitions below apply to real and reconstructed landmarks alike.

Definitions (``method``):

* pelvis ``"wu2002"``: origin mid-ASIS; left axis right ASIS -> left ASIS; anterior axis in the
  plane of the ASIS and the PSIS midpoint (or sacrum), perpendicular to it (Wu G et al. 2002, J
  Biomech 35:543). Without ASIS (cluster-only sets) ``"static_posture"``: the pelvis axes are the
  laboratory axes in the standing trial, carried by the pelvis cluster (the Running Injury
  Clinic protocol: Pohl MB et al. 2010, Gait Posture 32:559); its tilt and obliquity then read 0 in
  standing and a warning says so.
* thigh ``"wu2002"``: origin hip joint centre; superior axis knee -> hip centre; anterior axis
  perpendicular to it and to the epicondylar line.
* shank ``"wu2002"``: origin knee centre; superior axis ankle -> knee centre; anterior axis
  perpendicular to it and to the intermalleolar line.
* With a static trial and a cluster on the segment (``"wu2002_cast"``), thigh and shank are built
  in the static trial and carried as rigid bodies by their own cluster, joint centres included
  (:func:`cast_segment`), as Visual3D does; otherwise from the running trial's landmarks.
* foot ``"static_level"``: defined in the standing trial with its superior axis vertical and its
  anterior axis along the heel -> metatarsal-heads (or toe) line projected on the floor (the sole
  taken as level in standing, as for the foot-strike angle of Altman AR, Davis IS 2012, Gait
  Posture 35:298), then carried by the foot's markers. Origin: ankle centre. Without a standing
  trial, ``"heel_toe"``: anterior axis along the running trial's heel -> toe line (ankle angles
  then include the shoe's heel-to-toe pitch; no foot-strike angle).
* thorax ``"wu2005"``: superior axis mid(xiphoid, T8) -> mid(jugular notch, C7), anterior axis
  perpendicular to it in the plane of C7, jugular notch and that midpoint (Wu G et al. 2005, J
  Biomech 38:981); T10 stands in for T8 and the sternum marker for the xiphoid. Fallback
  ``"shoulder_hip"``: the line from the hip-centres midpoint to the acromions' midpoint.
* upper arm and forearm: acromion -> elbow (epicondyles' midpoint or lateral epicondyle) and elbow
  -> wrist (styloids' midpoint or either), as lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.dsp.rigid import fit_rigid
from stridelab.model.axes import FORWARD, UP
from stridelab.model.trial import MarkerData

SIDE_PREFIX = {"left": "l_", "right": "r_"}


@dataclass
class Segment:
    """One segment's anatomical frame over time and the points that define it."""

    name: str
    side: str | None
    rotation: np.ndarray
    origin: np.ndarray
    proximal: np.ndarray
    distal: np.ndarray
    method: str

    @property
    def length_m(self) -> float:
        with np.errstate(all="ignore"):
            return float(np.nanmedian(np.linalg.norm(self.proximal - self.distal, axis=1)))


@dataclass
class Body:
    """Segments and points of one trial, on the marker clock."""

    time_s: np.ndarray
    rate_hz: float
    segments: dict[str, Segment] = field(default_factory=dict)
    points: dict[str, np.ndarray] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def get(self, name: str, side: str | None = None) -> Segment | None:
        return self.segments.get(f"{side}_{name}" if side else name)


def unit(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def frame_from(up: np.ndarray, left_hint: np.ndarray) -> np.ndarray:
    """Rotation (n, 3, 3) with superior axis ``up`` and left axis closest to ``left_hint``."""
    z = unit(up)
    x = unit(np.cross(left_hint, z))
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=-1)


def frame_from_forward(forward: np.ndarray, up_hint: np.ndarray) -> np.ndarray:
    """Rotation with anterior axis ``forward`` and superior axis closest to ``up_hint``."""
    x = unit(forward)
    y = unit(np.cross(up_hint, x))
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def _mid(mk: MarkerData, a: str, b: str) -> np.ndarray | None:
    if mk.has(a, b):
        return 0.5 * (mk[a] + mk[b])
    for n in (a, b):
        if mk.has(n):
            return mk[n]
    return None


def _first(mk: MarkerData, *names: str) -> np.ndarray | None:
    n = mk.first_present(*names)
    return mk[n] if n else None


def pelvis_wu2002(mk: MarkerData) -> tuple[np.ndarray, np.ndarray] | None:
    back = _mid(mk, "l_psis", "r_psis") if mk.has("l_psis", "r_psis") else _first(mk, "sacrum")
    if back is None or not mk.has("l_asis", "r_asis"):
        return None
    la, ra = mk["l_asis"], mk["r_asis"]
    mid = 0.5 * (la + ra)
    left = unit(la - ra)
    fwd = mid - back
    fwd = unit(fwd - np.sum(fwd * left, axis=-1, keepdims=True) * left)
    r = np.stack([fwd, left, np.cross(fwd, left)], axis=-1)
    return r, mid


def limb_segment(mk: MarkerData, side: str, name: str) -> Segment | None:
    """Thigh or shank (Wu 2002) from the joint centres and the epicondyles / malleoli."""
    p = SIDE_PREFIX[side]
    prox, dist, lat, med = {
        "thigh": ("hjc", "kjc", "knee_lat", "knee_med"),
        "shank": ("kjc", "ajc", "ankle_lat", "ankle_med"),
    }[name]
    if not mk.has(p + prox, p + dist, p + lat, p + med):
        return None
    a, b = mk[p + prox], mk[p + dist]
    lateral = mk[p + lat] - mk[p + med]
    left_hint = lateral if side == "left" else -lateral
    return Segment(name, side, frame_from(a - b, left_hint), a, a, b, "wu2002")


def cast_segment(mk: MarkerData, static: MarkerData | None, side: str, name: str) -> Segment | None:
    """Thigh or shank defined in the static trial (:func:`limb_segment`) and carried as a rigid
    body by the segment's own cluster (calibrated anatomical systems technique, Cappozzo A et al.
    1995, Clin Biomech 10:171; as Visual3D does): every point of the segment, its joint centres
    included, moves with its own markers. None without a static trial or a shared cluster."""
    if static is None:
        return None
    p = SIDE_PREFIX[side]
    cluster = [n for n in static.names if n.startswith(f"{p}{name}_c") and static.has(n) and mk.has(n)]
    if len(cluster) < 3:
        return None
    need = {"thigh": ("hjc", "kjc", "knee_lat", "knee_med"), "shank": ("kjc", "ajc", "ankle_lat", "ankle_med")}[name]
    if not static.has(*(p + n for n in need)):
        return None
    pts = {n: _static_point(static, p + n)[None] for n in need}
    one = MarkerData(np.stack([pts[n] for n in need], axis=1), [p + n for n in need], [p + n for n in need], static.rate_hz, np.zeros(1))
    ref_seg = limb_segment(one, side, name)
    if ref_seg is None:
        return None
    ref = np.stack([_static_point(static, n) for n in cluster])
    rot, t, _ = fit_rigid(ref, mk.positions_m[:, [mk.names.index(n) for n in cluster], :], residuals=False)
    r = _times(rot, ref_seg.rotation[0])
    prox = _times(rot, ref_seg.proximal[0]) + t
    dist = _times(rot, ref_seg.distal[0]) + t
    return Segment(name, side, r, prox, prox, dist, "wu2002_cast")


def _times(rot: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``rot @ m`` for a stack of rotations (n, 3, 3) and one fixed matrix (3, 3) or vector (3,),
    written out per element (a stacked matmul is several times slower, and a BLAS product may
    start threads that compete for the cores)."""
    if m.ndim == 1:
        return rot[:, :, 0] * m[0] + rot[:, :, 1] * m[1] + rot[:, :, 2] * m[2]
    out = np.empty(rot.shape)
    for j in range(3):
        out[:, :, j] = rot[:, :, 0] * m[0, j] + rot[:, :, 1] * m[1, j] + rot[:, :, 2] * m[2, j]
    return out


def median_point(samples: np.ndarray) -> np.ndarray:
    """Median position (3,) of (n, 3) samples, ignoring NaN (fast path without NaN)."""
    if np.isfinite(samples).all():
        return np.median(samples, axis=0)
    with np.errstate(all="ignore"):
        return np.nanmedian(samples, axis=0)


def static_medians(static: MarkerData) -> np.ndarray:
    """:func:`median_point` of every marker of a standing trial (n_markers, 3), computed once per
    trial (remembered on it for as long as its positions array is the same)."""
    pos = static.positions_m
    cached = getattr(static, "_medians", None)
    if cached is not None and cached[0] is pos:
        return np.asarray(cached[1])
    out = np.median(pos, axis=0) if len(pos) else np.full(pos.shape[1:], np.nan)
    for j in np.flatnonzero(~np.isfinite(pos).all(axis=(0, 2))) if len(pos) else []:
        out[j] = median_point(pos[:, j, :])
    static._medians = (pos, out)  # type: ignore[attr-defined]
    return np.asarray(out)


def _static_point(static: MarkerData, name: str) -> np.ndarray:
    static[name]  # KeyError for an unknown name, as before
    return static_medians(static)[static._index[name]].copy()  # the column static[name] reads


def foot_points(mk: MarkerData, side: str) -> tuple[str | None, str | None, list[str]]:
    """Names of the heel point, the toe point (or a midpoint tag) and the foot markers present."""
    p = SIDE_PREFIX[side]
    heel = mk.first_present(p + "heel", p + "heel_bottom", p + "heel_top")
    if mk.has(p + "mt1", p + "mt5"):
        toe: str | None = "mt15"
    else:
        toe = mk.first_present(p + "mt2", p + "toe", p + "forefoot", p + "mt1", p + "mt5")
    names = [p + s for s in ("heel", "heel_bottom", "heel_top", "heel_lat", "heel_med", "mt1", "mt2", "mt5", "toe", "toe2", "toe5", "midfoot", "forefoot", "foot_c1", "foot_c2", "foot_c3", "foot_c4")]
    return heel, toe, [n for n in names if mk.has(n)]


def _toe_point(mk: MarkerData, side: str, toe: str) -> np.ndarray:
    p = SIDE_PREFIX[side]
    return 0.5 * (mk[p + "mt1"] + mk[p + "mt5"]) if toe == "mt15" else mk[toe]


def foot_from_markers(mk: MarkerData, side: str, shank: Segment | None) -> Segment | None:
    """Without a standing trial: the foot's anterior axis along the heel -> toe line of the running
    trial and its left axis from the shank (``method="heel_toe"``). Ankle angles then include the
    heel-to-toe pitch of the shoe, and there is no standing reference for the foot-strike angle."""
    p = SIDE_PREFIX[side]
    heel, toe, _ = foot_points(mk, side)
    if heel is None or toe is None or shank is None or not mk.has(p + "ajc"):
        return None
    fwd = _toe_point(mk, side, toe) - mk[heel]
    left = shank.rotation[:, :, 1]
    x = unit(fwd)
    z = unit(np.cross(x, left))
    r = np.stack([x, np.cross(z, x), z], axis=-1)
    o = mk[p + "ajc"]
    return Segment("foot", side, r, o, o, _toe_point(mk, side, toe), "heel_toe")


def foot_static_level(mk: MarkerData, static: MarkerData | None, side: str, messages: list[str]) -> Segment | None:
    """The foot frame defined level in the standing trial and carried by the foot markers."""
    p = SIDE_PREFIX[side]
    if static is None:
        return None
    if not static.has(p + "ajc") or not mk.has(p + "ajc"):
        messages.append(f"{side} foot: needs both malleoli ({p}ankle_lat, {p}ankle_med) in the static trial")
        return None
    heel, toe, names = foot_points(static, side)
    shared = [n for n in names if mk.has(n)]
    if len(shared) < 3:
        messages.append(f"{side} foot: {len(shared)} foot marker(s) in both trials (3 needed); ankle angles skipped")
        return None
    fwd_hint = np.array([1.0, 0.0, 0.0])
    how = "static_level"
    if heel is not None and toe is not None:
        fwd_hint = _static_point_any(static, side, toe) - _static_point(static, heel)
    else:
        how = "static_level_lab_forward"
        messages.append(f"{side} foot: no heel and toe markers, so its long axis is the running direction in the standing trial")
    fwd_hint[UP] = 0.0
    r_static = frame_from_forward(fwd_hint[None], np.array([[0.0, 0.0, 1.0]]))[0]
    o_static = _static_point(static, p + "ajc")
    ref = np.stack([_static_point(static, n) for n in shared])
    rot, t, _ = fit_rigid(ref, mk.positions_m[:, [mk.names.index(n) for n in shared], :], residuals=False)
    r = _times(rot, r_static)
    origin = _times(rot, o_static) + t
    if heel is not None and toe is not None:
        distal = _times(rot, _static_point_any(static, side, toe)) + t
    else:
        distal = origin + 0.15 * r[:, :, FORWARD]
    return Segment("foot", side, r, origin, origin, distal, how)


def _static_point_any(static: MarkerData, side: str, toe: str) -> np.ndarray:
    p = SIDE_PREFIX[side]
    if toe == "mt15":
        return 0.5 * (_static_point(static, p + "mt1") + _static_point(static, p + "mt5"))
    return _static_point(static, toe)


def pelvis_static_posture(mk: MarkerData, static: MarkerData | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Pelvis axes = laboratory axes in the standing trial, carried by the pelvis cluster."""
    if static is None:
        return None
    names = [n for n in static.names if n.startswith("pelvis_c") and mk.has(n) and static.has(n)]
    if len(names) < 3:
        return None
    ref = np.stack([_static_point(static, n) for n in names])
    rot, t, _ = fit_rigid(ref, mk.positions_m[:, [mk.names.index(n) for n in names], :], residuals=False)
    o = ref.mean(axis=0)
    if static.has("l_hjc", "r_hjc"):
        o = 0.5 * (_static_point(static, "l_hjc") + _static_point(static, "r_hjc"))
    return rot, _times(rot, o) + t


def thorax(mk: MarkerData) -> Segment | None:
    """Thorax (Wu 2005) or, failing its markers, the hip-to-shoulder line."""
    top = _mid(mk, "clav", "c7") if mk.has("clav", "c7") else None
    low = _mid(mk, "strn", "t10") if mk.has("strn", "t10") else None
    if top is not None and low is not None:
        fwd_hint = mk["clav"] - mk["c7"]
        up = top - low
        left = unit(np.cross(up, fwd_hint))
        r = frame_from(up, left)
        return Segment("thorax", None, r, mk["clav"], top, low, "wu2005")
    if mk.has("l_shoulder", "r_shoulder", "l_hjc", "r_hjc"):
        top = 0.5 * (mk["l_shoulder"] + mk["r_shoulder"])
        low = 0.5 * (mk["l_hjc"] + mk["r_hjc"])
        r = frame_from(top - low, mk["l_shoulder"] - mk["r_shoulder"])
        return Segment("thorax", None, r, low, top, low, "shoulder_hip")
    return None


def arm_points(mk: MarkerData, side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Shoulder, elbow and wrist points of one arm, or None."""
    p = SIDE_PREFIX[side]
    sh = _first(mk, p + "shoulder")
    el = _mid(mk, p + "elbow_lat", p + "elbow_med")
    wr = _mid(mk, p + "wrist_rad", p + "wrist_uln")
    if sh is None or el is None or wr is None:
        return None
    return sh, el, wr


def build_body(mk: MarkerData, static: MarkerData | None) -> Body:
    """Every segment the markers support; ``messages`` name what is missing for the rest."""
    body = Body(mk.time_s, mk.rate_hz)
    msgs = body.messages
    pel = pelvis_wu2002(mk)
    how = "wu2002"
    if pel is None:
        pel = pelvis_static_posture(mk, static)
        how = "static_posture"
        if pel is not None:
            msgs.append("pelvis: no ASIS/PSIS markers, so its frame is the standing posture (pelvis tilt and obliquity read 0 in standing)")
    if pel is not None:
        body.segments["pelvis"] = Segment("pelvis", None, pel[0], pel[1], pel[1], pel[1], how)
    else:
        msgs.append(f"pelvis: needs l_asis, r_asis and l_psis/r_psis or sacrum (missing {', '.join(mk.missing('l_asis', 'r_asis', 'l_psis', 'r_psis'))}), or a pelvis cluster with a static trial")
    for side in ("left", "right"):
        p = SIDE_PREFIX[side]
        for name in ("thigh", "shank"):
            seg = cast_segment(mk, static, side, name) or limb_segment(mk, side, name)
            if seg is None:
                need = {"thigh": ("hjc", "kjc", "knee_lat", "knee_med"), "shank": ("kjc", "ajc", "ankle_lat", "ankle_med")}[name]
                msgs.append(f"{side} {name}: missing {', '.join(mk.missing(*(p + n for n in need)))}")
            else:
                body.segments[f"{side}_{name}"] = seg
        foot = foot_static_level(mk, static, side, msgs)
        if foot is None and static is None:
            foot = foot_from_markers(mk, side, body.segments.get(f"{side}_shank"))
            if foot is None:
                msgs.append(f"{side} foot: needs a static (standing) trial, or heel, toe and both malleoli; ankle angles and foot-strike angle skipped")
            else:
                msgs.append(f"{side} foot: no standing trial, so the foot follows its heel-to-toe line: ankle angles include the shoe's heel-to-toe pitch and the foot-strike angle is not given")
        if foot is not None:
            body.segments[f"{side}_foot"] = foot
        arm = arm_points(mk, side)
        if arm is not None:
            body.points.update({f"{side}_shoulder": arm[0], f"{side}_elbow": arm[1], f"{side}_wrist": arm[2]})
        for jc in ("hjc", "kjc", "ajc"):
            if mk.has(p + jc):
                body.points[f"{side}_{jc}"] = mk[p + jc]
        heel, toe, _ = foot_points(mk, side)
        if heel is not None:
            body.points[f"{side}_heel"] = mk[heel]
        if toe is not None:
            body.points[f"{side}_toe"] = _toe_point(mk, side, toe)
        for name, key in (("toe", "toe_tip"), ("knee_lat", "knee_lat"), ("ankle_lat", "ankle_lat")):
            if mk.has(p + name):
                body.points[f"{side}_{key}"] = mk[p + name]
    th = thorax(mk)
    if th is not None:
        body.segments["thorax"] = th
    return body


__all__ = ["Body", "Segment", "build_body", "frame_from", "frame_from_forward", "unit"]

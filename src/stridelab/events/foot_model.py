"""A rigid model of each foot's sole, built from whatever foot markers a trial has.

Marker-based contact events (:mod:`stridelab.events.markers`) need to know where the *sole* is,
not where the markers are: markers sit 1-9 cm above the ground on the shoe or skin, and the foot
lands tilted (heel first, flat, or on the outside of the forefoot). This module builds, for one
foot:

* a **rear-foot rigid body** from its markers behind the metatarsophalangeal (MTP) line (heel,
  heel counter, metatarsal heads, midfoot, heel-counter clusters, and landmarks reconstructed
  from a static trial), posed in every frame by least squares
  (:func:`stridelab.dsp.rigid.fit_rigid`);
* **sole points**: each rear-foot marker projected vertically onto the sole plane, which is the
  ground plane in the foot's flattest, lowest pose of the trial (mid-stance), put at the level of
  the lowest marker; when the markers do not reach the forefoot (heel-counter clusters only),
  virtual sole points under the first and fifth MTP joints from the foot length;
* the **toe-box markers** (markers ahead of the MTP line: hallux, toe tip) kept as single points,
  because the toes bend against the rear foot at push-off;
* the **toe pivot**, the last point of the sole on the ground at toe-off (the hallux pad), and
  each point's forward distance behind it.

Foot geometry (shoe-last anthropometry, positions as a fraction of foot length ``L`` from the back
of the heel): first MTP joint ("ball") at 0.725 L, fifth MTP joint at 0.635 L, hallux pad at
0.93 L, ball width about 0.4 L (so the MTP heads lie about 0.13 L either side of the foot axis);
markers beyond 0.78 L (toe markers) are on the toe box. Foot length comes from the heel-to-
metatarsal marker distance (which then also covers the heel marker's offset behind the heel);
without both, from the static trial's shank length (knee to lateral malleolus; foot = 0.152 and
shank = 0.246 of body height, Drillis & Contini 1966, as tabulated by Winter 2009, *Biomechanics
and Motor Control of Human Movement*, 4th ed., table 4.1), or from the body height, with the
posterior heel marker taken 2 cm behind the back of the heel (heel counter, marker base and
radius). These anthropometric placements are uncertain by ~1-2 cm; docs/validation.md shows what
that does to toe-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.dsp.rigid import fit_rigid, transform_points
from stridelab.model import anthropometrics
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.trial import MarkerData, Trial

HEEL = ("heel", "heel_bottom", "heel_top", "heel_lat", "heel_med")
METATARSALS = {"mt1": 0.725, "mt2": 0.725, "mt5": 0.635}
OTHER_FOOT = ("midfoot", "forefoot", "toe", "toe2", "toe5")
#: Canonical foot landmarks this module uses (plus heel-counter clusters ``foot_c1``...).
FOOT_LANDMARKS = HEEL + tuple(METATARSALS) + OTHER_FOOT

BALL_FRACTION = 0.725
MTP5_FRACTION = 0.635
TOE_PIVOT_FRACTION = 0.93
MTP_HALF_SPACING_FRACTION = 0.13
#: Markers further forward than this fraction of foot length are on the toes (bend at push-off).
TOE_BOX_FRACTION = 0.78
FOOT_PER_SHANK = anthropometrics.FOOT_PER_HEIGHT / anthropometrics.SHANK_PER_HEIGHT
FOOT_PER_HEIGHT = anthropometrics.FOOT_PER_HEIGHT
#: A posterior heel marker sits about this far behind the back of the heel (heel counter ~5 mm,
#: marker base and radius ~10-15 mm); used when foot length comes from anthropometry.
HEEL_MARKER_OFFSET_M = 0.02
#: Markers at most this high above the lowest foot marker (flat foot) stand for the sole under them.
LOW_MARKER_M = 0.03


@dataclass
class FootModel:
    """Sole model of one foot (see module docstring). Positions are metres, lab frame."""

    side: str
    rigid_names: list[str]
    toe_names: list[str]
    reference: np.ndarray  # (k, 3) rigid markers in the reference (flat) pose
    sole_ref: np.ndarray  # (m, 3) sole points of the rigid body in the reference pose
    sole_labels: list[str]
    sole_marker: list[str | None]  # the marker a sole point is (low markers stand for the sole), or None
    forward_m: np.ndarray  # (m + len(toe_names),) forward position of each point from the heel
    foot_length_m: float | None
    foot_length_from: str | None
    reference_time_s: float
    pivot_forward_m: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return self.sole_labels + self.toe_names

    def behind_pivot_m(self) -> np.ndarray:
        """Forward distance of each point behind the toe pivot (0 for points ahead of it)."""
        if self.pivot_forward_m is None:
            return np.zeros_like(self.forward_m)
        return np.clip(self.pivot_forward_m - self.forward_m, 0.0, None)

    def positions(self, markers: MarkerData) -> np.ndarray:
        """Positions (n_frames, n_points, 3) of the points: low markers as measured, the sole
        under high markers and virtual points from the rigid pose, toe markers as measured."""
        n = markers.n_frames
        out = np.full((n, len(self.sole_labels), 3), np.nan)
        need_pose = [k for k, m in enumerate(self.sole_marker) if m is None]
        if need_pose and len(self.rigid_names) >= 3:
            cur = np.stack([markers[nm] for nm in self.rigid_names], axis=1)
            r, t, _ = fit_rigid(self.reference, cur)
            out[:, need_pose] = transform_points(r, t, self.sole_ref[need_pose])
        for k, m in enumerate(self.sole_marker):
            if m is not None:
                out[:, k] = markers[m]
        toes = [markers[nm][:, None, :] for nm in self.toe_names]
        return np.concatenate([out, *toes], axis=1) if toes else out


def foot_marker_names(markers: MarkerData, side: str) -> list[str]:
    """The side's foot landmarks and heel-counter cluster markers present in the trial."""
    p = "l_" if side == "left" else "r_"
    names = [p + n for n in FOOT_LANDMARKS if markers.has(p + n)]
    names += sorted(n for n in markers.names if n.startswith(p + "foot_c") and markers.has(n))
    return names


def _reference_frame(markers: MarkerData, names: list[str]) -> int | None:
    """A mid-stance frame, where the foot lies flat: among the frames where every marker is near
    its own lowest height, the one where the foot turns least (heel strike and push-off are
    also low but the foot rotates; heel-counter markers alone cannot tell them apart by height)."""
    pos = np.stack([markers[n] for n in names], axis=1)
    z = pos[:, :, UP]
    ok = np.isfinite(z).all(axis=1)
    if not ok.any():
        return None
    low = np.nanpercentile(z, 5, axis=0)
    score = np.where(ok, np.nanmean(np.abs(z - low), axis=1), np.inf)
    cand = np.flatnonzero(score <= np.percentile(score[ok], 20))
    if len(names) < 3 or cand.size < 3:
        return int(np.argmin(score))
    cand = cand[cand + 1 < len(z)]
    if cand.size < 3:
        return int(np.argmin(score))
    # rotation between each candidate frame and the next (rad per frame)
    r0, _, _ = fit_rigid(pos[cand[0]], pos[cand])
    r1, _, _ = fit_rigid(pos[cand[0]], pos[cand + 1])
    rel = np.einsum("nji,njk->nik", r0, r1)
    tr = np.clip((np.trace(rel, axis1=1, axis2=2) - 1.0) / 2.0, -1.0, 1.0)
    turn_c = np.arccos(tr)
    if not np.isfinite(turn_c).any():
        return int(np.argmin(score))
    return int(cand[np.nanargmin(turn_c)])


def _static_shank_m(trial: Trial, side: str) -> float | None:
    st = trial.static
    if st is None:
        return None
    p = "l_" if side == "left" else "r_"
    for a, b in ((p + "knee_lat", p + "ankle_lat"), (p + "kjc", p + "ajc")):
        if st.has(a, b):
            with np.errstate(all="ignore"):
                d = float(np.nanmedian(np.linalg.norm(st[a] - st[b], axis=1)))
            if 0.25 < d < 0.6:
                return d
    return None


def _height_above_floor(trial: Trial, names: list[str], z_ref: np.ndarray) -> float:
    """How far the lowest of ``names`` sits above the floor, from the static trial (standing, floor
    at height 0) when it has the marker at a plausible height (5-100 mm); 0 otherwise, which puts
    the sole at the lowest marker."""
    st = trial.static
    if st is None or not len(names):
        return 0.0
    lowest = names[int(np.argmin(z_ref))]
    if not st.has(lowest):
        return 0.0
    with np.errstate(all="ignore"):
        h = float(np.nanmedian(st[lowest][:, UP]))
    return h if 0.005 < h < 0.1 else 0.0


def build_foot_model(trial: Trial, side: str) -> tuple[FootModel | None, str | None]:
    """The foot's sole model, or (None, reason naming what is missing)."""
    mk = trial.markers
    p = "l_" if side == "left" else "r_"
    if mk is None:
        return None, "no marker data"
    names = foot_marker_names(mk, side)
    if not names:
        wanted = ", ".join(p + n for n in ("heel", "heel_bottom", "mt1", "mt5", "toe", "foot_c1"))
        return None, f"{side} foot: no foot markers (need some of {wanted}, ...)"
    i_ref = _reference_frame(mk, names)
    if i_ref is None:
        return None, f"{side} foot: its markers are never all visible in the same frame"
    ref_all = np.stack([mk[n][i_ref] for n in names])
    heel_like = [k for k, n in enumerate(names) if n[2:] in HEEL]
    cluster = [k for k, n in enumerate(names) if n[2:].startswith("foot_c")]
    meta = [k for k, n in enumerate(names) if n[2:] in METATARSALS]
    back_set = heel_like or cluster
    # foot axis: from the back of the heel towards the metatarsal heads (horizontal), else forward
    fwd_lab = np.zeros(3)
    fwd_lab[FORWARD] = 1.0
    if back_set:
        back_k = min(back_set, key=lambda k: ref_all[k, FORWARD])
    else:
        back_k = int(np.argmin(ref_all[:, FORWARD]))
    back = ref_all[back_k]
    axis = fwd_lab
    if meta:
        v = ref_all[meta].mean(axis=0) - back
        v[UP] = 0.0
        if np.linalg.norm(v) > 0.05:
            axis = v / np.linalg.norm(v)
    left_axis = np.cross(np.array([0.0, 0.0, 1.0]), axis)
    medial = left_axis if side == "right" else -left_axis
    fwd = (ref_all - back) @ axis
    notes: list[str] = []
    # foot length
    length: float | None = None
    how: str | None = None
    ests = [fwd[k] / METATARSALS[names[k][2:]] for k in meta if fwd[k] > 0.08]
    if ests and (heel_like or cluster):
        length, how = float(np.median(ests)), "heel-to-metatarsal distance"
    else:
        shank = _static_shank_m(trial, side)
        if shank is not None:
            length, how = FOOT_PER_SHANK * shank, "static shank length (knee to lateral malleolus)"
        elif trial.subject.height_m:
            length, how = FOOT_PER_HEIGHT * float(trial.subject.height_m), "body height"
    if length is not None and not 0.18 < length < 0.36:
        notes.append(f"{side} foot: estimated foot length {length * 100:.0f} cm is implausible; forefoot model not used")
        length, how = None, None
    offset = 0.0 if how == "heel-to-metatarsal distance" else HEEL_MARKER_OFFSET_M
    if length is not None and not back_set and meta:
        # no heel marker: place the back of the heel from the metatarsal heads
        back = np.mean([ref_all[k] - (offset + METATARSALS[names[k][2:]] * length) * axis for k in meta], axis=0)
        fwd = (ref_all - back) @ axis
    forefoot_named = [k for k, n in enumerate(names) if n[2:] in METATARSALS or n[2:] in ("toe", "toe2", "toe5", "forefoot")]
    toe_k = [
        k
        for k in range(len(names))
        if length is not None and k not in meta and k not in heel_like and k not in cluster and fwd[k] > offset + TOE_BOX_FRACTION * length
    ]
    rigid_k = [k for k in range(len(names)) if k not in toe_k]
    rigid = [names[k] for k in rigid_k]
    ref = ref_all[rigid_k]
    sole = ref.copy()
    sole_level = float(ref[:, UP].min()) if len(ref) else 0.0
    sole[:, UP] = sole_level - _height_above_floor(trial, [names[k] for k in rigid_k], ref[:, UP])
    labels = list(rigid)
    forward = list(fwd[rigid_k])
    # anatomical markers near the sole stand for the sole under them (a tilt of 20 degrees moves a
    # point 3 cm up by < 2 mm); higher ones (heel-counter tops) and technical cluster markers (at
    # any height on the heel counter) are projected onto the sole with the foot's pose
    low = [len(rigid) < 3 or (not rigid[i][2:].startswith("foot_c") and ref[i, UP] - sole_level <= LOW_MARKER_M) for i in range(len(rigid))]
    sole_marker: list[str | None] = [n if lo else None for n, lo in zip(rigid, low, strict=True)]
    if not forefoot_named and (length is None or len(rigid) < 3):
        need = f"{p}mt1/{p}mt2/{p}mt5/{p}toe"
        if length is None:
            return None, (
                f"{side} foot: toe-off cannot be found: no forefoot marker ({need}) and no foot length to place the forefoot "
                "(give a static trial with knee and ankle markers, or the body height)"
            )
        return None, f"{side} foot: toe-off cannot be found: no forefoot marker ({need}) and fewer than 3 rear-foot markers to carry a forefoot model"
    if not forefoot_named:
        assert length is not None
        for lab, frac, side_sign in (("mtp1", BALL_FRACTION, 1.0), ("mtp5", MTP5_FRACTION, -1.0)):
            pt = back + (offset + frac * length) * axis + side_sign * MTP_HALF_SPACING_FRACTION * length * medial
            pt[UP] = sole_level
            sole = np.vstack([sole, pt])
            labels.append(f"{side[0]}_{lab} (virtual, from foot length)")
            forward.append(offset + frac * length)
            sole_marker.append(None)
        notes.append(
            f"{side} foot: no marker on the forefoot; MTP joints placed from a foot length of {length * 100:.0f} cm "
            f"({how}), so forefoot contacts are approximate"
        )
    if length is None:
        notes.append(
            f"{side} foot: no foot length (no heel and metatarsal markers together, no static trial with knee and ankle "
            "markers, no body height): toe-off is taken when its forefoot markers leave the ground, a little early"
        )
    if len(rigid) < 3:
        notes.append(
            f"{side} foot: only {len(rigid)} rear-foot marker(s) ({', '.join(rigid) or 'none'}); the foot's tilt cannot be "
            "followed, so each marker stands for the sole under it (less accurate)"
        )
    toes = [names[k] for k in toe_k]
    forward += [fwd[k] for k in toe_k]
    model = FootModel(
        side=side,
        rigid_names=rigid,
        toe_names=toes,
        reference=ref,
        sole_ref=sole,
        sole_labels=labels,
        sole_marker=sole_marker,
        forward_m=np.asarray(forward, dtype=float),
        foot_length_m=length,
        foot_length_from=how,
        reference_time_s=float(mk.time_s[i_ref]),
        pivot_forward_m=None if length is None else offset + TOE_PIVOT_FRACTION * length,
        notes=notes,
    )
    if not rigid and not toes:
        return None, f"{side} foot: no usable foot markers"
    return model, None


__all__ = ["FOOT_LANDMARKS", "FootModel", "build_foot_model", "foot_marker_names", "LEFT"]

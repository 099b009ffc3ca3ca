"""Virtual landmarks: anatomical landmarks of the static trial carried into the running trial, and
joint centres.

Running marker sets often lack anatomical markers (Fukuchi 2017: no knee or ankle markers while
running; Running Injury Clinic: clusters only). As in Visual3D and the calibrated anatomical
systems technique (Cappozzo A et al. 1995, Clin Biomech 10:171), each segment's technical markers
(those present in both trials) define its pose in every running frame
(:func:`stridelab.dsp.rigid.fit_rigid`), and the static trial's anatomical landmarks of
that segment are expressed in it. Reconstructed landmarks get their canonical name; their origin is
listed in ``trial.provenance.extra["virtual_markers"]``.

Joint centres (added as ``l_hjc``/``r_hjc``, ``l_kjc``..., ``l_ajc``...):

* hip: Harrington ME et al. (2007) J Biomech 40:595-602 regression from pelvic width (inter-ASIS
  distance, PW) and depth (mid-ASIS to mid-PSIS, PD), in the pelvis frame from the ASIS midpoint:
  anterior -0.24 PD - 9.9 mm, superior -0.30 PW - 10.9 mm, lateral 0.33 PW + 7.3 mm. Without
  ASIS/PSIS, in the static trial only, the greater-trochanter method: one quarter of the way from
  the ipsilateral to the contralateral greater trochanter (Weinhandl JT, O'Connor KM 2010, J
  Biomech 43:2633-2636; validated against radiographs by Bennett HJ et al. 2016, J Biomech
  49:3047); static hip centres are carried into the running trial by the pelvis cluster;
* knee: midpoint of the femoral epicondyles; ankle: midpoint of the malleoli (Wu G et al. 2002,
  ISB recommendation, J Biomech 35:543).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.dsp.rigid import fit_rigid, transform_points
from stridelab.kinematics.frames import static_medians
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.trial import MarkerData, Trial

#: Landmark suffixes (canonical, without side) carried by each segment.
SEGMENTS: dict[str, tuple[str, ...]] = {
    "pelvis": ("asis", "psis", "iliac_crest", "sacrum", "pelvis_c", "hjc"),
    "thigh": ("thigh_c", "thigh_wand", "knee_lat", "knee_med", "gtr"),
    "shank": ("shank_c", "shank_wand", "tt", "hf", "ankle_lat", "ankle_med"),
    "foot": ("foot_c", "heel", "mt1", "mt2", "mt5", "toe", "midfoot", "forefoot"),
}


def _segment_of(name: str) -> tuple[str, str | None] | None:
    """(segment, side) of a canonical name, or None."""
    side = None
    base = name
    if name[:2] in ("l_", "r_"):
        side, base = ("left" if name[0] == "l" else "right"), name[2:]
    for seg, prefixes in SEGMENTS.items():
        if base.startswith(prefixes):
            return seg, (None if seg == "pelvis" else side)
    return None


@dataclass
class VirtualResult:
    added: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    cluster_rms_mm: dict[str, float] = field(default_factory=dict)


def _static_ref(static: MarkerData, idx: int) -> np.ndarray:
    return static_medians(static)[idx].copy()


def add_static_landmarks(trial: Trial, skip: tuple[str, ...] = ()) -> VirtualResult:
    """Reconstruct the static trial's anatomical landmarks that the running trial lacks (except
    those named in ``skip``)."""
    res, new_pos, new_names = _static_landmarks(trial, skip)
    if new_names:
        _append(trial, new_pos, new_names, [f"(static) {n}" for n in new_names])
        trial.provenance.extra.setdefault("virtual_markers", {}).update({n: "static landmark via segment cluster" for n in new_names})
    return res


@dataclass
class _Group:
    """One segment's landmarks to reconstruct: its label, its technical markers (static index,
    running index) and the static indices of the landmarks the running trial lacks."""

    label: str
    tech: list[tuple[int, int]]
    missing: list[int]


def _landmark_plan(trial: Trial, skip: tuple[str, ...]) -> list[_Group]:
    """The segments whose landmarks the running trial lacks, in the static trial's order (a group
    with fewer than 3 technical markers cannot be fitted; its landmarks are named in a message)."""
    mk, st = trial.markers, trial.static
    if mk is None or st is None:
        return []
    run_by_orig = {o: i for i, o in enumerate(mk.original_names)}
    groups: dict[tuple[str, str | None], list[int]] = {}
    for j, name in enumerate(st.names):
        seg = _segment_of(name)
        if seg is not None and name not in skip:
            groups.setdefault(seg, []).append(j)
    out = []
    for (seg_name, side), members in groups.items():
        tech = [(j, run_by_orig[st.original_names[j]]) for j in members if st.original_names[j] in run_by_orig and mk.has(mk.names[run_by_orig[st.original_names[j]]])]
        missing = [j for j in members if st.names[j] not in mk.names or not mk.has(st.names[j])]
        if missing:
            out.append(_Group(f"{side + ' ' if side else ''}{seg_name}", tech, missing))
    return out


def _too_few(st: MarkerData, g: _Group) -> str:
    return f"{g.label}: {len(g.tech)} marker(s) shared with the static trial (3 needed), so {', '.join(st.names[j] for j in g.missing)} cannot be reconstructed"


def _fit_message(res: VirtualResult, label: str, rms: np.ndarray) -> None:
    res.cluster_rms_mm[label] = float(np.nanmedian(rms) * 1000)
    if res.cluster_rms_mm[label] > 10.0:
        res.messages.append(
            f"{label}: its markers fit the static trial's shape only to {res.cluster_rms_mm[label]:.0f} mm (a marker moved "
            "or is mislabelled); landmarks reconstructed from it are unreliable"
        )


def _fit_group(positions: np.ndarray, st: MarkerData, g: _Group) -> tuple[np.ndarray, np.ndarray]:
    """(landmarks (n, len(missing), 3), RMS residual (n,)) of one group from the running markers ``positions``."""
    ref = np.stack([_static_ref(st, j) for j, _ in g.tech])
    r, t, rms = fit_rigid(ref, positions[:, [i for _, i in g.tech], :])
    pts = np.stack([_static_ref(st, j) for j in g.missing])
    return transform_points(r, t, pts), rms


def _static_landmarks(trial: Trial, skip: tuple[str, ...]) -> tuple[VirtualResult, list[np.ndarray], list[str]]:
    """The reconstructed landmarks of :func:`add_static_landmarks` (result, positions, names), not yet appended."""
    res = VirtualResult()
    new_pos: list[np.ndarray] = []
    new_names: list[str] = []
    mk, st = trial.markers, trial.static
    if mk is None or st is None:
        return res, new_pos, new_names
    for g in _landmark_plan(trial, skip):
        if len(g.tech) < 3:
            res.messages.append(_too_few(st, g))
            continue
        recon, rms = _fit_group(mk.positions_m, st, g)
        _fit_message(res, g.label, rms)
        for k, j in enumerate(g.missing):
            if st.names[j] in new_names:
                continue
            new_pos.append(recon[:, k, :])
            new_names.append(st.names[j])
            res.added.append(st.names[j])
    return res, new_pos, new_names


class _Joined:
    """Read access (``has``, ``missing``, ``[name]``) to markers together with markers not yet
    appended to them (``extra``: name -> (n_frames, 3), replacing a marker of the same name), so
    that joint centres can be computed from static landmarks before the one copy that holds both."""

    def __init__(self, markers: MarkerData, extra: dict[str, np.ndarray], present: set[str] | None = None) -> None:
        self.markers = markers
        self.extra = extra
        self.present = present  # given: the markers with data in the whole recording (``markers`` is a block of it)

    def has(self, *names: str) -> bool:
        if self.present is not None:
            return all(n in self.present for n in names)
        for n in names:
            x = self.extra.get(n)
            if x is None and not self.markers.has(n):
                return False
            if x is not None and not np.isfinite(x[:, 0]).any():
                return False
        return True

    def missing(self, *names: str) -> list[str]:
        return [n for n in names if not self.has(n)]

    def __getitem__(self, name: str) -> np.ndarray:
        x = self.extra.get(name)
        return self.markers[name] if x is None else x


def _append(trial: Trial, positions: list[np.ndarray], names: list[str], originals: list[str]) -> None:
    assert trial.markers is not None
    trial.markers = _with_markers(trial.markers, positions, names, originals)


def _with_markers(mk: MarkerData, positions: list[np.ndarray], names: list[str], originals: list[str]) -> MarkerData:
    """``mk`` with the named markers added (replacing those of the same name), in one copy."""
    keep = [i for i, n in enumerate(mk.names) if n not in names]
    pos = np.empty((mk.n_frames, len(keep) + len(names), 3))
    if len(keep) == len(mk.names):
        pos[:, : len(keep)] = mk.positions_m
    else:
        pos[:, : len(keep)] = mk.positions_m[:, keep, :]
    for k, p in enumerate(positions):
        pos[:, len(keep) + k] = p
    return MarkerData(pos, [mk.names[i] for i in keep] + names, [mk.original_names[i] for i in keep] + originals, mk.rate_hz, mk.time_s)


def _unit(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def harrington_hjc(l_asis: np.ndarray, r_asis: np.ndarray, l_psis: np.ndarray, r_psis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left and right hip joint centres (n, 3) by Harrington et al. (2007), inputs in metres."""
    mid_asis = 0.5 * (l_asis + r_asis)
    mid_psis = 0.5 * (l_psis + r_psis)
    left_ax = _unit(l_asis - r_asis)
    back = mid_psis - mid_asis
    ant = _unit(-(back - np.sum(back * left_ax, axis=-1, keepdims=True) * left_ax))
    sup = np.cross(ant, left_ax)
    pw = np.linalg.norm(l_asis - r_asis, axis=-1, keepdims=True)
    pd = np.linalg.norm(back, axis=-1, keepdims=True)
    base = mid_asis + (-0.24 * pd - 0.0099) * ant + (-0.30 * pw - 0.0109) * sup
    lat = (0.33 * pw + 0.0073) * left_ax
    return base + lat, base - lat


def trochanter_hjc(l_gtr: np.ndarray, r_gtr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left and right hip joint centres by the greater-trochanter method (Weinhandl & O'Connor
    2010): a quarter of the inter-trochanteric distance medial of each trochanter."""
    return l_gtr + 0.25 * (r_gtr - l_gtr), r_gtr + 0.25 * (l_gtr - r_gtr)


def add_joint_centres(markers: MarkerData, static: bool = False) -> tuple[MarkerData, list[str], list[str]]:
    """Markers with hip, knee and ankle joint centres appended where their landmarks exist.

    ``static``: the markers are a standing trial, where the trochanter method may stand in for
    the Harrington regression (in a running trial the trochanters move with the thighs).
    Returns (markers, added names, messages naming what is missing)."""
    names, pos, msgs = _joint_centres(markers, static)
    if not names:
        return markers, [], msgs
    return _with_markers(markers, pos, names, [f"(derived) {n}" for n in names]), names, msgs


def _joint_centres(markers: MarkerData | _Joined, static: bool = False) -> tuple[list[str], list[np.ndarray], list[str]]:
    """(names, positions, messages) of the joint centres of :func:`add_joint_centres`, not yet appended."""
    names: list[str] = []
    pos: list[np.ndarray] = []
    msgs: list[str] = []
    need = ("l_asis", "r_asis", "l_psis", "r_psis")
    if markers.has(*need):
        lh, rh = harrington_hjc(*(markers[n] for n in need))
        names += ["l_hjc", "r_hjc"]
        pos += [lh, rh]
    elif markers.has("l_asis", "r_asis", "sacrum"):
        # a sacral marker stands for the PSIS midpoint (as in Vicon Plug-in Gait's SACR option): the
        # regression uses only the ASIS width and the ASIS-to-PSIS-midpoint depth
        sac = markers["sacrum"]
        lh, rh = harrington_hjc(markers["l_asis"], markers["r_asis"], sac, sac)
        names += ["l_hjc", "r_hjc"]
        pos += [lh, rh]
    elif static and markers.has("l_gtr", "r_gtr"):
        lh, rh = trochanter_hjc(markers["l_gtr"], markers["r_gtr"])
        names += ["l_hjc", "r_hjc"]
        pos += [lh, rh]
    elif not markers.has("l_hjc", "r_hjc"):
        msgs.append(f"hip joint centres (Harrington 2007) need {', '.join(markers.missing(*need))}")
    for side in ("l_", "r_"):
        for jc, (a, b) in (("kjc", ("knee_lat", "knee_med")), ("ajc", ("ankle_lat", "ankle_med"))):
            if markers.has(side + a, side + b):
                names.append(side + jc)
                pos.append(0.5 * (markers[side + a] + markers[side + b]))
            else:
                msgs.append(f"{side}{jc} needs {', '.join(markers.missing(side + a, side + b))}")
    return names, pos, msgs


def prepare_markers(trial: Trial, block_frames: int | None = None) -> VirtualResult:
    """Static landmarks into the running trial, then joint centres in both. Idempotent.

    The running trial's markers are copied once, with the landmarks and the joint centres (which
    are computed from the landmarks before that copy): one array of the recording's length is
    allocated, not two (an hour of markers is about 0.7 GB). A recording longer than
    ``block_frames`` (default :data:`stridelab.kinematics.blocks.BLOCK_FRAMES`) is computed in
    blocks of frames straight into that array (:func:`_prepare_in_blocks`)."""
    if trial.provenance.extra.get("virtual_prepared"):
        return VirtualResult()
    if trial.static is not None:
        trial.static, _, _ = add_joint_centres(trial.static, static=True)
    own_hjc = trial.markers is not None and (
        trial.markers.has("l_asis", "r_asis", "l_psis", "r_psis") or trial.markers.has("l_asis", "r_asis", "sacrum")
    )
    skip = ("l_hjc", "r_hjc") if own_hjc else ()
    from stridelab.kinematics.blocks import BLOCK_FRAMES

    block = BLOCK_FRAMES if block_frames is None else block_frames
    done = _prepare_in_blocks(trial, skip, block) if trial.markers is not None and trial.markers.n_frames > block else None
    if done is not None:
        res, markers, land_names, jc_names = done
        trial.markers = markers
    else:
        res, land_names, jc_names = _prepare_whole(trial, skip)
    if land_names:
        trial.provenance.extra.setdefault("virtual_markers", {}).update({n: "static landmark via segment cluster" for n in land_names})
    if jc_names:
        trial.provenance.extra.setdefault("virtual_markers", {}).update({n: "joint centre" for n in jc_names})
    trial.provenance.extra["virtual_prepared"] = True
    for m in res.messages:
        trial.quality.note("landmark_missing", message=m)
    return res


def _layout(markers: MarkerData, land_names: list[str], jc_names: list[str]) -> tuple[list[int], list[int], list[str], list[str]]:
    """Columns of the prepared markers, as two appends would leave them (landmarks replacing
    markers of the same name, then joint centres replacing any of the same name): the kept
    running-trial columns, the kept landmarks (indices into ``land_names``), and the names and
    original names of the appended columns."""
    keep = [i for i, n in enumerate(markers.names) if n not in land_names and n not in jc_names]
    land_keep = [k for k, n in enumerate(land_names) if n not in jc_names]
    names = [land_names[k] for k in land_keep] + jc_names
    originals = [f"(static) {land_names[k]}" for k in land_keep] + [f"(derived) {n}" for n in jc_names]
    return keep, land_keep, names, originals


def _prepare_whole(trial: Trial, skip: tuple[str, ...]) -> tuple[VirtualResult, list[str], list[str]]:
    """:func:`prepare_markers` of the running trial in one piece: (result, landmark names, joint-centre names)."""
    res, land_pos, land_names = _static_landmarks(trial, skip)
    if trial.markers is None:
        return res, land_names, []
    joined = _Joined(trial.markers, dict(zip(land_names, land_pos, strict=True)))
    jc_names, jc_pos, msgs = _joint_centres(joined)
    keep, land_keep, names, originals = _layout(trial.markers, land_names, jc_names)
    if names:
        trial.markers = _with_markers(trial.markers, [land_pos[k] for k in land_keep] + jc_pos, names, originals)
    res.added += jc_names
    res.messages += msgs
    return res, land_names, jc_names


def _prepare_in_blocks(trial: Trial, skip: tuple[str, ...], block: int) -> tuple[VirtualResult, MarkerData, list[str], list[str]] | None:
    """:func:`_prepare_whole` computed in blocks of ``block`` frames, written into the one output
    array (no array of the recording's length but that one and the RMS residuals): the same values
    to rounding (each landmark and joint centre is a per-frame function of the markers; the
    cluster fit's RMS is still the median over the whole recording).

    What may be built depends on which markers have data anywhere in the recording, found first:
    a landmark has data where its cluster has 3 valid markers (and the fit is not degenerate,
    known only after the fit). None (the caller then works in one piece) if that guess was wrong."""
    mk, st = trial.markers, trial.static
    assert mk is not None
    n = mk.n_frames
    plan = _landmark_plan(trial, skip) if st is not None else []
    fits = [g for g in plan if len(g.tech) >= 3]
    land: list[tuple[str, int, int]] = []  # (name, group, column of that group's landmarks); the first group naming it wins
    for gi, g in enumerate(fits):
        for k, j in enumerate(g.missing):
            assert st is not None
            if st.names[j] not in {x[0] for x in land}:
                land.append((st.names[j], gi, k))
    land_names = [x[0] for x in land]
    guess = _landmarks_with_data(mk, st, fits, land, block) if fits else {}
    present = {nm for nm in mk.names if nm not in guess and mk.has(nm)} | {nm for nm, ok in guess.items() if ok}
    jc_names, _, jc_msgs = _joint_centres(_Joined(_frames(mk, 0, 1), {nm: np.full((1, 3), np.nan) for nm in land_names}, present))
    keep, land_keep, names, originals = _layout(mk, land_names, jc_names)
    res = VirtualResult()
    if not names:
        return None
    out = np.empty((n, len(keep) + len(names), 3))
    rms = [np.empty(n) for _ in fits]
    seen = dict.fromkeys(land_names, False)
    col_land = {land_names[k]: len(keep) + c for c, k in enumerate(land_keep)}
    col_jc = {nm: len(keep) + len(land_keep) + c for c, nm in enumerate(jc_names)}
    for a in range(0, n, block):
        b = min(n, a + block)
        raw = mk.positions_m[a:b]
        out[a:b, : len(keep)] = raw if len(keep) == len(mk.names) else raw[:, keep, :]
        extra: dict[str, np.ndarray] = {}
        recon = []
        for gi, g in enumerate(fits):
            assert st is not None
            r, rms[gi][a:b] = _fit_group(raw, st, g)
            recon.append(r)
        for nm, gi, k in land:
            extra[nm] = recon[gi][:, k, :]
            seen[nm] = seen[nm] or bool(np.isfinite(extra[nm][:, 0]).any())
            if nm in col_land:
                out[a:b, col_land[nm]] = extra[nm]
        got, pos, _ = _joint_centres(_Joined(_frames(mk, a, b), extra, present))
        assert got == jc_names
        for nm, p in zip(got, pos, strict=True):
            out[a:b, col_jc[nm]] = p
    if seen != guess:
        return None
    for g in plan:
        if len(g.tech) < 3:
            assert st is not None
            res.messages.append(_too_few(st, g))
        else:
            _fit_message(res, g.label, rms[fits.index(g)])
    res.added = land_names + jc_names
    res.messages += jc_msgs
    markers = MarkerData(out, [mk.names[i] for i in keep] + names, [mk.original_names[i] for i in keep] + originals, mk.rate_hz, mk.time_s)
    return res, markers, land_names, jc_names


def _frames(mk: MarkerData, a: int, b: int) -> MarkerData:
    """Frames ``a`` to ``b`` of ``mk`` (views, no copy)."""
    return MarkerData(mk.positions_m[a:b], mk.names, mk.original_names, mk.rate_hz, mk.time_s[a:b])


def _landmarks_with_data(mk: MarkerData, st: MarkerData | None, fits: list[_Group], land: list[tuple[str, int, int]], block: int) -> dict[str, bool]:
    """Whether each landmark will have data: its static position is known and, in some frame, its
    cluster has at least 3 markers with data (counted in blocks)."""
    assert st is not None
    meds = static_medians(st)
    any_fit = [False] * len(fits)
    for gi, g in enumerate(fits):
        ref_ok = np.isfinite(meds[[j for j, _ in g.tech]]).all(axis=1)
        idx = [i for _, i in g.tech]
        for a in range(0, mk.n_frames, block):
            valid = np.isfinite(mk.positions_m[a : a + block][:, idx, :]).all(axis=2) & ref_ok[None, :]
            if (valid.sum(axis=1) >= 3).any():
                any_fit[gi] = True
                break
    return {nm: any_fit[gi] and bool(np.isfinite(meds[fits[gi].missing[k]]).all()) for nm, gi, k in land}


__all__ = ["SEGMENTS", "add_joint_centres", "add_static_landmarks", "harrington_hjc", "prepare_markers", "trochanter_hjc", "FORWARD", "LEFT", "UP"]

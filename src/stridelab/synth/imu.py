"""Virtual (synthetic) IMUs from a motion-capture trial: the signals a sensor strapped to the foot,
shank, ankle or sacrum would have recorded, with the trial's force plate giving the true contacts.

Method (in the spirit of the "virtual sensor" literature, e.g. Dorschky et al. 2019 J Biomech
84:1; Mundt et al. 2020 Sensors 20:5215):

1. **Filter.** Marker trajectories are low-pass filtered with a 4th-order zero-lag Butterworth
   filter (:func:`stridelab.dsp.lowpass`, 2nd order forward and backward) at ``cutoff_hz``
   (default 15 Hz; running marker data are commonly filtered at 10-20 Hz, e.g. Kristianslund E,
   Krosshaug T, van den Bogert AJ 2012 J Biomech 45:666, who used matching 15 Hz cut-offs for
   markers and forces). Nothing above the cut-off survives, see *Limits* below.
2. **Segment pose.** Each segment's markers (those shared with the static trial) give its pose in
   every frame by least squares (:func:`stridelab.dsp.rigid.fit_rigid`, Söderkvist & Wedin
   1993). With a static trial, anatomical segment frames (FORWARD, LEFT, UP; :data:`SITES`) are
   defined in the standing posture and carried along (where the static trial lacks a segment's
   landmarks, the standing posture's lab axes, with a message); without a static trial, the lab
   axes at the first complete frame serve as a technical frame.
3. **Sensor.** A sensor site fixed to the segment (``SITES``), with a mounting rotation relative to
   the segment frame: random about a random axis, up to ``mount_deg`` (180 = any orientation;
   seeded). Acceleration: second central difference of the site's trajectory; specific force
   ``f = a - g`` (``g`` = 9.80665 m/s² downwards), expressed in the sensor frame. Angular velocity:
   body-frame rate of the sensor's orientation (:func:`stridelab.dsp.rotation.body_angular_velocity`).
4. **Sensor errors** (``noise`` scales them; 0 = ideal): white noise of 0.05 m/s² and 0.005 rad/s
   RMS, a constant bias per axis drawn from N(0, 0.2 m/s²) and N(0, 0.03 rad/s), and saturation
   at +-16 g and +-35 rad/s (2000 deg/s) - in line with consumer MEMS data sheets (e.g. Bosch
   BMI160: 180 ug/sqrt(Hz), offsets +-40 mg, +-3 deg/s).
5. **Resampling** to ``rate_hz`` by cubic spline (the signals are band-limited by step 1).

**Limits.** Marker-derived signals carry no impact transient (no shock wave travels through a
marker cluster, and the filter removes everything above ``cutoff_hz``), so tibial shock, impact
peaks and any impact-based contact detection cannot be validated with them; events found on
smooth features (rotations, the loaded stance) can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from stridelab.dsp import lowpass
from stridelab.dsp.rigid import fit_rigid, transform_points
from stridelab.dsp.rotation import body_angular_velocity, frame_from_axes, random_rotation
from stridelab.errors import InvalidInputError, NoValidResultError
from stridelab.kinematics.virtual import SEGMENTS, add_joint_centres
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.trial import ImuData, MarkerData, Trial

G = 9.80665

#: location -> (segment, side prefix, site description).
SITES: dict[str, tuple[str, str, str]] = {
    "left_foot": ("foot", "l_", "dorsum of the foot (instep, over the laces)"),
    "right_foot": ("foot", "r_", "dorsum of the foot (instep, over the laces)"),
    "left_shank": ("shank", "l_", "anterior mid-shank (tibia)"),
    "right_shank": ("shank", "r_", "anterior mid-shank (tibia)"),
    "left_ankle": ("shank", "l_", "distal lateral shank, 7 cm above the malleoli"),
    "right_ankle": ("shank", "r_", "distal lateral shank, 7 cm above the malleoli"),
    "sacrum": ("pelvis", "", "sacrum (between the PSIS)"),
}
DEFAULT_LOCATIONS = ("left_foot", "right_foot", "left_shank", "right_shank", "sacrum")

ACC_NOISE_MPS2 = 0.05
GYR_NOISE_RADPS = 0.005
ACC_BIAS_MPS2 = 0.2
GYR_BIAS_RADPS = 0.03
ACC_RANGE_MPS2 = 16 * G
GYR_RANGE_RADPS = 35.0


@dataclass
class VirtualImu:
    """Synthesised sensors and what is true about them.

    ``sensors``: location -> ImuData (sensor frame, m/s², rad/s). ``mount_``: location -> 3x3
    rotation of the sensor axes in the segment frame (columns: sensor x, y, z). ``segment_r_``:
    location -> (n, 3, 3) segment orientation (segment -> lab) at the output samples.
    ``contacts``: true contacts from the force plate (empty when the trial has none).
    """

    sensors: dict[str, ImuData]
    contacts: pd.DataFrame
    mount_: dict[str, np.ndarray] = field(default_factory=dict)
    segment_r_: dict[str, np.ndarray] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def _median_pose(md: MarkerData, names: list[str]) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.stack([np.nanmedian(md[n], axis=0) for n in names])


def _cluster(trial: Trial, segment: str, prefix: str) -> list[str]:
    """Measured markers of one segment (shared with the static trial when there is one)."""
    mk = trial.markers
    assert mk is not None
    names = []
    for n, orig in zip(mk.names, mk.original_names, strict=True):
        if orig.startswith(("(static)", "(derived)")):
            continue
        side, base = (n[:2], n[2:]) if n.startswith(("l_", "r_")) else ("", n)
        if segment != "pelvis" and side != prefix:
            continue
        if not base.startswith(SEGMENTS[segment]) or not mk.has(n):
            continue
        if trial.static is not None and not trial.static.has(n):
            continue
        names.append(n)
    return names


def _static_point(st: MarkerData | None, *names: str) -> np.ndarray | None:
    if st is None:
        return None
    pts = []
    for n in names:
        if not st.has(n):
            return None
        with np.errstate(all="ignore"):
            pts.append(np.nanmedian(st[n], axis=0))
    return np.mean(pts, axis=0)


def _anatomy(location: str, st: MarkerData) -> tuple[np.ndarray, np.ndarray]:
    """(segment frame R (3x3, columns FORWARD, LEFT, UP in lab axes), site (3,)) in the static trial."""
    seg, p, _ = SITES[location]
    lab_up = np.array([0.0, 0.0, 1.0])
    if seg == "pelvis":
        la, ra = _static_point(st, "l_asis"), _static_point(st, "r_asis")
        lp, rp = _static_point(st, "l_psis"), _static_point(st, "r_psis")
        if la is None or ra is None or lp is None or rp is None:
            raise NoValidResultError("the sacrum sensor needs both ASIS and PSIS in the static trial")
        left = la - ra
        fwd = 0.5 * (la + ra) - 0.5 * (lp + rp)
        up = np.cross(fwd, left)
        r = frame_from_axes(np.cross(left, up), up)
        return r, 0.5 * (lp + rp) - 0.01 * r[:, FORWARD]
    if seg == "shank":
        kjc, ajc = _static_point(st, p + "kjc"), _static_point(st, p + "ajc")
        if kjc is None or ajc is None:
            raise NoValidResultError(f"the {location} sensor needs the knee and ankle landmarks (epicondyles, malleoli) in the static trial")
        lat = _static_point(st, p + "ankle_lat")
        med = _static_point(st, p + "ankle_med")
        up = kjc - ajc
        left = (lat - med) if p == "l_" else (med - lat)  # type: ignore[operator]
        r = frame_from_axes(np.cross(left, up), up)
        if location.endswith("shank"):
            return r, 0.5 * (kjc + ajc) + 0.035 * r[:, FORWARD]
        lateral = r[:, LEFT] if p == "l_" else -r[:, LEFT]
        return r, ajc + 0.07 * r[:, UP] + 0.045 * lateral
    heel = _static_point(st, p + "heel") if st.has(p + "heel") else _static_point(st, p + "heel_bottom")
    toe = _static_point(st, p + "mt1", p + "mt5") if st.has(p + "mt1") and st.has(p + "mt5") else _static_point(st, p + "toe")
    if heel is None or toe is None:
        raise NoValidResultError(f"the {location} sensor needs heel and metatarsal (or toe) markers in the static trial")
    r = frame_from_axes(toe - heel, lab_up)
    with np.errstate(all="ignore"):
        floor = float(np.nanmin(np.nanmedian(st.positions_m[:, :, UP], axis=0)))
    site = heel + 0.6 * (toe - heel)
    site[UP] = floor + 0.07
    return r, site


def _anatomy_or_standing(location: str, st: MarkerData, ref: np.ndarray, messages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Anatomical frame and site, or - when the static trial lacks the landmarks - the lab axes of
    the standing posture (the runner faces FORWARD, segments upright, the foot flat) with the site
    at the cluster's centroid."""
    try:
        return _anatomy(location, st)
    except NoValidResultError as e:
        messages.append(f"{location}: {e}; the standing posture's lab axes are used as the segment frame and the site is the marker cluster's centre")
        return np.eye(3), ref.mean(axis=0)


def _technical(location: str, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Without a static trial: lab axes at the reference frame, site at the cluster centroid."""
    return np.eye(3), ref.mean(axis=0)


def _noise(rng: np.random.Generator, n: int, noise: float, acc: np.ndarray, gyr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if noise <= 0:
        return acc, gyr
    acc = acc + rng.normal(0, ACC_BIAS_MPS2 * noise, 3) + rng.normal(0, ACC_NOISE_MPS2 * noise, (n, 3))
    gyr = gyr + rng.normal(0, GYR_BIAS_RADPS * noise, 3) + rng.normal(0, GYR_NOISE_RADPS * noise, (n, 3))
    return np.clip(acc, -ACC_RANGE_MPS2, ACC_RANGE_MPS2), np.clip(gyr, -GYR_RANGE_RADPS, GYR_RANGE_RADPS)


def _resample(t: np.ndarray, x: np.ndarray, t_new: np.ndarray) -> np.ndarray:
    from scipy.interpolate import CubicSpline

    return np.asarray(CubicSpline(t, x, axis=0)(t_new))


def synthesize_imu(
    trial: Trial,
    locations: tuple[str, ...] | list[str] = DEFAULT_LOCATIONS,
    noise: float = 1.0,
    mount_deg: float = 30.0,
    seed: int = 0,
    rate_hz: float | None = None,
    cutoff_hz: float = 15.0,
) -> VirtualImu:
    """Virtual IMUs (module docstring) at ``locations`` of a motion-capture trial.

    Raises InvalidInputError when the trial has no markers, NoValidResultError when a location's
    segment lacks the markers it needs (the message names them).
    """
    if trial.markers is None or not trial.has_markers:
        raise InvalidInputError("virtual IMUs need a motion-capture trial with markers")
    unknown = [loc for loc in locations if loc not in SITES]
    if unknown:
        raise InvalidInputError(f"no virtual sensor site for {', '.join(unknown)}; use {', '.join(SITES)}")
    mk = trial.markers
    fs = mk.rate_hz
    if not 0 < cutoff_hz < fs / 2:
        raise InvalidInputError(f"--cutoff-hz must be between 0 and {fs / 2:g} Hz (half the marker rate)")
    rng = np.random.default_rng(seed)
    st = trial.static
    if st is not None:
        st, _, _ = add_joint_centres(st)
    filt = lowpass(mk.positions_m, fs, cutoff_hz)
    ok_frames = np.ones(mk.n_frames, dtype=bool)
    poses: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    messages: list[str] = []
    for loc in locations:
        seg, prefix, _ = SITES[loc]
        names = _cluster(trial, seg, prefix)
        if len(names) < 3:
            raise NoValidResultError(f"{loc}: the {seg} needs at least 3 markers present in the running (and static) trial; found {', '.join(names) or 'none'}")
        idx = [mk.names.index(n) for n in names]
        cur = filt[:, idx, :]
        if st is not None:
            ref = _median_pose(st, names)
            r_seg0, site = _anatomy_or_standing(loc, st, ref, messages)
        else:
            complete = np.flatnonzero(np.isfinite(cur).all(axis=(1, 2)))
            if complete.size == 0:
                raise NoValidResultError(f"{loc}: no frame shows all of {', '.join(names)}")
            ref = cur[complete[0]]
            r_seg0, site = _technical(loc, ref)
            messages.append(f"{loc}: no static trial, so the segment frame is the lab frame at t={mk.time_s[complete[0]]:.2f} s (not anatomical)")
        r_cl, t_cl, _ = fit_rigid(ref, cur)
        r_seg = r_cl @ r_seg0
        p = transform_points(r_cl, t_cl, site[None, :])[:, 0, :]
        ok_frames &= np.isfinite(p).all(axis=1)
        poses[loc] = (r_seg, p, random_rotation(rng, mount_deg) if mount_deg > 0 else np.eye(3))
    good = np.flatnonzero(ok_frames)
    if good.size < 10:
        raise NoValidResultError("the sensor segments are never all visible together")
    a, b = int(good[0]), int(good[-1]) + 1
    if not ok_frames[a:b].all():
        gaps = int((~ok_frames[a:b]).sum())
        raise NoValidResultError(f"the sensor segments have {gaps} frame(s) of unfilled marker gaps inside the trial; fill them or crop with --start-s/--end-s")
    t = mk.time_s[a:b]
    out_rate = rate_hz or fs
    t_out = t[0] + np.arange(int(np.floor((t[-1] - t[0]) * out_rate + 1e-9)) + 1) / out_rate
    sensors: dict[str, ImuData] = {}
    seg_r: dict[str, np.ndarray] = {}
    mounts: dict[str, np.ndarray] = {}
    gvec = np.array([0.0, 0.0, G])
    for loc, (r_seg, p, mount) in poses.items():
        r_seg, p = r_seg[a:b], p[a:b]
        acc_lab = np.empty_like(p)
        acc_lab[1:-1] = (p[2:] - 2 * p[1:-1] + p[:-2]) * fs * fs
        acc_lab[0], acc_lab[-1] = acc_lab[1], acc_lab[-2]
        r_sens = r_seg @ mount
        f_sens = np.einsum("nji,nj->ni", r_sens, acc_lab + gvec)
        w_sens = body_angular_velocity(r_sens, fs)
        if out_rate != fs:
            f_sens, w_sens = _resample(t, f_sens, t_out), _resample(t, w_sens, t_out)
            r_seg = _resample(t, r_seg.reshape(-1, 9), t_out).reshape(-1, 3, 3)
        acc, gyr = _noise(rng, t_out.size, noise, f_sens, w_sens)
        sensors[loc] = ImuData(loc, float(out_rate), t_out.copy(), acc, gyr)
        seg_r[loc] = r_seg
        mounts[loc] = mount
    contacts = _true_contacts(trial, messages)
    meta = {
        "synthetic": "true",
        "source": (trial.provenance.path or "unknown").replace(" ", "_").split("/")[-1],
        "method": "stridelab.synth.imu",
        "cutoff_hz": f"{cutoff_hz:g}",
        "noise": f"{noise:g}",
        "mount_deg": f"{mount_deg:g}",
        "seed": str(seed),
    }
    return VirtualImu(sensors, contacts, mounts, seg_r, meta, messages)


def _true_contacts(trial: Trial, messages: list[str]) -> pd.DataFrame:
    from stridelab.model.tables import contact_table

    if not trial.has_forces:
        messages.append("the trial has no force plate: no true contacts")
        return contact_table()
    from stridelab.events.forceplate import NoFlightPhase, detect_force_contacts

    try:
        ev = detect_force_contacts(trial)
    except NoFlightPhase as e:
        messages.append(f"no true contacts: {e}")
        return contact_table()
    return ev.contacts[["side", "ic_s", "to_s", "source"]].copy()


def to_trial(v: VirtualImu) -> Trial:
    """A Trial holding only the virtual sensors (as a reader of the written file would return)."""
    tr = Trial()
    tr.imu = dict(v.sensors)
    tr.provenance.format = "imu"
    tr.provenance.extra["imu_metadata"] = dict(v.metadata)
    return tr


def summary_rows(v: VirtualImu) -> list[dict[str, Any]]:
    """One row per sensor for the CLI."""
    rows = []
    for loc, s in v.sensors.items():
        angle = float(np.degrees(np.arccos(np.clip((np.trace(v.mount_[loc]) - 1) / 2, -1, 1))))
        rows.append({"location": loc, "rate_hz": s.rate_hz, "n": int(s.time_s.size), "mount_deg": round(angle, 1), "site": SITES[loc][2]})
    return rows


__all__ = ["DEFAULT_LOCATIONS", "SITES", "VirtualImu", "synthesize_imu", "to_trial", "FORWARD"]

"""The analysis stage for video keypoints: sagittal angles, foot strike, overstriding, arm swing.

Registered in :data:`stridelab.analysis.EXTRA_STAGES`; does nothing for trials without keypoints.

* **Scale** (metres per pixel): from a metric keypoint file; else from the runner's height H, the
  hip-to-ankle keypoint length (90th percentile over frames) being thigh + shank = 0.245 H + 0.246 H
  (Winter DA 2009, Biomechanics and Motor Control of Human Movement, 4th ed., Fig. 4.1); else from a
  given leg length L (trochanteric height 0.530 H, so hip-to-ankle = 0.926 L). Without any, distances
  stay in leg lengths and metres are None (with a warning).
* **Per step, at initial contact** (angles interpolated at the contact time): ``knee_flexion_ic_deg``,
  ``hip_flexion_ic_deg``, ``shank_angle_ic_deg``, ``foot_strike_angle_deg`` (heel->toe line against
  the ground line) and ``foot_strike_pattern``: rearfoot > 8 deg, midfoot -1.6 to 8 deg, forefoot
  < -1.6 deg (Altman AR & Davis IS 2012, Gait Posture 35:298; their standing offset is not available
  from video, so the keypoints' heel-toe line is taken as level when the foot is flat);
  ``overstride_m`` / ``overstride_pct_leg``: horizontal distance from the hip centre to the heel at
  contact, positive when the foot lands ahead (as the joint-motion issue defines it; leg length is
  the subject's, or 0.530/0.491 x the hip-to-ankle keypoint length).
* **Per step, over the step**: ``trunk_lean_deg`` (mean), ``elbow_flexion_deg`` (mean of this side's
  elbow), ``arm_swing_deg`` (range of this side's shoulder flexion over the stride).
* **Overground**: speed from the hip centre's forward travel, step length from the heel positions at
  successive contacts (both need the scale).
* **Curves**: each angle time-normalised over each stride (contact to next contact of the same foot,
  101 points), mean and SD per side, in the JSON section ``angles`` with ``"plane": "sagittal_2d"``.
* **Variability**: step-to-step coefficient of variation of contact and step time, SD of the
  contact-time angles and of overstriding (section ``video.variability``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.errors import NotRunningError, NoValidResultError
from stridelab.kinematics.planar import ANGLE_NAMES, cycle_normalise, foot_angle, side_angles
from stridelab.metrics import foot_strike
from stridelab.model import anthropometrics
from stridelab.video.sagittal import SagittalKeypoints, sagittal

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis, AnalysisOptions

MIN_STEPS = 4
THIGH_SHANK_PER_HEIGHT = anthropometrics.THIGH_SHANK_PER_HEIGHT
TROCHANTER_PER_HEIGHT = anthropometrics.LEG_PER_HEIGHT


def scale_m_per_px(sk: SagittalKeypoints, height_m: float | None, leg_length_m: float | None, known: float | None) -> tuple[float | None, str | None]:
    """Metres per pixel and how it was found (see module docstring)."""
    if known:
        return known, "metric keypoint file"
    if not sk.leg_length_px:
        return None, None
    if height_m:
        return THIGH_SHANK_PER_HEIGHT * height_m / sk.leg_length_px, f"runner's height {height_m:.2f} m (thigh + shank = 0.491 x height)"
    if leg_length_m:
        return leg_length_m * THIGH_SHANK_PER_HEIGHT / TROCHANTER_PER_HEIGHT / sk.leg_length_px, f"leg length {leg_length_m:.2f} m"
    return None, None


def angle_series(sk: SagittalKeypoints) -> dict[str, dict[str, np.ndarray]]:
    """Angle time series (degrees) per side."""
    hc = sk.mid("l_hip", "r_hip")
    sc = sk.mid("l_shoulder", "r_shoulder")
    out = {}
    for side, s in (("left", "l_"), ("right", "r_")):
        p = {k: sk.get(s + k) for k in ("hip", "knee", "ankle", "heel", "toe", "shoulder", "elbow", "wrist")}
        p["hip_centre"], p["shoulder_centre"] = hc, sc
        out[side] = side_angles(p)
    return out


def _at(x: np.ndarray | None, t: np.ndarray, when: float) -> float:
    if x is None:
        return float("nan")
    ok = np.isfinite(x)
    if ok.sum() < 2 or when < t[ok][0] or when > t[ok][-1]:
        return float("nan")
    return float(np.interp(when, t[ok], x[ok]))


def _mean_over(x: np.ndarray | None, t: np.ndarray, a: float, b: float) -> float:
    if x is None or not np.isfinite(a) or not np.isfinite(b):
        return float("nan")
    m = (t >= a) & (t <= b)
    v = x[m]
    return float(np.nanmean(v)) if np.isfinite(v).sum() >= 2 else float("nan")


def _range_over(x: np.ndarray | None, t: np.ndarray, a: float, b: float) -> float:
    if x is None or not np.isfinite(a) or not np.isfinite(b):
        return float("nan")
    v = x[(t >= a) & (t <= b)]
    return float(np.nanmax(v) - np.nanmin(v)) if np.isfinite(v).sum() >= 4 else float("nan")


def run(analysis: Analysis, options: AnalysisOptions) -> None:
    """Add the video columns, sections and warnings to ``analysis`` (see module docstring)."""
    trial = analysis.trial
    if trial.keypoints is None:
        return
    from stridelab.video.events import ground_line

    sk = sagittal(trial)
    warnings_ = plausibility(sk, analysis)
    v = trial.provenance.extra.get("video", {})
    subj = trial.subject
    m_px, how = scale_m_per_px(sk, subj.height_m if subj.sources.get("height_m") == "given" else None, subj.leg_length_m if subj.sources.get("leg_length_m") == "given" else None, v.get("m_per_px"))
    sk.m_per_px = m_px
    if m_px is None:
        analysis.warn("no scale for the video: distances (overstriding, step length, speed) need --height-m or --leg-length-m")
    t = sk.time_s
    ang = angle_series(sk)
    hc = sk.mid("l_hip", "r_hip")
    legs_px = (sk.leg_length_px or np.nan) * TROCHANTER_PER_HEIGHT / THIGH_SHANK_PER_HEIGHT
    leg_m = subj.leg_length_m if (subj.leg_length_m and m_px) else None
    feet = [sk.get(n) for n in ("l_heel", "r_heel", "l_toe", "r_toe") if sk.has(n)]
    slope = ground_line(feet)[1] if feet else 0.0
    steps = analysis.steps
    cols: dict[str, list[Any]] = {k: [] for k in ("knee_flexion_ic_deg", "hip_flexion_ic_deg", "ankle_dorsiflexion_ic_deg", "shank_angle_ic_deg", "foot_strike_angle_deg", "foot_strike_pattern", "overstride_m", "overstride_pct_leg", "trunk_lean_deg", "elbow_flexion_deg", "arm_swing_deg")}
    same_next: dict[int, float] = {}
    for side in ("left", "right"):
        idx = steps.index[steps["side"] == side].tolist()
        for a_, b_ in zip(idx[:-1], idx[1:], strict=False):
            same_next[a_] = float(steps.at[b_, "ic_s"])
    step_len: list[float] = []
    for i, row in steps.iterrows():
        s = "l_" if row["side"] == "left" else "r_"
        a = ang[str(row["side"])]
        ic = float(row["ic_s"])
        cols["knee_flexion_ic_deg"].append(_at(a.get("knee_flexion"), t, ic))
        cols["hip_flexion_ic_deg"].append(_at(a.get("hip_flexion"), t, ic))
        cols["ankle_dorsiflexion_ic_deg"].append(_at(a.get("ankle_dorsiflexion"), t, ic))
        cols["shank_angle_ic_deg"].append(_at(a.get("shank_angle"), t, ic))
        heel, toe = sk.get(s + "heel"), sk.get(s + "toe")
        fa = _at(foot_angle(heel, toe, slope), t, ic) if heel is not None and toe is not None else float("nan")
        cols["foot_strike_angle_deg"].append(fa)
        cols["foot_strike_pattern"].append(foot_strike.classify(fa, method="altman2012"))
        ov_px = _at(heel[:, 0] - hc[:, 0], t, ic) if heel is not None and hc is not None else float("nan")
        cols["overstride_m"].append(ov_px * m_px if m_px else float("nan"))
        cols["overstride_pct_leg"].append(100 * ov_px * m_px / leg_m if leg_m and m_px else 100 * ov_px / legs_px)
        nxt = float(row["next_ic_s"]) if np.isfinite(row["next_ic_s"]) else float("nan")
        cols["trunk_lean_deg"].append(_mean_over(a.get("trunk_lean"), t, ic, nxt))
        cols["elbow_flexion_deg"].append(_mean_over(a.get("elbow_flexion"), t, ic, nxt))
        cols["arm_swing_deg"].append(_range_over(a.get("shoulder_flexion"), t, ic, same_next.get(int(i), float("nan"))))
        if trial.environment == "overground" and m_px and np.isfinite(nxt):
            o = "r_" if s == "l_" else "l_"
            h1, h2 = sk.get(s + "heel"), sk.get(o + "heel")
            step_len.append((_at(h2[:, 0], t, nxt) - _at(h1[:, 0], t, ic)) * m_px if h1 is not None and h2 is not None else float("nan"))
        else:
            step_len.append(float("nan"))
    for k, vals in cols.items():
        steps[k] = vals
    if trial.environment == "overground" and m_px:
        sl = np.array(step_len)
        fill = steps["step_length_m"].isna().to_numpy() & np.isfinite(sl)
        steps.loc[fill, "step_length_m"] = sl[fill]
        ok = np.isfinite(hc[:, 0]) if hc is not None else np.zeros(0, bool)
        if ok.sum() > 10 and hc is not None:
            speed = abs(float(np.polyfit(t[ok], hc[ok, 0], 1)[0])) * m_px
            analysis.summary["speed_mps"] = speed
            analysis.speed_source = "hip centre's forward travel in the video"
    if steps["step_length_m"].notna().any():
        analysis.summary["step_length_m"] = float(steps["step_length_m"].median())
    for k in ("knee_flexion_ic_deg", "hip_flexion_ic_deg", "shank_angle_ic_deg", "foot_strike_angle_deg", "overstride_m", "overstride_pct_leg", "trunk_lean_deg", "elbow_flexion_deg", "arm_swing_deg"):
        x = steps[k].to_numpy(dtype=float)
        analysis.summary[k] = float(np.nanmedian(x)) if np.isfinite(x).any() else None
        for side in ("left", "right"):
            xs = steps.loc[steps["side"] == side, k].to_numpy(dtype=float)
            analysis.by_side.setdefault(side, {})[k] = float(np.nanmedian(xs)) if np.isfinite(xs).any() else None
    pats = [p for p in cols["foot_strike_pattern"] if p]
    analysis.summary["foot_strike_pattern"] = max(set(pats), key=pats.count) if pats else None
    _periodicity_cadence(analysis, sk)
    for w in warnings_:
        analysis.warn(w)
    if analysis.events.source == "video" and analysis.events.info.get("method") == "rest_distance_label_free":
        _drop_side_comparisons(analysis)
    analysis.sections["angles"] = _json_safe(_curves(analysis, ang, t))
    fps = sk.rate_hz
    analysis.sections["video"] = {
        "fps": fps,
        "timing_uncertainty_ms": round(1000.0 / fps, 1),
        "timing_adequate": fps >= 60.0,
        "facing": sk.facing,
        "environment": trial.environment,
        "m_per_px": m_px,
        "scale_from": how,
        "leg_length_px": sk.leg_length_px,
        **{k: v.get(k) for k in ("frames_without_runner", "leg_swaps_fixed", "arm_swaps_fixed", "frames_filled", "smoothing", "pose_model", "source_video")},
        "variability": _variability(steps),
    }
    analysis.sections["video"] = _json_safe(analysis.sections["video"])
    analysis.methods["video"] = {
        "events": analysis.events.info.get("method") if analysis.events.source == "video" else None,
        "angles": "stridelab.kinematics.planar (2-D sagittal, keypoints)",
        "stage": "stridelab.video.stage (module docstring: scale, foot strike, overstriding)",
        "cleanup": v.get("smoothing"),
    }


def _periodicity_cadence(analysis: Analysis, sk: SagittalKeypoints) -> None:
    """The summary's cadence from the feet's periodicity (:mod:`stridelab.video.cadence`) where the
    contacts come from the video: within 1 % on the real 30-fps video where the contacts' median
    step cadence is 1.1 % off (docs/validation.md, "Real wearables and video")."""
    from stridelab.video.cadence import METHOD, periodicity_cadence_spm

    if analysis.events.source != "video":
        return
    cad = periodicity_cadence_spm(sk)
    if cad is None:
        return
    analysis.summary["cadence_spm"] = cad
    analysis.methods["cadence"] = (
        f"video: {METHOD} (autocorrelation of the forward distance between the ankles, after Moe-Nilssen & "
        "Helbostad 2004; 10-s windows, median); not from the contacts"
    )


#: Per-side values that compare the two feet (timing and the per-step angles at contact).
_SIDE_KEYS = (
    "cadence_spm", "gct_ms", "flight_ms", "step_time_ms", "duty_factor", "step_length_m", "knee_flexion_ic_deg",
    "hip_flexion_ic_deg", "shank_angle_ic_deg", "foot_strike_angle_deg", "overstride_m", "overstride_pct_leg", "trunk_lean_deg",
    "elbow_flexion_deg", "arm_swing_deg",
)


def _drop_side_comparisons(analysis: Analysis) -> None:
    """With the label-free contacts the sides alternate by construction and the pose model's labels
    are unreliable (that is why it was used): which foot is which is a guess, so no left/right
    comparison is reported (per-side values, symmetry, balance); values over both feet are."""
    for side in ("left", "right"):
        for k in _SIDE_KEYS:
            if k in analysis.by_side.get(side, {}):
                analysis.by_side[side][k] = None
    for k in list(analysis.symmetry_pct):
        analysis.symmetry_pct[k] = None
    analysis.summary["gct_balance_left_pct"] = None
    analysis.warn(
        "left/right values are not given: the pose model's leg labels swap in this video, so which contact is the left "
        "foot's is a guess (the sides only alternate); values over both feet are given"
    )


def _curves(analysis: Analysis, ang: dict[str, dict[str, np.ndarray]], t: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"plane": "sagittal_2d", "units": "deg", "cycle_pct": list(range(101)), "normalised_to": "stride (initial contact to the next of the same foot)"}
    c = analysis.contacts
    for side in ("left", "right"):
        ics = np.sort(c.loc[c["side"] == side, "ic_s"].to_numpy(dtype=float))
        if ics.size < 2:
            continue
        d = np.diff(ics)
        ok = d < 1.6 * np.median(d)
        starts, ends = ics[:-1][ok], ics[1:][ok]
        sd: dict[str, Any] = {}
        for name in (*ANGLE_NAMES, "shoulder_flexion"):
            x = ang[side].get(name)
            if x is None:
                continue
            cur = cycle_normalise(x, t, starts, ends)
            good = np.isfinite(cur).all(axis=1)
            if good.sum() < 1:
                continue
            cur = cur[good]
            sd[name] = {"mean": [round(float(v), 2) for v in cur.mean(0)], "sd": [round(float(v), 2) for v in cur.std(0)], "n_cycles": int(good.sum())}
        out[side] = sd
    return out


#: Cadences (steps/min, in the file's time) that running shows only when slowed down: 2-6x slow motion
#: of 150-200 steps/min (running itself is 130-230). At 8x and slower the feet move too slowly for the
#: contact detector's speed limits and no contact is found (a NoValidResultError, not a cadence).
SLOW_MOTION_SPM = (15.0, 100.0)


def plausibility(sk: SagittalKeypoints, analysis: Analysis) -> list[str]:
    """Warnings when the video does not look like a runner filmed from the side.

    Side view: the heel-to-toe distance, seen from the side, is about 0.3 leg lengths (foot length
    0.152 H, Winter 2009); below 0.15 the camera looks at the runner from the front or back and 2-D
    sagittal angles mean little. Running: at least 4 complete steps (else NoValidResultError) and a
    cadence between 100 and 260 steps/min (else NotRunningError; a warning outside 130-230). A cadence
    of 15-100 steps/min in the file's time is slow-motion footage (or not running) (NotRunningError saying so, with the
    --rate-hz that gives real time), not a result of 18 steps/min."""
    out = []
    leg = sk.leg_length_px
    ratios = []
    for s in ("l_", "r_"):
        if leg and sk.has(s + "heel", s + "toe"):
            ratios.append(np.nanmedian(np.abs(sk[s + "toe"][:, 0] - sk[s + "heel"][:, 0])) / leg)
    if ratios and float(np.mean(ratios)) < 0.15:
        out.append(
            f"the feet look short ({float(np.mean(ratios)):.2f} leg lengths heel to toe; about 0.3 from the side): the camera does not "
            "see the runner from the side, so the sagittal angles and foot-strike measures are not meaningful"
        )
    n_steps = int(analysis.steps["next_ic_s"].notna().sum()) if len(analysis.steps) else 0
    cad = analysis.summary.get("cadence_spm")
    if cad is not None and np.isfinite(cad) and SLOW_MOTION_SPM[0] <= cad < SLOW_MOTION_SPM[1] and n_steps >= 2:
        factor = 170.0 / cad
        raise NotRunningError(
            f"the feet's contacts give {cad:.0f} steps/min in the video's own time, far below any running cadence: this is not running "
            f"or it is slow-motion footage (about {factor:.0f} times slower than real time). For slow motion give the rate it was filmed at with --rate-hz "
            f"(e.g. --rate-hz {sk.rate_hz * round(factor):.0f}), or use a video played at real speed"
        )
    if n_steps < MIN_STEPS:
        raise NoValidResultError(
            f"only {n_steps} complete steps (a contact followed by the other foot's) were found in the video; a running analysis "
            f"needs at least {MIN_STEPS}: film the runner from the side for 10 or more steps"
        )
    if cad is not None and np.isfinite(cad) and not (100.0 <= cad <= 260.0):
        raise NotRunningError(f"the feet's contacts give {cad:.0f} steps/min, far outside running (130-230): this video does not show running")
    if cad is not None and np.isfinite(cad) and not (130.0 <= cad <= 230.0):
        out.append(f"cadence {cad:.0f} steps/min is unusual for running (130-230): check the video and the contacts")
    return out


def _json_safe(x: Any) -> Any:
    """NaN and infinities become None, numpy scalars Python numbers, tuples lists (recursively)."""
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if np.isfinite(x) else None
    return x


def _variability(steps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in ("gct_ms", "step_time_ms", "flight_ms"):
        x = steps[k].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        if x.size >= 3 and np.mean(x) > 0:
            out[f"{k}_cv_pct"] = round(float(np.std(x, ddof=1) / np.mean(x) * 100), 2)
    for k in ("knee_flexion_ic_deg", "shank_angle_ic_deg", "foot_strike_angle_deg", "overstride_m"):
        x = steps[k].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        if x.size >= 3:
            out[f"{k}_sd"] = round(float(np.std(x, ddof=1)), 4)
    return out

"""Validation of the video keypoint pipeline against motion capture and force plates.

Real motion (runner RBDS001, Fukuchi et al. 2017, treadmill 2.5 and 3.5 m/s, 150 Hz markers, force
plate) is seen by SYNTHETIC side-view cameras (:mod:`stridelab.video.virtual_camera`): distances
3/5/8 m, yaw 0 and +-10 degrees, 30/60/120 fps sampled at the cameras' own instants, with
pose-model-like errors (jitter 0.5% of body height, feet 1.5x; 2% dropped points; 1% of frames with
short left/right swaps). The keypoint pipeline (clean-up, contacts, 2-D angles) runs on them.

Reported per frame rate: initial contact (IC) and toe-off (TO) errors against the force plate
(20 N threshold), contact-time error, and 2-D angle RMSE against the angles of the noise-free
projected points (same frames). Separately, the 2-D-versus-3-D difference: angles of the noise-free
camera projection against the same angles in the runner's own sagittal plane (perspective and
yaw), and the 2-D hip/knee/ankle mean curves against Visual3D's 3-D curves of the same trials
(RBDS001processed.txt, the Z columns, flexion/dorsiflexion positive: pelvis-referenced hip with the
static trial as neutral, anatomical axes).

Run: .venv/bin/python validation/video_virtual_camera.py [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import stridelab as sl
from stridelab.events.dispatch import detect_contacts
from stridelab.events.video import contacts_from_sagittal
from stridelab.kinematics.planar import side_angles
from stridelab.kinematics.virtual import prepare_markers
from stridelab.model.axes import FORWARD, UP
from stridelab.model.trial import Keypoints2D, QualityLog
from stridelab.video.cleanup import clean_keypoints
from stridelab.video.sagittal import SagittalKeypoints, to_sagittal
from stridelab.video.virtual_camera import (
    KEYPOINTS,
    Camera,
    pose_model_errors,
    resample,
    sample_times,
    virtual_points,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
WINDOW_S = (1.0, 16.0)
ANGLES = ("hip_flexion", "knee_flexion", "ankle_dorsiflexion")


def load(speed: str):
    static = DATA / "RBDS001static.c3d"
    if speed == "35":
        t = sl.read(DATA / "RBDS001runT35.c3d", static=static)
    else:
        t = sl.read(DATA / "RBDS001runT25markers.txt", forces=DATA / "RBDS001runT25forces.txt", static=static)
    prepare_markers(t)
    ev = detect_contacts(t, "forces").contacts
    return t, ev


def angles_of(names: list[str], fu: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    idx = {n: i for i, n in enumerate(names)}
    out = {}
    for side, s in (("left", "l_"), ("right", "r_")):
        p = {k: fu[:, idx[s + k]] for k in ("hip", "knee", "ankle", "heel", "toe")}
        p["shoulder_centre"] = fu[:, idx[s + "shoulder"]]
        out[side] = side_angles(p)
    return out


def match(ref, est, tol=0.1):
    """Per reference contact: (ic error, to error, contact time error) in s for the matched estimate."""
    rows = []
    for r in ref.itertuples():
        c = est[est["side"] == r.side]
        if not len(c):
            rows.append(None)
            continue
        j = int(np.argmin(np.abs(c["ic_s"].to_numpy() - r.ic_s)))
        e = c.iloc[j]
        if abs(e.ic_s - r.ic_s) > tol:
            rows.append(None)
            continue
        rows.append((e.ic_s - r.ic_s, e.to_s - r.to_s, (e.to_s - e.ic_s) - (r.to_s - r.ic_s)))
    return rows


def run_condition(trial, ref, cam: Camera, fps: float, rng, jitter_frac=0.005, errors=True):
    mk = trial.markers
    pts = virtual_points(mk, trial.static)
    t = sample_times(*WINDOW_S, fps, rng)
    p3 = resample(pts, mk.time_s, t)
    centre = np.nanmean(p3.reshape(-1, 3), axis=0)
    clean = cam.project(p3, centre)
    body_px = 1.8 / cam.m_per_px()
    if errors:
        noisy, conf = pose_model_errors(clean, rng, jitter_frac * body_px)
    else:
        noisy, conf = clean.copy(), np.ones(clean.shape[:2])
    q = QualityLog()
    kp, info = clean_keypoints(Keypoints2D(list(KEYPOINTS), noisy, conf, fps, t), q)
    sk = SagittalKeypoints(list(KEYPOINTS), to_sagittal(kp.xy_px, info.facing), kp.confidence, t, fps, info.facing, info.leg_length_px)
    ev = contacts_from_sagittal(sk)
    r = ref[(ref.ic_s > t[0] + 0.1) & (ref.to_s < t[-1] - 0.1)]
    m = match(r, ev.contacts)
    est_ang = angles_of(list(KEYPOINTS), sk.fu)
    true_ang = angles_of(list(KEYPOINTS), to_sagittal(clean, "right"))
    # the runner's own sagittal plane (orthographic, no perspective or yaw)
    lab = np.stack([p3[..., FORWARD], p3[..., UP]], axis=-1)
    lab_ang = angles_of(list(KEYPOINTS), lab)
    return m, est_ang, true_ang, lab_ang, info


def rmse(a, b):
    d = a - b
    d = d[np.isfinite(d)]
    return float(np.sqrt(np.mean(d**2))) if d.size else float("nan")


def visual3d_comparison(trial, ref, speed):
    """Mean-cycle 2-D angles (lab sagittal projection of the true points) vs Visual3D's 3-D curves."""
    import pandas as pd

    from stridelab.kinematics.planar import cycle_normalise

    proc = pd.read_csv(DATA / "RBDS001processed.txt", sep="\t")
    mk = trial.markers
    pts = virtual_points(mk, trial.static)
    p3 = np.stack([pts[k] for k in KEYPOINTS], axis=1)
    lab = np.stack([p3[..., FORWARD], p3[..., UP]], axis=-1)
    ang = angles_of(list(KEYPOINTS), lab)
    out = {}
    for side, pre in (("right", "R"), ("left", "L")):
        ics = ref[ref.side == side].ic_s.to_numpy()
        for name, col, sign in (("hip_flexion", "hipAngZ", 1), ("knee_flexion", "kneeAngZ", 1), ("ankle_dorsiflexion", "ankleAngZ", 1)):
            curves = cycle_normalise(ang[side][name], mk.time_s, ics[:-1], ics[1:])
            mean2d = np.nanmean(curves, axis=0)
            v3d = sign * proc[f"{pre}{col}{speed}"].to_numpy()
            # Visual3D's curves are 0-100% (101 points)
            diff = mean2d - v3d
            out[(side, name)] = (rmse(mean2d, v3d), float(np.nanmean(diff)))
    return out


def main() -> None:
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(20240501)
    cams = [Camera(d, y) for d in (3.0, 5.0, 8.0) for y in (-10.0, 0.0, 10.0)]
    if quick:
        cams = [Camera(5.0, 0.0), Camera(3.0, 10.0)]
    print("Video keypoint pipeline vs force plate and projected motion capture (SYNTHETIC cameras, real motion)")
    print(f"runner RBDS001, treadmill 2.5 and 3.5 m/s, {WINDOW_S[1] - WINDOW_S[0]:.0f} s each; cameras: {len(cams)} (distance, yaw)")
    trials = {s: load(s) for s in ("25", "35")}
    print()
    print("fps | contacts found | IC MAE ms (frames) | IC bias ms | TO MAE ms (frames) | TO bias ms | contact-time MAE ms | hip RMSE | knee RMSE | ankle RMSE (deg)")
    proj = {a: [] for a in ANGLES}
    for fps in (30.0, 60.0, 120.0):
        errs, n_ref, ang_err = [], 0, {a: [] for a in ANGLES}
        for trial, ref in trials.values():
            for cam in cams:
                m, est, true, lab, _ = run_condition(trial, ref, cam, fps, rng)
                n_ref += len(m)
                errs += [x for x in m if x is not None]
                for side in ("left", "right"):
                    for a in ANGLES:
                        ang_err[a].append(rmse(est[side][a], true[side][a]))
                        if fps == 60.0:
                            proj[a].append((cam.distance_m, cam.yaw_deg, rmse(true[side][a], lab[side][a])))
        e = np.array(errs) * 1000
        fr = 1000 / fps
        print(
            f"{fps:.0f} | {len(errs)}/{n_ref} | {np.mean(np.abs(e[:, 0])):.1f} ({np.mean(np.abs(e[:, 0])) / fr:.2f}) | {np.mean(e[:, 0]):+.1f} | "
            f"{np.mean(np.abs(e[:, 1])):.1f} ({np.mean(np.abs(e[:, 1])) / fr:.2f}) | {np.mean(e[:, 1]):+.1f} | {np.mean(np.abs(e[:, 2])):.1f} | "
            + " | ".join(f"{np.mean(ang_err[a]):.1f}" for a in ANGLES)
        )
    print()
    print("2-D versus 3-D (noise-free): camera projection vs the runner's own sagittal plane, RMSE deg, 60 fps")
    print("distance m | yaw deg | " + " | ".join(ANGLES))
    keys = sorted({(d, y) for d, y, _ in proj["knee_flexion"]})
    for d, y in keys:
        vals = [np.mean([r for dd, yy, r in proj[a] if dd == d and yy == y]) for a in ANGLES]
        print(f"{d:.0f} | {y:+.0f} | " + " | ".join(f"{v:.1f}" for v in vals))
    print()
    print("2-D (sagittal projection of true joint centres) vs Visual3D 3-D mean curves: RMSE deg (mean difference)")
    for speed, (trial, ref) in trials.items():
        res = visual3d_comparison(trial, ref, speed)
        print(f"{int(speed) / 10:.1f} m/s: " + "; ".join(f"{s} {a}: {r:.1f} ({b:+.1f})" for (s, a), (r, b) in res.items()))


if __name__ == "__main__":
    main()

"""Validation of the video keypoint pipeline against motion capture and force plates.

Real motion (runner RBDS001, Fukuchi et al. 2017, treadmill 2.5 and 3.5 m/s, 150 Hz markers, force
plate) is seen by SYNTHETIC side-view cameras (:mod:`stridelab.video.virtual_camera`): distances
3/5/8 m, yaw 0 and +-10 degrees, 30/60/120 fps sampled at the cameras' own instants, with
pose-model-like errors (jitter 0.5% of body height, feet 1.5x; 2% dropped points; 1% of frames with
short left/right swaps). The keypoint pipeline (clean-up, contacts, 2-D angles) runs on them.

Reported per frame rate: initial contact (IC) and toe-off (TO) errors against the force plate
(20 N threshold), contacts found and extra (unmatched) contacts, contact-time error, and 2-D angle
RMSE against the angles of the noise-free projected points (same frames); IC/TO per camera; at
60 fps, other noise levels (0.25-1.5% of body height, and a slowly wandering error instead of white
noise), and how the events move with the method's constants (rest distance; toe-off from the toe
keypoint instead of the knee). Separately, the 2-D-versus-3-D difference: angles of the noise-free
camera projection against the same angles in the runner's own sagittal plane (perspective and
yaw), and the 2-D hip/knee/ankle mean curves against Visual3D's 3-D curves of the same trials
(RBDS001processed.txt, the Z columns, flexion/dorsiflexion positive: pelvis-referenced hip with the
static trial as neutral, anatomical axes).

Run: .venv/bin/python validation/video_virtual_camera.py [--quick]
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

import stridelab as sl
import stridelab.video.events as video_events
from stridelab.events.agreement import match_contacts
from stridelab.events.dispatch import detect_contacts
from stridelab.kinematics.planar import side_angles
from stridelab.kinematics.virtual import prepare_markers
from stridelab.model.axes import FORWARD, UP
from stridelab.model.trial import Keypoints2D, QualityLog
from stridelab.video.cleanup import clean_keypoints
from stridelab.video.events import contacts_from_sagittal
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
    """Per reference contact: (ic error, to error, contact time error) in s for the matched estimate,
    None for a reference contact without one."""
    m = match_contacts(ref, est, tol)
    found = [(r.ic_err_ms / 1000, r.to_err_ms / 1000, r.gct_err_ms / 1000) for r in m.itertuples()]
    return found + [None] * (len(ref) - len(found))


def extras(ref, est, t0: float, t1: float, tol=0.1) -> tuple[int, int]:
    """(detected contacts away from the ends, those matching no force-plate contact within ``tol``)."""
    e = est[(est["ic_s"] > t0 + 0.1) & (est["to_s"] < t1 - 0.1)]
    n_x = 0
    for r in e.itertuples():
        c = ref[ref["side"] == r.side]
        n_x += int(not len(c) or float(np.min(np.abs(c["ic_s"].to_numpy() - r.ic_s))) > tol)
    return len(e), n_x


def run_condition(trial, ref, cam: Camera, fps: float, rng, jitter_frac=0.005, errors=True, correlation_s=0.0):
    mk = trial.markers
    pts = virtual_points(mk, trial.static)
    t = sample_times(*WINDOW_S, fps, rng)
    p3 = resample(pts, mk.time_s, t)
    centre = np.nanmean(p3.reshape(-1, 3), axis=0)
    clean = cam.project(p3, centre)
    body_px = 1.8 / cam.m_per_px()
    if errors and correlation_s > 0:
        noisy, conf = pose_model_errors(clean, rng, jitter_frac * body_px, correlation_frames=correlation_s * fps)
    elif errors:
        noisy, conf = pose_model_errors(clean, rng, jitter_frac * body_px)
    else:
        noisy, conf = clean.copy(), np.ones(clean.shape[:2])
    q = QualityLog()
    kp, info = clean_keypoints(Keypoints2D(list(KEYPOINTS), noisy, conf, fps, t), q)
    sk = SagittalKeypoints(list(KEYPOINTS), to_sagittal(kp.xy_px, info.facing), kp.confidence, t, fps, info.facing, info.leg_length_px)
    ev = contacts_from_sagittal(sk)
    r = ref[(ref.ic_s > t[0] + 0.1) & (ref.to_s < t[-1] - 0.1)]
    m = match(r, ev.contacts)
    n_det, n_extra = extras(ref, ev.contacts, t[0], t[-1])
    est_ang = angles_of(list(KEYPOINTS), sk.fu)
    true_ang = angles_of(list(KEYPOINTS), to_sagittal(clean, "right"))
    # the runner's own sagittal plane (orthographic, no perspective or yaw)
    lab = np.stack([p3[..., FORWARD], p3[..., UP]], axis=-1)
    lab_ang = angles_of(list(KEYPOINTS), lab)
    return m, est_ang, true_ang, lab_ang, info, (n_det, n_extra, sk, r)


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


def summary(errs: list, n_ref: int, n_det: int, n_extra: int, fps: float) -> str:
    e = np.array(errs) * 1000
    fr = 1000 / fps
    return (
        f"{len(errs)}/{n_ref} ({100 * len(errs) / n_ref:.1f}%) | {n_extra}/{n_det} | {np.mean(np.abs(e[:, 0])):.1f} ({np.mean(np.abs(e[:, 0])) / fr:.2f}) | "
        f"{np.mean(e[:, 0]):+.1f} | {np.mean(np.abs(e[:, 1])):.1f} ({np.mean(np.abs(e[:, 1])) / fr:.2f}) | {np.mean(e[:, 1]):+.1f} | {np.mean(np.abs(e[:, 2])):.1f}"
    )


def events_only(kept: list, **kw) -> tuple[list, int]:
    """Re-run the contact detector on stored (sagittal keypoints, reference) pairs."""
    errs, n_ref = [], 0
    for sk, r in kept:
        m = match(r, contacts_from_sagittal(sk, **kw).contacts)
        n_ref += len(m)
        errs += [x for x in m if x is not None]
    return errs, n_ref


def without_knee(sk: SagittalKeypoints) -> SagittalKeypoints:
    return replace(sk, names=[n.replace("knee", "knee_hidden") for n in sk.names])


def main() -> None:
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(20240501)
    cams = [Camera(d, y) for d in (3.0, 5.0, 8.0) for y in (-10.0, 0.0, 10.0)]
    if quick:
        cams = [Camera(5.0, 0.0), Camera(3.0, 10.0)]
    print("Video keypoint pipeline vs force plate and projected motion capture (SYNTHETIC cameras, real motion)")
    print(f"runner RBDS001, treadmill 2.5 and 3.5 m/s, {WINDOW_S[1] - WINDOW_S[0]:.0f} s each; cameras: {len(cams)} (distance, yaw)")
    print(f"contacts: {video_events.METHODS[0]}")
    trials = {s: load(s) for s in ("25", "35")}
    print()
    print(
        "fps | contacts found | extra contacts | IC MAE ms (frames) | IC bias ms | TO MAE ms (frames) | TO bias ms | contact-time MAE ms "
        "| hip RMSE | knee RMSE | ankle RMSE (deg)"
    )
    proj = {a: [] for a in ANGLES}
    per_cam: dict[tuple[float, float], dict[float, list]] = {}
    kept60: list = []
    for fps in (30.0, 60.0, 120.0):
        errs, n_ref, n_det, n_extra, ang_err = [], 0, 0, 0, {a: [] for a in ANGLES}
        for trial, ref in trials.values():
            for cam in cams:
                m, est, true, lab, _, (nd, nx, sk, r) = run_condition(trial, ref, cam, fps, rng)
                n_ref += len(m)
                n_det += nd
                n_extra += nx
                ok = [x for x in m if x is not None]
                errs += ok
                cell = per_cam.setdefault((cam.distance_m, cam.yaw_deg), {}).setdefault(fps, [0, []])
                cell[0] += len(m)
                cell[1] += ok
                if fps == 60.0:
                    kept60.append((sk, r))
                for side in ("left", "right"):
                    for a in ANGLES:
                        ang_err[a].append(rmse(est[side][a], true[side][a]))
                        if fps == 60.0:
                            proj[a].append((cam.distance_m, cam.yaw_deg, rmse(true[side][a], lab[side][a])))
        print(f"{fps:.0f} | {summary(errs, n_ref, n_det, n_extra, fps)} | " + " | ".join(f"{np.mean(ang_err[a]):.1f}" for a in ANGLES))
    print()
    print("per camera: contacts found at 60 fps; IC / TO MAE ms (bias) at 30, 60, 120 fps")
    print("distance m | yaw deg | found | 30 fps | 60 fps | 120 fps")
    for (d, y), by_fps in sorted(per_cam.items()):
        cells = []
        for fps in (30.0, 60.0, 120.0):
            e = np.array(by_fps[fps][1]) * 1000
            cells.append(f"{np.mean(np.abs(e[:, 0])):.1f} ({np.mean(e[:, 0]):+.1f}) / {np.mean(np.abs(e[:, 1])):.1f} ({np.mean(e[:, 1]):+.1f})")
        print(f"{d:.0f} | {y:+.0f} | {len(by_fps[60.0][1])}/{by_fps[60.0][0]} | " + " | ".join(cells))
    print()
    print("keypoint errors at 60 fps (all cameras; jitter SD in % of body height, feet 1.5x; drops and swaps as above)")
    print("jitter | px on the 432-px runner (feet) | contacts found | extra contacts | IC MAE ms (frames) | IC bias ms | TO MAE ms (frames) | TO bias ms | contact-time MAE ms")
    rng2 = np.random.default_rng(20240502)
    levels = [(0.0025, 0.0), (0.005, 0.0), (0.01, 0.0), (0.015, 0.0), (0.005, 0.1)] if not quick else [(0.01, 0.0)]
    for jf, corr in levels:
        errs, n_ref, n_det, n_extra = [], 0, 0, 0
        for trial, ref in trials.values():
            for cam in cams:
                m, _, _, _, _, (nd, nx, _, _) = run_condition(trial, ref, cam, 60.0, rng2, jitter_frac=jf, correlation_s=corr)
                n_ref += len(m)
                n_det += nd
                n_extra += nx
                errs += [x for x in m if x is not None]
        px = jf * 0.6 * 720
        what = f"{100 * jf:.2f}%" + (f", wandering ({corr:.1f} s)" if corr else ", white")
        print(f"{what} | {px:.1f} ({1.5 * px:.1f}) | {summary(errs, n_ref, n_det, n_extra, 60.0)}")
    print()
    print("constants at 60 fps (same keypoints as the main table): IC with other rest distances; TO from the toe keypoint instead of the knee")
    print("variant | contacts found | IC MAE ms | IC bias ms | TO MAE ms | TO bias ms")
    base = video_events.REST_DISTANCE_M
    variants = [(f"rest distance {100 * d:.1f} cm", d, False) for d in (0.015, 0.02, 0.025, 0.03, 0.035)]
    variants.append((f"toe-off from the toe leaving {100 * base:.1f} cm (no knee)", base, True))
    for name, d, no_knee in variants:
        video_events.REST_DISTANCE_M = d
        try:
            errs, n_ref = events_only([(without_knee(sk) if no_knee else sk, r) for sk, r in kept60])
        finally:
            video_events.REST_DISTANCE_M = base
        e = np.array(errs) * 1000
        print(
            f"{name} | {len(errs)}/{n_ref} | {np.mean(np.abs(e[:, 0])):.1f} | {np.mean(e[:, 0]):+.1f} | {np.mean(np.abs(e[:, 1])):.1f} | {np.mean(e[:, 1]):+.1f}"
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

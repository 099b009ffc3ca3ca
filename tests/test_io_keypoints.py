"""Keypoint files in: OpenPose JSON, COCO JSON, MediaPipe CSV, Sports2D/Pose2Sim TRC (SYNTHETIC
keypoints of the REAL RBDS001 running motion, written in each format), and the TRC routing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InvalidInputError
from stridelab.io import detect_format, read_trial
from stridelab.video.names import BODY25, COCO17, HALPE26, canonical_keypoint, looks_like_keypoints
from video_synth import synthetic_keypoints

CANON_TO_OPENPOSE = {"hip": "Hip", "knee": "Knee", "ankle": "Ankle", "heel": "Heel", "toe": "BigToe", "shoulder": "Shoulder"}


def _op_name(c: str) -> str:
    return c[0].upper() + CANON_TO_OPENPOSE[c[2:]]


@pytest.mark.parametrize(
    ("name", "canon"),
    [("RBigToe", "r_toe"), ("left_foot_index", "l_toe"), ("LHip", "l_hip"), ("MidHip", "mid_hip"), ("right_heel", "r_heel"), ("L_Knee", "l_knee"), ("knee_left", "l_knee"), ("left_eye_inner", None), ("LASI", None), ("RHEE", None), ("left_pinky", None)],
)
def test_canonical_keypoint_names(name: str, canon: str | None) -> None:
    assert canonical_keypoint(name) == canon


def test_lab_markers_are_not_keypoints() -> None:
    assert looks_like_keypoints(HALPE26)
    assert not looks_like_keypoints(["LASI", "RASI", "LKNE", "RKNE", "LANK", "RANK", "LHEE", "RHEE", "LTOE", "RTOE"])


def _write_openpose(folder: Path, names, xy, conf, with_bystander: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    idx = {n: BODY25.index(_op_name(n)) for n in names}
    for f in range(xy.shape[0]):
        arr = np.zeros((25, 3))
        for j, n in enumerate(names):
            if np.isfinite(xy[f, j]).all():
                arr[idx[n]] = [xy[f, j, 0], xy[f, j, 1], conf[f, j]]
        people = [{"person_id": [-1], "pose_keypoints_2d": arr.ravel().tolist()}]
        if with_bystander:  # a smaller person far away, listed first
            other = arr.copy()
            other[:, :2] = other[:, :2] * 0.3 + 900
            other[arr[:, 2] == 0] = 0
            people.insert(0, {"person_id": [-1], "pose_keypoints_2d": other.ravel().tolist()})
        (folder / f"run_{f:012d}_keypoints.json").write_text(json.dumps({"version": 1.3, "people": people}))


def test_openpose_folder_and_file_follow_the_runner(fukuchi: Path, tmp_path: Path) -> None:
    names, xy, conf, t, ref, _ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=4.0)
    _write_openpose(tmp_path / "op", names, xy, conf)
    assert detect_format(tmp_path / "op") == "openpose"
    one = tmp_path / "op" / "run_000000000005_keypoints.json"
    assert detect_format(one) == "openpose"
    for src in (tmp_path / "op", one):
        tr = read_trial(src, rate_hz=60.0)
        kp = tr.keypoints
        assert kp is not None and kp.xy_px.shape[0] == xy.shape[0]
        assert {"l_hip", "r_knee", "l_heel", "r_toe"} <= set(kp.names)
        j = kp.names.index("r_knee")
        # the runner (not the small bystander) was followed: cleaned points stay near the truth
        err = np.nanmedian(np.linalg.norm(kp.xy_px[:, j] - xy[:, names.index("r_knee")], axis=1))
        assert err < 10.0
        assert tr.provenance.format == "openpose"


def test_openpose_without_rate_is_refused(fukuchi: Path, tmp_path: Path) -> None:
    names, xy, conf, *_ = synthetic_keypoints(fukuchi, t0=1.0, t1=1.5)
    _write_openpose(tmp_path / "op", names, xy, conf, with_bystander=False)
    with pytest.raises(InvalidInputError, match="--rate-hz"):
        read_trial(tmp_path / "op")


def test_coco_json_with_halpe_names(fukuchi: Path, tmp_path: Path) -> None:
    names, xy, conf, *_ = synthetic_keypoints(fukuchi, fps=30, t0=1.0, t1=3.0)
    halpe = {"l_hip": "left_hip", "r_hip": "right_hip", "l_knee": "left_knee", "r_knee": "right_knee", "l_ankle": "left_ankle", "r_ankle": "right_ankle", "l_heel": "left_heel", "r_heel": "right_heel", "l_toe": "left_big_toe", "r_toe": "right_big_toe", "l_shoulder": "left_shoulder", "r_shoulder": "right_shoulder"}
    anns = []
    for f in range(xy.shape[0]):
        k = np.zeros((26, 3))
        for j, n in enumerate(names):
            if np.isfinite(xy[f, j]).all():
                k[HALPE26.index(halpe[n])] = [xy[f, j, 0], xy[f, j, 1], 2]
        anns.append({"image_id": f + 1, "keypoints": k.ravel().tolist(), "category_id": 1})
    doc = {"images": [{"id": i + 1, "width": 1280, "height": 720} for i in range(xy.shape[0])], "annotations": anns, "categories": [{"id": 1, "keypoints": HALPE26}]}
    p = tmp_path / "coco.json"
    p.write_text(json.dumps(doc))
    assert detect_format(p) == "coco_keypoints"
    tr = read_trial(p, rate_hz=30.0)
    assert tr.keypoints is not None and tr.keypoints.image_size_px == (1280, 720)
    assert "r_toe" in tr.keypoints.names and tr.keypoints.rate_hz == 30.0


def test_coco17_without_legs_is_a_clear_error(tmp_path: Path) -> None:
    anns = [{"image_id": i, "keypoints": [0.0] * (3 * 17)} for i in range(20)]
    for a in anns:  # only the head and shoulders labelled
        a["keypoints"][:6] = [100, 100, 2, 102, 98, 2]
    p = tmp_path / "heads.json"
    p.write_text(json.dumps({"annotations": anns, "categories": [{"keypoints": COCO17}]}))
    with pytest.raises(InvalidInputError):
        read_trial(p, rate_hz=30.0)


def _mediapipe_names(c: str) -> str:
    side = "left" if c.startswith("l_") else "right"
    part = {"toe": "foot_index"}.get(c[2:], c[2:])
    return f"{side}_{part}"


def test_mediapipe_csv_wide_long_and_normalised(fukuchi: Path, tmp_path: Path) -> None:
    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=3.0)
    cols: dict[str, np.ndarray] = {"timestamp_ms": (t - t[0]) * 1000}
    for j, n in enumerate(names):
        m = _mediapipe_names(n)
        cols[f"{m}_x"], cols[f"{m}_y"], cols[f"{m}_visibility"] = xy[:, j, 0], xy[:, j, 1], conf[:, j]
    wide = tmp_path / "wide.csv"
    pd.DataFrame(cols).to_csv(wide, index=False)
    assert detect_format(wide) == "mediapipe_csv"
    tr = read_trial(wide)
    assert tr.keypoints is not None and abs(tr.keypoints.rate_hz - 60.0) < 0.5
    # normalised coordinates without the image size are refused, with the size they are read
    norm = pd.DataFrame(cols)
    for c in norm.columns:
        if c.endswith("_x"):
            norm[c] = norm[c] / 1280
        elif c.endswith("_y"):
            norm[c] = norm[c] / 720
    p = tmp_path / "norm.csv"
    norm.to_csv(p, index=False)
    with pytest.raises(InvalidInputError, match="image size"):
        read_trial(p)
    norm["image_width"], norm["image_height"] = 1280, 720
    norm.to_csv(p, index=False)
    tr2 = read_trial(p)
    j = tr2.keypoints.names.index("l_knee")
    assert np.nanmax(np.abs(tr2.keypoints.xy_px[:, j] - tr.keypoints.xy_px[:, j])) < 1e-6
    # long format
    rows = []
    for f in range(xy.shape[0]):
        for j, n in enumerate(names):
            rows.append({"frame": f, "landmark": _mediapipe_names(n), "x": xy[f, j, 0], "y": xy[f, j, 1], "visibility": conf[f, j]})
    lp = tmp_path / "long.csv"
    pd.DataFrame(rows).to_csv(lp, index=False)
    tr3 = read_trial(lp, rate_hz=60.0)
    assert tr3.keypoints is not None and tr3.keypoints.xy_px.shape[0] == xy.shape[0]


def _write_trc(path: Path, names: list[str], data: np.ndarray, rate: float, units: str) -> None:
    n = data.shape[0]
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate}\t{rate}\t{n}\t{len(names)}\t{units}\t{rate}\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t\t",
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(names))),
        "",
    ]
    for f in range(n):
        lines.append(f"{f + 1}\t{f / rate:.6f}\t" + "\t".join(f"{v:.6f}" for v in data[f].ravel()))
    path.write_text("\n".join(lines) + "\n")


def test_sports2d_pixel_trc_and_pose2sim_metre_trc(fukuchi: Path, tmp_path: Path) -> None:
    names, xy, conf, t, ref, cam = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=4.0, errors=False)
    op = [_op_name(n) for n in names]
    # Sports2D: pixels with y pointing up, z = 0
    d2 = np.concatenate([xy[..., :1], -xy[..., 1:2], np.zeros_like(xy[..., :1])], axis=-1)
    p2 = tmp_path / "sports2d_px.trc"
    _write_trc(p2, op, d2, 60.0, "px")
    tr = read_trial(p2)
    assert tr.provenance.format == "sports2d_px" and tr.keypoints is not None
    j = tr.keypoints.names.index("r_ankle")
    assert np.nanmedian(np.abs(tr.keypoints.xy_px[:, j, 1] - xy[:, names.index("r_ankle"), 1])) < 2.0  # back to y down
    # Pose2Sim: metres, Y up, running along -Z
    from stridelab.video.virtual_camera import resample, virtual_points
    from video_synth import mocap

    trial, _ = mocap(fukuchi)
    p3 = resample(virtual_points(trial.markers, trial.static), trial.markers.time_s, t)
    yup = np.stack([p3[..., 1], p3[..., 2], -p3[..., 0]], axis=-1)
    p3f = tmp_path / "pose2sim.trc"
    _write_trc(p3f, op, yup, 60.0, "m")
    tr3 = read_trial(p3f)
    assert tr3.provenance.format == "pose2sim_m"
    leg_m = tr3.provenance.extra["video"]["leg_length_px"] * tr3.provenance.extra["video"]["m_per_px"]
    assert 0.75 < leg_m < 1.0  # hip-to-ankle of a 1.81 m runner: 0.89 m


def test_lab_trc_still_goes_to_the_marker_reader(fukuchi: Path, tmp_path: Path) -> None:
    names = ["LASI", "RASI", "LKNE", "RKNE", "LANK", "RANK"]
    base = np.array([[0, 120, 950], [0, -120, 950], [30, 100, 500], [30, -100, 500], [0, 90, 80], [0, -90, 80]], float)
    data = base[None] + np.random.default_rng(0).normal(size=(20, 6, 3))
    p = tmp_path / "lab.trc"
    _write_trc(p, names, data, 100.0, "mm")
    tr = read_trial(p, forward_axis="+X", vertical_axis="+Z")
    assert tr.markers is not None and tr.keypoints is None

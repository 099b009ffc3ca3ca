"""The whole keypoint analysis: JSON contract, sagittal angles, scale, report section, CLI.
SYNTHETIC keypoints of the REAL RBDS001 motion (tests/video_synth.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.analysis import AnalysisOptions, analyze
from stridelab.io.options import ReadOptions
from stridelab.kinematics.planar import (
    ankle_dorsiflexion,
    elbow_flexion,
    hip_flexion,
    knee_flexion,
    shank_angle,
    trunk_lean,
)
from stridelab.video.read_keypoints import keypoint_trial
from video_synth import synthetic_keypoints


def test_planar_angle_signs() -> None:
    hip, knee, ankle = np.array([[0.0, 1.0]]), np.array([[0.2, 0.6]]), np.array([[0.0, 0.2]])
    assert knee_flexion(hip, knee, ankle)[0] > 45  # knee ahead of hip and ankle: flexed
    assert abs(knee_flexion(hip, np.array([[0.0, 0.6]]), ankle)[0]) < 1e-9
    assert hip_flexion(hip, knee, np.array([[0.0, 1.5]]))[0] > 0  # thigh ahead of the trunk line
    assert trunk_lean(hip, np.array([[0.1, 1.5]]))[0] > 0  # leaning forward
    assert shank_angle(knee, np.array([[0.3, 0.2]]))[0] > 0  # ankle ahead of knee
    # toes up against a vertical shank: dorsiflexion
    assert ankle_dorsiflexion(np.array([[0.0, 0.5]]), np.array([[0.0, 0.1]]), np.array([[-0.05, 0.05]]), np.array([[0.15, 0.1]]))[0] > 0
    assert abs(elbow_flexion(np.array([[0.0, 1.4]]), np.array([[0.0, 1.1]]), np.array([[0.3, 1.1]]))[0] - 90) < 1e-9


def _analysis(fukuchi: Path, tmp_path: Path, **kw):
    names, xy, conf, t, ref, cam = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=9.0)
    tr = keypoint_trial(names, xy, conf, 60.0, t, tmp_path / "synthetic.csv", "synthetic", ReadOptions())
    return analyze(tr, AnalysisOptions(**kw)), ref, cam


def test_json_contract_and_values(fukuchi: Path, tmp_path: Path) -> None:
    a, ref, cam = _analysis(fukuchi, tmp_path, height_m=1.81)
    d = json.loads(json.dumps(a.to_json(), allow_nan=False))
    assert {"contacts", "steps", "summary", "angles", "video"} <= set(d)
    assert d["angles"]["plane"] == "sagittal_2d"
    assert {"hip_flexion", "knee_flexion", "ankle_dorsiflexion", "trunk_lean"} <= set(d["angles"]["left"])
    assert len(d["angles"]["left"]["knee_flexion"]["mean"]) == 101
    # knee flexion peaks in swing (> 80 deg at 3.5 m/s) and is small at contact
    assert max(d["angles"]["right"]["knee_flexion"]["mean"]) > 80
    assert 0 < d["summary"]["knee_flexion_ic_deg"] < 30
    # scale from the height: within 10% of the virtual camera's
    assert abs(d["video"]["m_per_px"] / cam.m_per_px() - 1) < 0.1
    # overstriding: the heel lands ahead of the hip for this runner (positive), under half a leg
    assert 0 < d["summary"]["overstride_m"] < 0.45
    # contact time vs the force plate (median), cadence
    gct_ref = float(np.median((ref.to_s - ref.ic_s) * 1000))
    assert abs(d["summary"]["gct_ms"] - gct_ref) < 30
    assert 160 < d["summary"]["cadence_spm"] < 185
    assert d["summary"]["foot_strike_pattern"] in ("rearfoot", "midfoot", "forefoot")
    assert "gct_ms_cv_pct" in d["video"]["variability"]


def test_without_height_distances_are_none(fukuchi: Path, tmp_path: Path) -> None:
    a, _, _ = _analysis(fukuchi, tmp_path)
    assert a.summary["overstride_m"] is None and a.summary["overstride_pct_leg"] is not None
    assert any("--height-m" in w for w in a.warnings)


def test_report_section_has_frames_and_curves(fukuchi: Path, tmp_path: Path) -> None:
    from stridelab.report.html import render

    a, _, _ = _analysis(fukuchi, tmp_path, height_m=1.81)
    page = render(a)
    assert "Video: posture at contact" in page
    assert page.count("data:image/jpeg;base64,") == 6  # IC, mid-stance, toe-off per side
    assert "not a diagnosis" in page


def test_cli_keypoint_csv_end_to_end(fukuchi: Path, tmp_path: Path, capsys) -> None:
    from stridelab.cli.main import main

    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=7.0)
    cols = {"time": t}
    for j, n in enumerate(names):
        cols[f"{n}_x"], cols[f"{n}_y"], cols[f"{n}_visibility"] = xy[:, j, 0], xy[:, j, 1], conf[:, j]
    p = tmp_path / "kp.csv"
    pd.DataFrame(cols).to_csv(p, index=False)
    out = tmp_path / "r.json"
    rc = main(["analyze", str(p), "--height-m", "1.81", "--json", str(out), "-q"])
    assert rc == 0, capsys.readouterr().err
    d = json.loads(out.read_text())
    assert d["provenance"]["methods"]["events"]["source"] == "video"
    # --video-out needs a video: a one-line usage error
    capsys.readouterr()
    rc2 = main(["analyze", str(p), "--video-out", str(tmp_path / "a.webm"), "-q"])
    err = capsys.readouterr().err
    assert rc2 == 2 and err.count("\n") == 1 and "video" in err


def test_arm_swing_and_elbow_from_a_synthetic_arm(fukuchi: Path, tmp_path: Path) -> None:
    """SYNTHETIC arms on the real legs: upper arm 0.3 m swinging +-30 deg about the vertical at the
    stride frequency, elbow held at 90 deg; expected arm swing 60 deg and elbow flexion 90 deg."""
    names, xy, conf, t, ref, cam = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=9.0, errors=False)
    px = 0.3 / cam.m_per_px()
    stride_s = float(np.median(np.diff(ref[ref.side == "left"].ic_s)))
    extra_names, extra = [], []
    for s_ in ("l_", "r_"):
        phase = 0.0 if s_ == "l_" else np.pi
        sh = xy[:, names.index(s_ + "shoulder")]
        ang = np.radians(30) * np.sin(2 * np.pi * t / stride_s + phase)
        el = sh + px * np.stack([np.sin(ang), np.cos(ang)], -1)  # image y down: the arm hangs down
        wr = el + 0.8 * px * np.stack([np.cos(ang), -np.sin(ang)], -1)  # forearm forward, 90 deg
        extra_names += [s_ + "elbow", s_ + "wrist"]
        extra += [el, wr]
    xy2 = np.concatenate([xy, np.stack(extra, 1)], axis=1)
    conf2 = np.ones(xy2.shape[:2])
    tr = keypoint_trial(names + extra_names, xy2, conf2, 60.0, t, tmp_path / "synthetic.csv", "synthetic", ReadOptions())
    a = analyze(tr, AnalysisOptions(height_m=1.81))
    assert abs(a.summary["elbow_flexion_deg"] - 90) < 3
    assert abs(a.summary["arm_swing_deg"] - 60) < 6
    assert "elbow_flexion" in a.sections["angles"]["left"]


@pytest.mark.parametrize("slower", [2, 4])
def test_slow_motion_is_refused_with_the_rate_that_gives_real_time(fukuchi: Path, tmp_path: Path, slower: int) -> None:
    """SYNTHETIC keypoints played 2x and 4x slower than filmed: no 86 or 43 steps/min result, but an
    error naming slow motion and the --rate-hz that restores real time."""
    from stridelab.errors import NotRunningError

    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=9.0)
    tr = keypoint_trial(names, xy, conf, 60.0 / slower, t * slower, tmp_path / "slow.csv", "synthetic", ReadOptions())
    with pytest.raises(NotRunningError, match=rf"slow-motion footage \(about {slower} times.*--rate-hz 60"):
        analyze(tr, AnalysisOptions())

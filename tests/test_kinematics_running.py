"""Per-step running kinematics, marker sets of other labs, and messages for missing markers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stridelab as sl
from stridelab.kinematics.model import compute_kinematics
from stridelab.kinematics.running import window_reduce
from stridelab.kinematics.virtual import prepare_markers
from stridelab.metrics.foot_strike import classify


def test_strike_patterns_use_the_cited_thresholds() -> None:
    assert classify(12.0) == "rearfoot" and classify(8.0) == "midfoot"
    assert classify(-1.6) == "midfoot" and classify(-5.0) == "forefoot"
    assert classify(20.0, method="cavanagh1980") == "rearfoot" and classify(50.0, method="cavanagh1980") == "midfoot"
    assert classify(80.0, method="cavanagh1980") == "forefoot" and classify(float("nan")) is None


def test_window_reduce_ignores_nan_and_short_windows() -> None:
    # synthetic
    t = np.arange(10.0)
    x = np.array([0, 1, 2, np.nan, 4, 5, 6, 7, 8, 9], float)
    a, b = np.array([0.0, 2.0, 8.5, np.nan]), np.array([4.0, 6.0, 9.0, 3.0])
    assert np.allclose(window_reduce(t, x, a, b, "max")[:2], [4, 6])
    assert np.allclose(window_reduce(t, x, a, b, "range")[:2], [4, 4])
    assert np.allclose(window_reduce(t, x, a, b, "mean")[:2], [7 / 4, 17 / 4])
    assert np.isnan(window_reduce(t, x, a, b, "max")[2:]).all()


@pytest.fixture(scope="module")
def run35(fukuchi: Path) -> sl.Analysis:
    t = sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d")
    return sl.analyze(t, sl.AnalysisOptions(mass_kg=62, height_m=1.81))


def test_running_kinematics_of_a_fore_midfoot_striker(run35: sl.Analysis) -> None:
    s = run35.summary
    # RBDS001 is labelled a forefoot striker in RBDSinfo.txt; its foot lands flat (docs/validation.md)
    assert -5.0 < s["foot_strike_angle_deg"] < 5.0
    assert s["foot_strike_pattern"] in ("midfoot", "forefoot")
    assert 40 < s["strike_index_pct"] < 90
    assert 0.05 < s["overstride_m"] < 0.25 and 5 < s["overstride_pct_leg"] < 25
    assert 0 < s["shank_angle_ic_deg"] < 15
    st = run35.steps
    assert (st["knee_flexion_peak_deg"] - st["knee_flexion_ic_deg"]).median() > 20
    assert 5 < s["hip_adduction_peak_deg"] < 20 and 0 < s["pelvic_drop_deg"] < 12
    assert st["elbow_flexion_deg"].isna().all()  # no arm markers
    # one plain line for the missing arm markers; the details stay in the methods
    assert any("not measured with this marker set: trunk lean and elbow flexion and arm swing" in w for w in run35.warnings)
    assert any("left elbow: needs l_shoulder" in m for m in run35.methods["kinematics"]["not_computed"])


def test_cluster_only_marker_set_with_trochanter_hip_centres(shared_data: Path) -> None:
    d = shared_data / "mocap" / "ric2024"
    t = sl.read(d / "20140515T133244_run.c3d", static=d / "20140515T133244_static.c3d")
    prepare_markers(t)
    assert t.static is not None and t.static.has("l_hjc", "r_hjc")
    gt = np.linalg.norm(np.nanmedian(t.static["l_gtr"] - t.static["r_gtr"], axis=0))
    hjc = np.linalg.norm(np.nanmedian(t.static["l_hjc"] - t.static["r_hjc"], axis=0))
    assert hjc == pytest.approx(0.5 * gt)  # a quarter from each trochanter
    kin = compute_kinematics(t)
    assert kin is not None
    assert kin.body.segments["pelvis"].method == "static_posture"
    assert any("pelvis: no ASIS/PSIS" in m for m in kin.body.messages)
    kf = kin.angles["knee_flexion"]["left"]
    assert np.isfinite(kf).mean() > 0.95
    assert 60 < np.nanpercentile(kf, 99) < 120 and np.nanpercentile(kf, 1) < 15
    assert set(kin.angles) >= {"hip_flexion", "ankle_dorsiflexion", "pelvis_tilt"}


def test_markers_that_cannot_support_angles_are_named(shared_data: Path) -> None:
    t = sl.read(shared_data / "mocap" / "pyorerun" / "Running_0002.c3d")
    a = sl.analyze(t, sl.AnalysisOptions(mass_kg=70))
    w = " | ".join(a.warnings)
    # without a static trial: named once, in plain words; the missing landmarks stay in the methods
    assert w.count("add --static FILE for joint angles") == 1
    assert "left thigh: missing" not in w and "inverse dynamics needs" not in w
    details = " | ".join(a.methods["kinematics"]["not_computed"])
    assert "left thigh: missing l_kjc, l_knee_med" in details
    assert "right foot: needs a static (standing) trial, or heel, toe and both malleoli" in details
    assert "hip_flexion" not in a.to_json()["angles"]
    assert np.isfinite(a.steps["shank_angle_ic_deg"]).all()  # from the lateral markers


def test_foot_without_standing_trial_follows_the_heel_toe_line(fukuchi: Path) -> None:
    from stridelab.kinematics.angles import joint_angles
    from stridelab.kinematics.frames import build_body
    from stridelab.kinematics.model import filter_markers

    t = sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d")
    prepare_markers(t)
    assert t.markers is not None
    mk, _ = filter_markers(t.markers, 12.0)
    with_static = joint_angles(build_body(mk, t.static))["ankle_dorsiflexion"]["right"]
    body = build_body(mk, None)
    assert body.segments["right_foot"].method == "heel_toe"
    assert any("heel-to-toe pitch" in m for m in body.messages)
    without = joint_angles(body)["ankle_dorsiflexion"]["right"]
    d = without - with_static
    # the same motion; a constant offset = the shoe's heel-to-metatarsal pitch in standing
    assert np.corrcoef(with_static[::10], without[::10])[0, 1] > 0.99
    assert np.nanstd(d) < 1.5 and 2 < abs(np.nanmedian(d)) < 15

"""Virtual IMUs from the real Fukuchi motion capture (the signals are synthetic, the motion real):
physics of the synthesis, mounting, the CLI, and the check against real IMU mean cycles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.cli.main import main as cli
from stridelab.dsp.rotation import gyro_prefix_orientation, quat_to_matrix
from stridelab.errors import InvalidInputError, NoValidResultError
from stridelab.io import read_trial
from stridelab.model.axes import UP
from stridelab.synth.imu import G, synthesize_imu


@pytest.fixture(scope="module")
def trial(fukuchi: Path):  # type: ignore[no-untyped-def]
    return read_trial(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d", start_s=0.0, end_s=8.0)


def test_gravity_and_gyro_consistent_with_orientation(trial) -> None:  # type: ignore[no-untyped-def]
    v = synthesize_imu(trial, ("sacrum", "right_foot"), noise=0.0, mount_deg=0.0)
    sac = v.sensors["sacrum"]
    # the pelvis is upright on average: the mean specific force is gravity along the segment's UP
    mean = sac.acc_mps2.mean(axis=0)
    assert mean[UP] == pytest.approx(G, abs=1.0) and np.linalg.norm(mean) == pytest.approx(G, abs=1.0)
    # integrating the synthetic gyroscope reproduces the marker-based orientation over 1 s
    foot = v.sensors["right_foot"]
    r = v.segment_r_["right_foot"]
    k0, k1 = 300, 450
    q = gyro_prefix_orientation(foot.gyr_radps[k0 : k1 + 1], foot.rate_hz)
    r_gyro = r[k0] @ quat_to_matrix(q[-1])
    err = np.degrees(np.arccos(np.clip((np.trace(r_gyro.T @ r[k1]) - 1) / 2, -1, 1)))
    assert err < 2.0
    assert v.metadata["synthetic"] == "true" and len(v.contacts) >= 20


def test_mounting_rotates_the_signals(trial) -> None:  # type: ignore[no-untyped-def]
    a = synthesize_imu(trial, ("left_shank",), noise=0.0, mount_deg=0.0)
    b = synthesize_imu(trial, ("left_shank",), noise=0.0, mount_deg=180.0, seed=3)
    m = b.mount_["left_shank"]
    assert np.allclose(m.T @ m, np.eye(3), atol=1e-9) and np.linalg.det(m) == pytest.approx(1.0)
    # sensor = mount^T segment, for both accelerometer and gyroscope
    np.testing.assert_allclose(b.sensors["left_shank"].acc_mps2, a.sensors["left_shank"].acc_mps2 @ m, atol=1e-9)
    np.testing.assert_allclose(b.sensors["left_shank"].gyr_radps, a.sensors["left_shank"].gyr_radps @ m, atol=1e-9)
    # noise and bias are seeded
    c1 = synthesize_imu(trial, ("left_shank",), noise=1.0, seed=5).sensors["left_shank"].acc_mps2
    c2 = synthesize_imu(trial, ("left_shank",), noise=1.0, seed=5).sensors["left_shank"].acc_mps2
    np.testing.assert_array_equal(c1, c2)


def test_bad_requests(trial, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError, match="no virtual sensor site"):
        synthesize_imu(trial, ("left_wrist",))
    acc = read_trial(shared_data / "wearable" / "accel" / "acc_running.csv.gz", end_s=5)
    with pytest.raises(InvalidInputError, match="markers"):
        synthesize_imu(acc)
    # a segment with fewer than 3 markers cannot carry a sensor
    mk = trial.markers
    keep = [i for i, n in enumerate(mk.names) if not n.startswith("l_") or "shank" in n]
    bare = read_trial(shared_data / "mocap" / "fukuchi2017" / "RBDS001runT35.c3d", end_s=2)
    bare.markers = type(mk)(mk.positions_m[:, keep], [mk.names[i] for i in keep], [mk.original_names[i] for i in keep], mk.rate_hz, mk.time_s)
    with pytest.raises(NoValidResultError, match="at least 3 markers"):
        synthesize_imu(bare, ("left_foot",))


def test_cluster_marker_set_falls_back_to_standing_axes(shared_data: Path) -> None:
    ric = shared_data / "mocap" / "ric2024"
    t = read_trial(ric / "20140515T133244_run.c3d", static=ric / "20140515T133244_static.c3d", end_s=4)
    v = synthesize_imu(t, ("left_foot", "sacrum"), noise=0.0, mount_deg=0.0)
    assert any("standing posture" in m for m in v.messages)
    # standing axes: the pelvis is still upright on average
    assert v.sensors["sacrum"].acc_mps2.mean(axis=0)[UP] == pytest.approx(G, abs=1.5)
    assert v.contacts.empty and any("no force plate" in m for m in v.messages)


def test_cli_synth_then_analyze(fukuchi: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, truth = tmp_path / "v.csv", tmp_path / "truth.csv"
    code = cli(
        ["synth", "imu", str(fukuchi / "RBDS001runT35.c3d"), "--static", str(fukuchi / "RBDS001static.c3d"), "--out", str(out),
         "--locations", "left_foot,right_foot,sacrum", "--mount-deg", "180", "--seed", "2", "--rate-hz", "200", "--truth", str(truth),
         "--end-s", "10", "-q"]
    )  # fmt: skip
    assert code == 0
    head = out.read_text(encoding="utf-8").splitlines()[:12]
    assert "# synthetic=true" in head and any(h.startswith("time_s,location,acc_x") for h in head)
    code = cli(["analyze", str(out), "--json", str(tmp_path / "r.json"), "-q"])
    assert code == 0
    import json

    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["imu"]["synthetic"] is True
    assert {c["source"] for c in doc["contacts"]} == {"imu:left_foot:kink", "imu:right_foot:kink"}
    assert doc["summary"]["speed_mps"] == pytest.approx(3.5, abs=0.2)
    assert cli(["synth", "imu", str(fukuchi / "RBDS001runT35.c3d"), "--out", str(tmp_path / "x.txt")]) == 2
    assert "must end in" in capsys.readouterr().err


def test_synthetic_cycles_resemble_real_imu(shared_data: Path) -> None:
    """Sagittal angular velocity of synthetic foot and shank cycles vs real IMU mean cycles."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("imu_cycles", Path(__file__).resolve().parents[1] / "validation" / "imu_cycles.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    real = mod.real_cycles(shared_data / "wearable" / "imu_mean_cycles" / "P01_normrunning.mat")
    syn = mod.synthetic_cycles()
    for seg in ("foot_r", "foot_l", "tibia_r", "tibia_l"):
        r = np.corrcoef(syn[("gyro", seg)][:, 2], real[("gyro", seg)][:, 2])[0, 1]
        assert r > 0.85, seg
    # the pelvis's vertical acceleration follows the real one too
    assert np.corrcoef(syn[("acc", "pelvis")][:, 1], real[("acc", "pelvis")][:, 1])[0, 1] > 0.8

"""Inverse dynamics: a synthetic quasi-static leg with a known answer, and joint powers on real
data."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.forces.grf import Grf
from stridelab.kinematics.frames import Body, Segment
from stridelab.kinetics.inverse_dynamics import angular_velocity, leg_kinetics


def _static_leg(n: int = 50) -> Body:
    """Synthetic: a vertical leg standing still (hip 0.9 m, knee 0.5 m, ankle 0.1 m high)."""
    b = Body(np.arange(n) / 100.0, 100.0)
    eye = np.broadcast_to(np.eye(3), (n, 3, 3)).copy()

    def pt(z: float) -> np.ndarray:
        return np.tile([0.0, 0.0, z], (n, 1))

    b.segments["pelvis"] = Segment("pelvis", None, eye.copy(), pt(0.95), pt(0.95), pt(0.95), "synthetic")
    b.segments["right_thigh"] = Segment("thigh", "right", eye.copy(), pt(0.9), pt(0.9), pt(0.5), "synthetic")
    b.segments["right_shank"] = Segment("shank", "right", eye.copy(), pt(0.5), pt(0.5), pt(0.1), "synthetic")
    b.segments["right_foot"] = Segment("foot", "right", eye.copy(), pt(0.1), pt(0.1), pt(0.0), "synthetic")
    return b


def test_quasi_static_moments_equal_the_ground_force_lever_arm() -> None:
    n, mass = 50, 70.0
    body = _static_leg(n)
    f = np.tile([0.0, 0.0, 700.0], (n, 1))
    cop = np.tile([0.10, 0.0, 0.0], (n, 1))  # 10 cm ahead of the joint line
    grf = Grf(body.time_s, 100.0, f, cop, np.zeros(n))
    jk = leg_kinetics(body, {"right": grf}, mass, "male")
    # COP ahead of every joint: 70 N·m plantarflexor, knee flexor (= -extensor) and hip extensor moment
    assert np.allclose(jk.moments["ankle_plantarflexion"]["right"], 1.0, atol=1e-9)
    assert np.allclose(jk.moments["knee_extension"]["right"], -1.0, atol=1e-9)
    assert np.allclose(jk.moments["hip_extension"]["right"], 1.0, atol=1e-9)
    assert np.allclose(jk.moments["knee_abduction"]["right"], 0.0, atol=1e-9)
    assert np.allclose(jk.powers["knee"]["right"], 0.0, atol=1e-9)
    assert any("left leg" in m for m in jk.messages)


def test_angular_velocity_of_a_synthetic_spin() -> None:
    t = np.arange(0, 1, 0.01)
    w = 2.0  # rad/s about the vertical
    c, s = np.cos(w * t), np.sin(w * t)
    r = np.zeros((len(t), 3, 3))
    r[:, 0, 0], r[:, 0, 1], r[:, 1, 0], r[:, 1, 1], r[:, 2, 2] = c, -s, s, c, 1.0
    om = angular_velocity(r, 100.0)
    assert np.allclose(om[1:-1], [0, 0, w], atol=2e-3)


def test_joint_power_work_on_real_data(fukuchi) -> None:  # type: ignore[no-untyped-def]
    import stridelab as sl

    t = sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d")
    a = sl.analyze(t, sl.AnalysisOptions(mass_kg=62))
    p = a.to_json()["powers"]
    dt = 0.70 / 100  # ~ stride time / 100
    for side in ("left", "right"):
        knee = np.asarray(p["knee"][side]["mean"])
        ankle = np.asarray(p["ankle"][side]["mean"])
        # the knee absorbs more than it generates in running, the ankle generates in push-off
        assert knee.min() < -5 and np.sum(np.minimum(knee, 0)) * dt < -0.2
        assert ankle.max() > 5
    assert p["knee"]["left"]["n_strides"] == pytest.approx(a.to_json()["angles"]["knee_flexion"]["left"]["n_strides"], abs=3)

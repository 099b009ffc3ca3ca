"""Angle decomposition and sign conventions (synthetic rotations, labelled as such), and the
trunk and elbow angles against a hand calculation on real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.kinematics.angles import cardan_yxz, cardan_zxy, elbow_flexion, joint_angles, pelvis_angles
from stridelab.kinematics.frames import Body, Segment


def rx(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def test_cardan_decompositions_recover_synthetic_angles() -> None:
    rng = np.random.default_rng(0)
    abc = rng.uniform(-1.2, 1.2, (50, 3))
    r = np.stack([ry(a) @ rx(b) @ rz(c) for a, b, c in abc])
    assert np.allclose(cardan_yxz(r), abc, atol=1e-12)
    r2 = np.stack([rz(a) @ rx(b) @ ry(c) for a, b, c in abc])
    assert np.allclose(cardan_zxy(r2), abc, atol=1e-12)


def _seg(name: str, side: str | None, r: np.ndarray) -> Segment:
    z = np.zeros((1, 3))
    return Segment(name, side, r[None], z, z, z, "synthetic")


def _body(**segs: np.ndarray) -> Body:
    b = Body(np.zeros(1), 100.0)
    for key, r in segs.items():
        side, _, name = key.rpartition("_") if key != "pelvis" else (None, "", "pelvis")
        b.segments[key] = _seg(name, side or None, r)
    return b


def _thigh_with_knee_at(v: np.ndarray) -> np.ndarray:
    """Synthetic thigh frame whose superior axis points from the knee (at ``v`` below the hip) up."""
    up = -v / np.linalg.norm(v)
    x = np.cross([0.0, 1.0, 0.0], up)
    x /= np.linalg.norm(x)
    return np.stack([x, np.cross(up, x), up], axis=1)


@pytest.mark.parametrize("side", ["left", "right"])
def test_clinical_signs_are_the_same_on_both_sides(side: str) -> None:
    lat = 1.0 if side == "left" else -1.0  # lateral direction along the lab's LEFT axis
    eye = np.eye(3)
    # synthetic: knee forward of the hip = hip flexion; knee medial of the hip = adduction
    flexed = _thigh_with_knee_at(np.array([0.3, 0.0, -0.35]))
    adducted = _thigh_with_knee_at(np.array([0.0, -lat * 0.1, -0.4]))
    for thigh, name in ((flexed, "hip_flexion"), (adducted, "hip_adduction")):
        ang = joint_angles(_body(pelvis=eye, **{f"{side}_thigh": thigh}))
        assert ang[name][side][0] > 10.0
    # internal rotation: the thigh's anterior axis turns medially
    internal = rz(-lat * np.radians(20))
    assert joint_angles(_body(pelvis=eye, **{f"{side}_thigh": internal}))["hip_rotation"][side][0] == pytest.approx(20.0)
    # knee flexion: shank superior axis tilted forward relative to the thigh (ankle behind)
    shank = ry(np.radians(30))
    assert joint_angles(_body(**{f"{side}_thigh": eye, f"{side}_shank": shank}))["knee_flexion"][side][0] == pytest.approx(30.0)
    # dorsiflexion: the foot's anterior axis turns up; inversion: the sole turns medially
    foot_up = ry(-np.radians(15))
    assert joint_angles(_body(**{f"{side}_shank": eye, f"{side}_foot": foot_up}))["ankle_dorsiflexion"][side][0] == pytest.approx(15.0)
    inverted = rx(-lat * np.radians(10))  # superior axis tilts laterally: sole faces medially
    assert joint_angles(_body(**{f"{side}_shank": eye, f"{side}_foot": inverted}))["ankle_inversion"][side][0] == pytest.approx(10.0)


def test_pelvis_angles_per_side() -> None:
    # synthetic: anterior tilt 10 deg, left side raised 5 deg, right side forward 8 deg
    r = rz(np.radians(8)) @ rx(np.radians(5)) @ ry(np.radians(10))
    p = pelvis_angles(_body(pelvis=r))
    assert p["pelvis_tilt"]["left"][0] == pytest.approx(10.0)
    assert p["pelvis_obliquity"]["left"][0] == pytest.approx(5.0) and p["pelvis_obliquity"]["right"][0] == pytest.approx(-5.0)
    assert p["pelvis_rotation"]["right"][0] == pytest.approx(8.0) and p["pelvis_rotation"]["left"][0] == pytest.approx(-8.0)


def test_elbow_flexion_straight_and_bent() -> None:
    b = Body(np.zeros(2), 100.0)
    b.points["left_shoulder"] = np.array([[0, 0, 1.4], [0, 0, 1.4]], float)
    b.points["left_elbow"] = np.array([[0, 0, 1.1], [0, 0, 1.1]], float)
    b.points["left_wrist"] = np.array([[0, 0, 0.85], [0.25, 0, 1.1]], float)
    assert np.allclose(elbow_flexion(b, "left"), [0.0, 90.0])


def test_trunk_and_elbow_match_hand_calculation(shared_data: Path) -> None:
    import ezc3d

    import stridelab as sl
    from stridelab.kinematics.model import compute_kinematics
    from stridelab.kinematics.virtual import prepare_markers

    path = shared_data / "mocap" / "pyorerun" / "Running_0002.c3d"
    c = ezc3d.c3d(str(path))
    labels = [s.strip() for s in c["parameters"]["POINT"]["LABELS"]["value"]]

    def m(n: str) -> np.ndarray:
        return c["data"]["points"][:3, labels.index(n), :].T / 1000.0

    v = 0.5 * (m("C7") + m("Clav")) - 0.5 * (m("T10") + m("Sternum"))
    trunk = np.degrees(np.arctan(-v[:, 0] / v[:, 2]))  # file axes: running along -X, Z up
    s, e, w = m("RAcromium"), m("RElbowLat"), 0.5 * (m("RWristLat") + m("RWristMed"))
    a, b_, d = (np.linalg.norm(x, axis=1) for x in (s - e, e - w, s - w))
    elbow = 180 - np.degrees(np.arccos((a**2 + b_**2 - d**2) / (2 * a * b_)))
    t = sl.read(path)
    prepare_markers(t)
    kin = compute_kinematics(t, None)
    assert kin is not None
    assert np.allclose(kin.angles["trunk_lean"]["left"], trunk, atol=1e-6)
    assert np.allclose(kin.angles["elbow_flexion"]["right"], elbow, atol=1e-6)
    assert 3 < float(np.mean(trunk)) < 15 and 60 < float(np.mean(elbow)) < 120  # running posture

"""Toe-off from the toe segment's inclination (stridelab.events.toe_segment): a SYNTHETIC foot with
known geometry (labelled), and the real trials of the two labs with toe markers (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.events.foot_model import build_foot_model
from stridelab.events.markers import detect_marker_contacts
from stridelab.events.toe_segment import (
    DEFAULT_ANGLE_DEG,
    DEFAULT_JOINT_HEIGHT_M,
    angle_toe_off,
    toe_segment_angle,
)
from stridelab.model.trial import MarkerData, Trial

RATE_HZ = 200.0
#: SYNTHETIC right foot, flat, in metres (forward, left, up): rear-foot markers and a toe-box marker.
REAR = {"r_heel_bottom": (0.0, 0.0, 0.035), "r_heel_lat": (0.03, -0.03, 0.045), "r_mt1": (0.19, 0.035, 0.03), "r_mt5": (0.165, -0.04, 0.025)}
TOE = ("r_toe", (0.26, -0.0025, 0.03))  # in line with the joint: its inclination turns exactly with the toes


def _rot_y(angle_rad: np.ndarray) -> np.ndarray:
    """Rotations that tip the forward axis down (heel up) by ``angle_rad``: (n, 3, 3)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    r = np.zeros((angle_rad.size, 3, 3))
    r[:, 0, 0], r[:, 0, 2], r[:, 1, 1], r[:, 2, 0], r[:, 2, 2] = c, s, 1.0, -s, c
    return r


def synthetic_push_off(rear_deg: np.ndarray, toe_deg: np.ndarray, t: np.ndarray) -> tuple[Trial, np.ndarray]:
    """SYNTHETIC foot: the rear foot turns heel-up by ``rear_deg`` about its MTP joint centre J (20 mm
    above the sole under the metatarsal markers, the sole being at the lowest marker, as
    stridelab.events.foot_model places it without a static trial), and the toe-box marker turns
    toe-down about J by ``toe_deg``. Returns the trial and J."""
    mt = np.mean([REAR["r_mt1"], REAR["r_mt5"]], axis=0)
    joint = np.array([mt[0], mt[1], min(p[2] for p in REAR.values()) + DEFAULT_JOINT_HEIGHT_M])
    r_rear, r_toe = _rot_y(np.radians(rear_deg)), _rot_y(np.radians(toe_deg))
    names, cols = [], []
    for name, p in (*REAR.items(), TOE):
        rot = r_toe if name == TOE[0] else r_rear
        cols.append(joint + np.einsum("nij,j->ni", rot, np.asarray(p) - joint))
        names.append(name)
    mk = MarkerData(np.stack(cols, axis=1), names, list(names), RATE_HZ, t)
    return Trial(markers=mk), joint


def test_inclination_of_a_synthetic_toe_segment_about_its_joint() -> None:
    t = np.arange(0.0, 0.6, 1.0 / RATE_HZ)
    rear = np.clip((t - 0.2) / 0.3, 0.0, None) * 50.0  # heel rises to 50 deg
    toe = np.clip((t - 0.3) / 0.3, 0.0, None) * 40.0  # the toes tip down from t = 0.3 s
    trial, joint = synthetic_push_off(rear, toe, t)
    model, why = build_foot_model(trial, "right")
    assert model is not None, why
    assert model.toe_names == ["r_toe"]
    angle = toe_segment_angle(model, trial.markers)  # type: ignore[arg-type]
    assert angle is not None
    v = np.asarray(TOE[1]) - joint
    flat = np.degrees(np.arctan2(-v[2], np.hypot(v[0], v[1])))
    ok = np.isfinite(angle)
    ok[:20] = ok[-20:] = False  # the filter's ends
    ok &= np.abs(t - 0.3) > 0.05  # and the kink where the toes start to turn (20 Hz low-pass)
    # the rear foot turning about the joint does not move the line; only the toes do
    assert np.allclose(angle[ok], flat + toe[ok], atol=0.3)


def test_toe_off_when_the_segment_has_turned_by_the_angle() -> None:
    t = np.arange(0.0, 0.6, 1.0 / RATE_HZ)
    rear = np.clip((t - 0.2) / 0.3, 0.0, None) * 50.0
    toe = np.clip((t - 0.3) / 0.2, 0.0, None) * 60.0  # 300 deg/s from t = 0.3 s
    trial, _ = synthetic_push_off(rear, toe, t)
    model, _ = build_foot_model(trial, "right")
    assert model is not None and trial.markers is not None
    angle = toe_segment_angle(model, trial.markers)
    assert angle is not None
    # contact [0.1, 0.42] s from the clearance rule; the segment reaches the angle at 0.3 + 33.9/300 s
    expected = 0.3 + DEFAULT_ANGLE_DEG / 300.0
    assert angle_toe_off(t, angle, 0.1, 0.42) == pytest.approx(expected, abs=0.002)
    # a larger angle is reached later; one never reached within the window gives NaN
    assert angle_toe_off(t, angle, 0.1, 0.42, angle_deg=45.0) == pytest.approx(0.45, abs=0.002)
    assert np.isnan(angle_toe_off(t, angle, 0.1, 0.42, angle_deg=80.0))


def test_feet_without_a_toe_box_marker_have_no_toe_segment() -> None:
    t = np.arange(0.0, 0.6, 1.0 / RATE_HZ)
    trial, _ = synthetic_push_off(np.zeros_like(t), np.zeros_like(t), t)
    mk = trial.markers
    assert mk is not None
    keep = [i for i, n in enumerate(mk.names) if n != "r_toe"]
    bare = Trial(markers=MarkerData(mk.positions_m[:, keep], [mk.names[i] for i in keep], [mk.names[i] for i in keep], RATE_HZ, t))
    model, _ = build_foot_model(bare, "right")
    assert model is not None and bare.markers is not None
    assert toe_segment_angle(model, bare.markers) is None


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "name", "static"), [("davis_qtm", "JDX_S999_run_0021.tsv", None), ("dorn2012", "JA1Gait21.c3d", "JA1Static05.c3d")])
def test_toe_off_on_the_labs_with_toe_markers(shared_data: Path, folder: str, name: str, static: str | None) -> None:
    """Real data: davis_qtm (Qualisys, 240 Hz, treadmill) and dorn2012 (Vicon, 250 Hz, overground
    jog): toe-off was 22 and 13 ms off with the clearance rule; with the toe segment within 5 ms and
    contact-time limits within +-15 ms."""
    import stridelab as sl
    from stridelab.events.agreement import match_contacts
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.kinematics.virtual import prepare_markers

    d = shared_data / "mocap" / folder
    tr = sl.read(d / name, static=d / static if static else None)
    prepare_markers(tr)
    ref = detect_force_contacts(tr).contacts
    before = match_contacts(ref, detect_marker_contacts(tr, toe_segment=False).contacts, 0.08)
    after = match_contacts(ref, detect_marker_contacts(tr).contacts, 0.08)
    assert len(after) == len(ref)
    assert np.mean(np.abs(before["to_err_ms"])) > 10.0
    assert np.mean(np.abs(after["to_err_ms"])) <= 5.0
    ct = after["gct_err_ms"].to_numpy()
    assert abs(ct.mean()) + 1.96 * ct.std(ddof=1) <= 15.0

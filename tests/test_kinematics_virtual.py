from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.dsp.rigid import fit_rigid, transform_points
from stridelab.io import read_trial
from stridelab.kinematics.virtual import harrington_hjc, prepare_markers


def _rot(axis: np.ndarray, ang: float) -> np.ndarray:
    a = axis / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(ang) * k + (1 - np.cos(ang)) * k @ k


def test_fit_rigid_recovers_known_poses_with_missing_markers() -> None:
    rng = np.random.default_rng(3)
    ref = rng.normal(0, 0.05, (4, 3))
    n = 50
    rs = np.stack([_rot(rng.normal(size=3), rng.uniform(-2, 2)) for _ in range(n)])
    ts = rng.normal(0, 1, (n, 3))
    cur = transform_points(rs, ts, ref)
    cur[5, 1] = np.nan  # one marker missing: 3 remain
    cur[6, :2] = np.nan  # two missing: pose unknown
    r, t, rms = fit_rigid(ref, cur)
    good = np.ones(n, bool)
    good[6] = False
    assert np.allclose(r[good], rs[good], atol=1e-9)
    assert np.allclose(t[good], ts[good], atol=1e-9)
    assert np.isnan(r[6]).all() and np.nanmax(rms) < 1e-9


def test_harrington_hjc_geometry() -> None:
    # pelvis facing +x, left +y, up +z; PW = 0.25 m, PD = 0.16 m
    la, ra = np.array([[0.0, 0.125, 1.0]]), np.array([[0.0, -0.125, 1.0]])
    lp, rp = np.array([[-0.16, 0.05, 1.0]]), np.array([[-0.16, -0.05, 1.0]])
    lh, rh = harrington_hjc(la, ra, lp, rp)
    assert lh[0] == pytest.approx([-0.24 * 0.16 - 0.0099, 0.33 * 0.25 + 0.0073, 1.0 - 0.30 * 0.25 - 0.0109])
    assert rh[0, 1] == pytest.approx(-(0.33 * 0.25 + 0.0073))


def test_static_landmarks_reconstructed_in_running_trial(fukuchi: Path) -> None:
    t = read_trial(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d")
    # the running trial's right MT1/MT5 labels are swapped relative to the static trial
    assert any("R.MT1 and R.MT5 look swapped" in w for w in t.quality.warnings)
    res = prepare_markers(t)
    assert t.markers is not None
    assert {"l_knee_lat", "r_ankle_med", "l_hjc", "r_kjc", "l_ajc"} <= set(t.markers.names)
    assert max(res.cluster_rms_mm.values()) < 3.0  # rigid clusters fit to a few mm
    thigh = np.nanmedian(np.linalg.norm(t.markers["l_hjc"] - t.markers["l_kjc"], axis=1))
    shank = np.nanmedian(np.linalg.norm(t.markers["l_kjc"] - t.markers["l_ajc"], axis=1))
    # 1.81 m runner: thigh ~0.245 H, shank ~0.246 H (Winter 2009)
    assert 0.40 < thigh < 0.50 and 0.38 < shank < 0.48

"""The rigid-body fit (Horn 1987 quaternion, closed form per frame) against the SVD solution
with Kabsch's reflection correction, on the real clusters of Fukuchi 2017 runner RBDS001."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.dsp.rigid import fit_rigid, rotation_from_covariance
from stridelab.io import read_trial
from stridelab.kinematics.frames import median_point


def kabsch(h: np.ndarray) -> np.ndarray:
    """Reference: R = V diag(1, 1, det(V U^T)) U^T from the SVD h = U S V^T (Kabsch 1976)."""
    u, _, vt = np.linalg.svd(h)
    v = vt.transpose(0, 2, 1)
    ut = u.transpose(0, 2, 1)
    v[:, :, 2] *= np.sign(np.linalg.det(np.matmul(v, ut)))[:, None]
    return np.matmul(v, ut)


def _clusters(example_dir: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    t = read_trial(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    mk, st = t.markers, t.static
    assert mk is not None and st is not None
    out = []
    for prefix in ("l_thigh_c", "r_thigh_c", "l_shank_c", "r_shank_c", "l_foot", "r_foot"):
        names = [n for n in st.names if n.startswith(prefix) and n in mk.names] if "foot" not in prefix else [
            n for n in (prefix[:2] + s for s in ("heel_bottom", "heel_top", "heel_lat", "mt1", "mt5")) if n in mk.names and n in st.names
        ]
        if len(names) >= 3:
            ref = np.stack([median_point(st[n]) for n in names])
            out.append((ref, mk.positions_m[:, [mk.names.index(n) for n in names], :]))
    return out


def test_fit_rigid_equals_the_svd_solution_on_real_clusters(example_dir: Path) -> None:
    clusters = _clusters(example_dir)
    assert len(clusters) >= 4
    n_reflect = 0
    for ref, cur in clusters:
        r, t, rms = fit_rigid(ref, cur)
        p = ref - ref.mean(axis=0)
        q = cur - cur.mean(axis=1, keepdims=True)
        h = np.einsum("ka,nkb->nab", p, q)
        n_reflect += int((np.linalg.det(h) <= 0).sum())
        r_ref = kabsch(h)
        t_ref = cur.mean(axis=1) - np.einsum("nab,b->na", r_ref, ref.mean(axis=0))
        assert np.max(np.abs(r - r_ref)) < 1e-12
        assert np.max(np.abs(t - t_ref)) < 1e-12
        pred = np.einsum("nab,kb->nka", r_ref, ref) + t_ref[:, None, :]
        assert np.allclose(rms, np.sqrt(((pred - cur) ** 2).sum(axis=(1, 2)) / ref.shape[0]), rtol=1e-9, atol=1e-15)
    # the foot markers are nearly coplanar: some frames' best orthogonal matrix is a reflection,
    # where the rotation must still be the best proper one
    assert n_reflect > 100


def test_rotation_from_covariance_flags_degenerate_clusters() -> None:
    rng = np.random.default_rng(0)
    line = np.outer(np.linspace(-1, 1, 4), [1.0, 2.0, 0.5])  # collinear markers: rank 1
    h = np.stack([line.T @ (line + rng.normal(0, 1e-13, line.shape)), np.zeros((3, 3)), rng.normal(size=(3, 3))])
    r, degenerate = rotation_from_covariance(h)
    assert degenerate.tolist() == [True, True, False]
    assert np.allclose(r[2] @ r[2].T, np.eye(3), atol=1e-12) and np.linalg.det(r[2]) > 0
    assert np.allclose(r[2], kabsch(h[2:]))


def test_fit_rigid_with_gaps_matches_per_frame_svd(example_dir: Path) -> None:
    """Missing markers (synthetic gaps in the real cluster): each frame uses its visible markers."""
    ref, cur = _clusters(example_dir)[0]
    cur = cur[:600].copy()
    rng = np.random.default_rng(5)
    cur[rng.random(cur.shape[:2]) < 0.2] = np.nan
    r, t, _ = fit_rigid(ref, cur)
    for i in range(0, 600, 7):
        ok = np.isfinite(cur[i]).all(axis=1)
        if ok.sum() < 3:
            assert np.isnan(r[i]).all()
            continue
        p, q = ref[ok] - ref[ok].mean(axis=0), cur[i, ok] - cur[i, ok].mean(axis=0)
        assert np.max(np.abs(r[i] - kabsch((p.T @ q)[None])[0])) < 1e-11


def test_rotations_of_every_angle_match_the_svd_solution(example_dir: Path) -> None:
    """A real cluster shape turned by SYNTHETIC rotations of every angle up to 180 degrees (where
    the quaternion's scalar part vanishes and another adjugate row is used), with 1 mm noise."""
    ref, _ = _clusters(example_dir)[0]
    rng = np.random.default_rng(11)
    n = 3000
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    ang = np.linspace(0.0, np.pi, n)
    k = np.zeros((n, 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k -= k.transpose(0, 2, 1)
    rot = np.eye(3) + np.sin(ang)[:, None, None] * k + (1 - np.cos(ang))[:, None, None] * (k @ k)
    cur = np.einsum("nab,kb->nka", rot, ref) + rng.normal(0, 0.001, (n, len(ref), 3))
    r, _, _ = fit_rigid(ref, cur)
    h = np.einsum("ka,nkb->nab", ref - ref.mean(axis=0), cur - cur.mean(axis=1, keepdims=True))
    assert np.max(np.abs(r - kabsch(h))) < 1e-12
    assert np.max(np.abs(r - rot)) < 0.1  # and near the true rotation despite the noise

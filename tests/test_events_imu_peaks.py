"""The vectorised IMU signal helpers give exactly what their plain loops give (the loops are kept
here as the reference): peak picking, moving means, quaternion rotation, segmented integration."""

from __future__ import annotations

import numpy as np

from stridelab.dsp.rotation import (
    gyro_prefix_orientation,
    quat_conj,
    quat_mul,
    quat_rotate,
    quat_to_matrix,
    segment_orientation,
)
from stridelab.events.imu_align import moving_mean
from stridelab.events.imu_peaks import local_extrema


def _greedy_peaks(x: np.ndarray, min_distance: int, height: float | None = None) -> np.ndarray:
    """scipy.signal.find_peaks(distance=...) semantics, as a loop: higher peaks first."""
    xf = np.where(np.isfinite(x), x, -np.inf)
    cand = np.flatnonzero((xf[1:-1] > xf[:-2]) & (xf[1:-1] >= xf[2:])) + 1
    if height is not None:
        cand = cand[xf[cand] > height]
    if cand.size == 0 or min_distance <= 1:
        return cand
    taken = np.zeros(x.size, dtype=bool)
    keep = []
    for i in cand[np.argsort(-xf[cand], kind="stable")]:
        if not taken[max(0, i - min_distance + 1) : i + min_distance].any():
            keep.append(i)
            taken[i] = True
    return np.sort(np.asarray(keep, dtype=int))


def test_local_extrema_matches_the_greedy_loop() -> None:
    rng = np.random.default_rng(0)
    for k in range(1500):
        n = int(rng.integers(3, 250))
        x = rng.normal(size=n)
        if k % 3 == 0:
            x = np.round(x, 1)  # ties
        if k % 5 == 0:
            x[rng.integers(0, n, 3)] = np.nan
        d = int(rng.integers(1, 40))
        h = 0.0 if k % 2 else None
        assert np.array_equal(local_extrema(x, d, h), _greedy_peaks(x, d, h)), (k, n, d)


def test_moving_mean_matches_the_indexed_sum() -> None:
    rng = np.random.default_rng(1)
    for n in (1, 2, 5, 11, 100):
        for win in (1, 2, 3, 4, 7, 10, 200):
            x = rng.normal(size=(n, 3))
            i = np.arange(n)
            lo, hi = np.clip(i - win // 2, 0, n), np.clip(i + win - win // 2, 0, n)
            c = np.vstack([np.zeros((1, 3)), np.cumsum(x, axis=0)])
            assert np.allclose(moving_mean(x, win), (c[hi] - c[lo]) / (hi - lo)[:, None])
            assert np.allclose(moving_mean(x[:, 0], win), ((c[hi] - c[lo]) / (hi - lo)[:, None])[:, 0])


def test_quaternion_rotation_and_segmented_integration() -> None:
    rng = np.random.default_rng(2)
    q = rng.normal(size=(100, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    v = rng.normal(size=(100, 3))
    assert np.allclose(quat_rotate(q, v), np.einsum("nij,nj->ni", quat_to_matrix(q), v))
    omega = rng.normal(size=(3000, 3)) * 4.0
    starts, stops = np.array([3, 400, 1000]), np.array([390, 999, 2990])
    qs, seg, j = segment_orientation(omega, 200.0, starts, stops)
    full = gyro_prefix_orientation(omega, 200.0)
    for k, (a, b) in enumerate(zip(starts, stops, strict=True)):
        rel = quat_mul(quat_conj(np.broadcast_to(full[a], (b - a + 1, 4))), full[a : b + 1])
        got = qs[seg == k]
        assert np.array_equal(j[seg == k], np.arange(a, b + 1))
        assert np.allclose(np.abs(np.sum(got * rel, axis=1)), 1.0, atol=1e-9)

"""Clean-up of video keypoints: swaps, gaps, jitter, facing, environment, person switches, frame rate.
SYNTHETIC keypoints of the REAL RBDS001 running motion (tests/video_synth.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.model.trial import Keypoints2D, QualityLog
from stridelab.video.cleanup import clean_keypoints, fix_swaps
from stridelab.video.smooth import frequency_response, smooth_keypoints
from video_synth import synthetic_keypoints


def _clean(names, xy, conf, t, fps):
    q = QualityLog()
    kp, info = clean_keypoints(Keypoints2D(list(names), xy, conf, fps, t), q)
    return kp, info, q


def test_leg_swaps_are_put_right(fukuchi: Path) -> None:
    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=5.0, errors=False)
    bad = xy.copy()
    li = [i for i, n in enumerate(names) if n.startswith("l_") and "shoulder" not in n]
    ri = [names.index("r_" + names[i][2:]) for i in li]
    swapped = [30, 31, 32, 100, 150, 151]
    for f in swapped:
        bad[f, li], bad[f, ri] = xy[f, ri], xy[f, li]
    out, _, sw = fix_swaps(bad, conf.copy(), list(zip(li, ri, strict=True)), (0.05 * 200) ** 2)
    assert set(np.flatnonzero(sw)) == set(swapped)
    assert np.allclose(out, xy)


def test_smoothing_reduces_jitter_and_fills_short_gaps_only(fukuchi: Path) -> None:
    names, clean, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=5.0, errors=False)
    rng = np.random.default_rng(3)
    noisy = clean + rng.normal(size=clean.shape) * 3.0
    noisy[100:104, 2] = np.nan  # 4 frames = 67 ms: filled
    noisy[200:220, 3] = np.nan  # 20 frames = 333 ms: left missing
    c = np.where(np.isfinite(noisy[..., 0]), conf, 0.0)
    sm, counts = smooth_keypoints(noisy, c, 60.0)
    err_raw = np.nanmean(np.abs(noisy - clean))
    err_sm = np.nanmean(np.abs(sm - clean))
    assert err_sm < 0.7 * err_raw
    assert np.isfinite(sm[100:104, 2]).all() and np.isnan(sm[200:220, 3]).all()
    assert counts["frames_filled"] == 4
    f, g = frequency_response(60.0)
    assert 8.0 < f[np.argmax(g < 0.7071)] < 14.0  # about 11 Hz at 60 fps


def test_facing_left_mirrors_and_environment(fukuchi: Path) -> None:
    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=5.0, errors=False)
    _, info, _ = _clean(names, xy, conf, t, 60.0)
    assert info.facing == "right" and info.environment == "treadmill"
    mirrored = xy.copy()
    mirrored[..., 0] = 1280 - mirrored[..., 0]
    _, info_l, _ = _clean(names, mirrored, conf, t, 60.0)
    assert info_l.facing == "left"
    # the same motion crossing the image at 3.5 m/s (camera fixed): overground
    moving = xy.copy()
    moving[..., 0] += (t - t[0])[:, None] * 3.5 / (1.8 / 432)
    _, info_o, _ = _clean(names, moving, conf, t, 60.0)
    assert info_o.environment == "overground"


def test_person_switch_keeps_the_longest_stretch(fukuchi: Path) -> None:
    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=5.0, errors=False)
    other = xy.copy()
    other[:60] += np.array([500.0, 0.0])  # the first second is someone else
    kp, info, q = _clean(names, other, conf, t, 60.0)
    assert np.isnan(kp.xy_px[:55]).all() and np.isfinite(kp.xy_px[70:, 0, 0]).all()
    assert any("more than one person" in w for w in q.warnings)


def test_low_frame_rate_is_said(fukuchi: Path) -> None:
    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=30, t0=1.0, t1=4.0)
    _, _, q = _clean(names, xy, conf, t, 30.0)
    assert any("60 fps" in w for w in q.warnings)


def _fix_swaps_per_frame(xy: np.ndarray, conf: np.ndarray, pairs: list[tuple[int, int]], swap_cost_px2: float) -> np.ndarray:
    """The previous implementation (before issue 12, b746460): every frame's costs in a Python loop. The states."""
    n = xy.shape[0]
    li, ri = [a for a, _ in pairs], [b for _, b in pairs]
    both = np.stack([xy[:, li + ri], xy[:, ri + li]], axis=1)
    wts = np.stack([conf[:, li + ri], conf[:, ri + li]], axis=1)
    valid = np.isfinite(both[..., 0])
    best = np.zeros((2, 2))
    best[:, 1] += swap_cost_px2
    best[1, :] += swap_cost_px2
    back = np.zeros((n, 2, 2), dtype=np.int8)
    for t in range(2, n):
        new = np.full((2, 2), np.inf)
        for s1 in (0, 1):
            for s2 in (0, 1):
                pred = 2 * both[t - 1, s1][None] - both[t - 2, :]
                d = both[t, s2][None] - pred
                ok = valid[t, s2][None] & valid[t - 1, s1][None] & valid[t - 2, :]
                w = np.sqrt(np.clip(wts[t, s2][None], 0, 1) * np.clip(wts[t - 1, s1][None], 0, 1))
                c = np.where(ok, w * np.sum(np.nan_to_num(d) ** 2, axis=-1), 0.0).sum(axis=-1)
                tot = best[:, s1] + c + (swap_cost_px2 if s2 else 0.0)
                j = int(np.argmin(tot))
                new[s1, s2] = tot[j]
                back[t, s1, s2] = j
        best = new
    last = np.unravel_index(int(np.argmin(best)), best.shape)
    states = np.zeros(n, dtype=np.int8)
    states[n - 1], states[n - 2] = int(last[1]), int(last[0])
    for t in range(n - 1, 1, -1):
        states[t - 2] = back[t, states[t - 1], states[t]]
    return states.astype(bool)


def test_vectorised_swaps_equal_the_per_frame_viterbi(fukuchi: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: the costs of all frames at once (in blocks) choose exactly the states the per-frame loop chose,
    on SYNTHETIC keypoints of real motion with swaps, noise and gaps and on random points with NaN confidences."""
    import stridelab.video.cleanup as cleanup

    names, xy, conf, t, *_ = synthetic_keypoints(fukuchi, fps=60, t0=1.0, t1=4.0, errors=True)
    pairs = cleanup._pairs(list(names), cleanup.LEG)
    xy = xy.copy()
    for f in (30, 31, 32, 100):  # planted label swaps
        for a, b in pairs:
            xy[f, [a, b]] = xy[f, [b, a]]
    rng = np.random.default_rng(12)
    cases = [(xy, conf, pairs, 100.0)]
    for _ in range(60):
        n, k = int(rng.integers(3, 90)), int(rng.integers(2, 14))
        x = rng.normal(size=(n, k, 2)) * rng.choice([1.0, 50.0, 500.0])
        x[rng.random((n, k)) < 0.2] = np.nan
        c = rng.random((n, k)) * 1.3 - 0.1
        c[rng.random((n, k)) < 0.05] = np.nan
        cases.append((x, c, [(i, i + k // 2) for i in range(k // 2)], float(rng.choice([0.0, 1.0, 1e4]))))
    for x, c, p, cost in cases:
        want = _fix_swaps_per_frame(x, c, p, cost)
        for block in (4096, 7):  # one block, and many blocks with their seams
            monkeypatch.setattr(cleanup, "SWAP_BLOCK_FRAMES", block)
            _, _, sw = fix_swaps(x, c, p, cost)
            assert np.array_equal(sw, want)
    assert _fix_swaps_per_frame(xy, conf, pairs, 100.0).any()  # the real-motion case has swaps to find

"""Clean-up of video keypoints: swaps, gaps, jitter, facing, environment, person switches, frame rate.
SYNTHETIC keypoints of the REAL RBDS001 running motion (tests/video_synth.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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

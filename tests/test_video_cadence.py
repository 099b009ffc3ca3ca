"""Video cadence from the periodicity of the feet (SYNTHETIC keypoints; the real video and the
virtual cameras are in validation/video_cadence.py and the slow test of test_video_events_label_free)."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.video.cadence import feet_spread_px, periodicity_cadence_spm
from stridelab.video.sagittal import SagittalKeypoints


def _keypoints(fps: float, steps_per_s: float, swap_share: float, seed: int, missing: float = 0.0) -> SagittalKeypoints:
    rng = np.random.default_rng(seed)
    t = np.arange(0, 12, 1 / fps)
    phase = np.pi * steps_per_s * t  # one stride = two steps
    left = np.column_stack([300 + 80 * np.sin(phase), 50 + 20 * np.clip(np.cos(phase), 0, None)])
    right = np.column_stack([300 - 80 * np.sin(phase), 50 + 20 * np.clip(-np.cos(phase), 0, None)])
    left += rng.normal(0, 2, left.shape)
    right += rng.normal(0, 2, right.shape)
    swap = rng.random(t.size) < swap_share  # the pose model's left/right labels swapped in these frames
    la = np.where(swap[:, None], right, left)
    ra = np.where(swap[:, None], left, right)
    gone = rng.random(t.size) < missing
    la[gone] = np.nan
    fu = np.stack([la, ra], axis=1)
    return SagittalKeypoints(["l_ankle", "r_ankle"], fu, np.ones(fu.shape[:2]), t, fps, "right", 400.0)


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_cadence_ignores_label_swaps(fps: float) -> None:
    sk = _keypoints(fps, 2.82, swap_share=0.3, seed=1)
    cad = periodicity_cadence_spm(sk)
    assert cad is not None and cad == pytest.approx(60 * 2.82, rel=0.005)


def test_gaps_interpolated_and_too_few_frames_refused() -> None:
    cad = periodicity_cadence_spm(_keypoints(30.0, 2.9, swap_share=0.0, seed=2, missing=0.1))
    assert cad is not None and cad == pytest.approx(174.0, rel=0.01)
    assert feet_spread_px(_keypoints(30.0, 2.9, swap_share=0.0, seed=3, missing=0.5)) is None

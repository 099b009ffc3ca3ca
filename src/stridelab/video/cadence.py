"""Cadence of a video from the periodicity of the feet, not from counting contacts.

``method="ankle_spread_autocorrelation"``: the forward distance between the two ankles (absolute
value, so a swap of the pose model's left/right labels does not change it, and relative, so a
panning camera does not either) opens and closes once per step. Its step period is found as the
trunk accelerometer's is, by the first dominant peak of the unbiased autocorrelation
(Moe-Nilssen R, Helbostad JL 2004, J Biomech 37:121; :func:`stridelab.metrics.imu_cadence.running_cadence_spm`:
10-s windows, median), refined by a parabola between frames. A missed or an extra contact, and the
one-frame quantisation of each contact at 30 fps, do not move it. Heels, then toes stand in for
ankles that the pose model does not give. Gaps of the keypoints are interpolated; a video with
less than 80 % of the frames holding both feet gets no such cadence (None).
"""

from __future__ import annotations

import numpy as np

from stridelab.metrics.imu_cadence import running_cadence_spm
from stridelab.video.sagittal import SagittalKeypoints

METHOD = "ankle_spread_autocorrelation"
MIN_COVERED = 0.8


def feet_spread_px(sk: SagittalKeypoints) -> np.ndarray | None:
    """|forward position of the left foot - the right foot's| per frame (pixels), gaps interpolated."""
    for a, b in (("l_ankle", "r_ankle"), ("l_heel", "r_heel"), ("l_toe", "r_toe")):
        if not sk.has(a, b):
            continue
        x = np.abs(sk[a][:, 0] - sk[b][:, 0])
        ok = np.isfinite(x)
        if ok.mean() < MIN_COVERED or ok.sum() < 2:
            continue
        return np.interp(np.arange(x.size), np.flatnonzero(ok), x[ok])
    return None


def periodicity_cadence_spm(sk: SagittalKeypoints) -> float | None:
    """Cadence (steps/min) from the feet's periodicity (module docstring), or None."""
    x = feet_spread_px(sk)
    if x is None:
        return None
    return running_cadence_spm(x, sk.rate_hz, np.ones(x.size, dtype=bool))

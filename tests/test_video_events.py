"""Contacts from foot keypoints against the force plate (REAL motion and forces of RBDS001, SYNTHETIC
side-view camera with pose-model-like errors). Bounds are the validated figures with a margin
(docs/validation.md, "Video keypoints": IC and TO mean absolute errors of 6-9 ms at 30-120 fps over
nine cameras), not the targets (1 frame)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.model.trial import Keypoints2D, QualityLog
from stridelab.video.cleanup import clean_keypoints
from stridelab.video.events import contacts_from_sagittal
from stridelab.video.sagittal import SagittalKeypoints, to_sagittal
from stridelab.video.virtual_camera import Camera
from video_synth import synthetic_keypoints


def _events(fukuchi: Path, fps: float, errors: bool, cam: Camera | None = None):
    names, xy, conf, t, ref, _ = synthetic_keypoints(fukuchi, fps=fps, t0=1.0, t1=11.0, errors=errors, cam=cam)
    kp, info = clean_keypoints(Keypoints2D(names, xy, conf, fps, t), QualityLog())
    sk = SagittalKeypoints(names, to_sagittal(kp.xy_px, info.facing), kp.confidence, t, fps, info.facing, info.leg_length_px)
    ev = contacts_from_sagittal(sk)
    r = ref[(ref.ic_s > t[0] + 0.2) & (ref.to_s < t[-1] - 0.2)]
    errs = []
    for row in r.itertuples():
        c = ev.contacts[ev.contacts.side == row.side]
        j = int(np.argmin(np.abs(c.ic_s.to_numpy() - row.ic_s)))
        if abs(c.ic_s.iloc[j] - row.ic_s) < 0.1:
            errs.append((c.ic_s.iloc[j] - row.ic_s, c.to_s.iloc[j] - row.to_s))
    return np.array(errs) * 1000, len(r), ev


@pytest.mark.parametrize("errors", [False, True])
def test_contacts_match_the_force_plate_at_60fps(fukuchi: Path, errors: bool) -> None:
    e, n_ref, ev = _events(fukuchi, 60.0, errors)
    assert len(e) >= 0.97 * n_ref
    assert np.mean(np.abs(e[:, 0])) < 12.0  # IC, ms (validated: 6 ms)
    assert np.mean(np.abs(e[:, 1])) < 14.0  # TO, ms (validated: 9 ms)
    assert ev.source == "video" and set(ev.contacts.side) == {"left", "right"}
    assert (ev.contacts.source == "video").all() and (ev.contacts.to_from == "knee").all()
    assert ev.info["method"] == "rest_distance_knee_extension"
    # the treadmill belt (3.5 m/s) is found as the ground's velocity, in metres from the leg length
    assert all(-4.2 < f["ground_velocity_mps"] < -2.8 for f in ev.info["feet"].values())


def test_close_yawed_camera(fukuchi: Path) -> None:
    """3 m away, yawed 10 degrees: the strongest perspective of the validation."""
    e, n_ref, _ = _events(fukuchi, 60.0, True, Camera(3.0, 10.0))
    assert len(e) >= 0.97 * n_ref
    assert np.mean(np.abs(e[:, 0])) < 14.0 and np.mean(np.abs(e[:, 1])) < 14.0


def test_low_frame_rate_warns_and_stays_within_a_frame(fukuchi: Path) -> None:
    e, n_ref, ev = _events(fukuchi, 30.0, True)
    assert any("30 fps" in w for w in ev.warnings)
    assert len(e) >= 0.95 * n_ref
    assert np.mean(np.abs(e[:, 0])) < 1000 / 30 / 2 and np.mean(np.abs(e[:, 1])) < 1000 / 30 / 2

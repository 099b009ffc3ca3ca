"""Contacts from foot keypoints against the force plate (REAL motion and forces of RBDS001, SYNTHETIC
side-view camera with pose-model-like errors). Bounds are the validated figures with a margin
(docs/validation.md, "Video keypoints"), not the targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.events.video import contacts_from_sagittal
from stridelab.model.trial import Keypoints2D, QualityLog
from stridelab.video.cleanup import clean_keypoints
from stridelab.video.sagittal import SagittalKeypoints, to_sagittal
from video_synth import synthetic_keypoints


def _events(fukuchi: Path, fps: float, errors: bool):
    names, xy, conf, t, ref, _ = synthetic_keypoints(fukuchi, fps=fps, t0=1.0, t1=11.0, errors=errors)
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
    assert len(e) >= 0.9 * n_ref
    assert np.mean(np.abs(e[:, 0])) < 30.0  # IC, ms
    assert np.mean(np.abs(e[:, 1])) < 30.0  # TO, ms
    assert ev.source == "video" and set(ev.contacts.side) == {"left", "right"}
    assert (ev.contacts.source == "video").all()


def test_low_frame_rate_warns(fukuchi: Path) -> None:
    _, _, ev = _events(fukuchi, 30.0, True)
    assert any("30 fps" in w for w in ev.warnings)

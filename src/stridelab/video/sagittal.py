"""Keypoints in the runner's sagittal plane: forward and up, in pixels (or metres when the scale is known).

Image axes (x right, y down) become ``forward`` = x when the runner faces right (-x when left) and
``up`` = -y. :func:`sagittal` reads the facing direction and the scale that the clean-up and the
reader stored in ``trial.provenance.extra["video"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stridelab.model.trial import Trial


@dataclass
class SagittalKeypoints:
    """Keypoints (n, k, 2) as (forward, up) pixels; ``m_per_px`` when the scale is known."""

    names: list[str]
    fu: np.ndarray
    confidence: np.ndarray
    time_s: np.ndarray
    rate_hz: float
    facing: str
    leg_length_px: float | None
    m_per_px: float | None = None

    def has(self, *names: str) -> bool:
        return all(n in self.names and np.isfinite(self.fu[:, self.names.index(n), 0]).any() for n in names)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.fu[:, self.names.index(name)]

    def get(self, name: str) -> np.ndarray | None:
        return self[name] if name in self.names else None

    def mid(self, a: str, b: str) -> np.ndarray | None:
        pa, pb = self.get(a), self.get(b)
        if pa is None or pb is None:
            return pa if pb is None else pb
        with np.errstate(all="ignore"):
            return np.where(np.isfinite(pa) & np.isfinite(pb), 0.5 * (pa + pb), np.where(np.isfinite(pa), pa, pb))


def to_sagittal(xy: np.ndarray, facing: str) -> np.ndarray:
    s = 1.0 if facing == "right" else -1.0
    return np.stack([s * xy[..., 0], -xy[..., 1]], axis=-1)


def to_image(fu: np.ndarray, facing: str) -> np.ndarray:
    s = 1.0 if facing == "right" else -1.0
    return np.stack([s * fu[..., 0], -fu[..., 1]], axis=-1)


def sagittal(trial: Trial) -> SagittalKeypoints:
    kp = trial.keypoints
    if kp is None:
        raise ValueError("the trial has no keypoints")
    v = trial.provenance.extra.get("video", {})
    facing = v.get("facing", "right")
    return SagittalKeypoints(list(kp.names), to_sagittal(kp.xy_px, facing), kp.confidence, kp.time_s, kp.rate_hz, facing, v.get("leg_length_px"), v.get("m_per_px"))

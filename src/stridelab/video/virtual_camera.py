"""Synthetic video keypoints from motion capture: 3-D markers seen by a virtual pinhole camera.

For validation only (the keypoints are SYNTHETIC, the motion is real). A camera stands beside the
runner at ``distance_m`` looking across the running direction (yawed by ``yaw_deg``), at hip height;
its focal length makes the runner about 60% of the image height (720 px). Frames are taken at
``fps`` at their own instants (a random phase; the 150 Hz trajectories are interpolated there, as a
camera samples the motion, never by dropping samples). Keypoints: joint centres (hip, knee, ankle),
heel and toe at the sole, as a pose model places them (the lower heel marker, and the midpoint of the
first and fifth metatarsal heads for the toe: the forefoot's last point on the ground, since a rigid
extrapolation to the toe tip would pass through the floor when the toes bend at push-off; each moved
along the foot's own vertical, the normal of the heel-mt1-mt5 plane, to 1 cm above the floor in the
standing trial) and a trunk point 0.5 m above the pelvis centre along the
pelvis's vertical axis (the Fukuchi markers have no shoulders; SYNTHETIC).

:func:`pose_model_errors` then adds what a pose model does (SYNTHETIC): Gaussian jitter (feet 1.5x),
dropped points (confidence 0), short left/right leg swaps and confidences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.trial import MarkerData

KEYPOINTS = ("l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle", "l_heel", "r_heel", "l_toe", "r_toe", "l_shoulder", "r_shoulder")


def _foot(mk: MarkerData, s: str, sign: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heel marker, forefoot point and the foot's own up axis (normal of the heel-mt1-mt5 plane)."""
    heel = mk[s + "heel_bottom"]
    mt1, mt5 = mk[s + "mt1"], mk[s + "mt5"]
    mt = 0.5 * (mt1 + mt5)
    n = np.cross(mt5 - heel, mt1 - heel) * sign
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    return heel, mt, n


def virtual_points(mk: MarkerData, static: MarkerData | None = None) -> dict[str, np.ndarray]:
    """3-D positions (n, 3) of the keypoints above, from prepared markers (joint centres added)."""
    out: dict[str, np.ndarray] = {}
    for s in ("l_", "r_"):
        out[s + "hip"] = mk[s + "hjc"]
        out[s + "knee"] = mk[s + "kjc"]
        out[s + "ankle"] = mk[s + "ajc"]
        sign = 1.0
        drop_h = drop_t = 0.0
        if static is not None:
            sh, st, sn = _foot(static, s)
            sign = 1.0 if np.nanmedian(sn[:, UP]) > 0 else -1.0
            drop_h = float(np.nanmedian(sh[:, UP])) - 0.01
            drop_t = float(np.nanmedian(st[:, UP])) - 0.01
        heel, toe, up = _foot(mk, s, sign)
        out[s + "heel"] = heel - drop_h * up
        out[s + "toe"] = toe - drop_t * up
    asis = 0.5 * (mk["l_asis"] + mk["r_asis"])
    psis = 0.5 * (mk["l_psis"] + mk["r_psis"])
    left = mk["l_asis"] - mk["r_asis"]
    ant = asis - psis
    up = np.cross(ant, left)
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    trunk = 0.5 * (asis + psis) + 0.5 * up
    out["l_shoulder"] = trunk
    out["r_shoulder"] = trunk
    return out


@dataclass
class Camera:
    distance_m: float = 5.0
    yaw_deg: float = 0.0
    height_m: float = 1.0
    image_h_px: int = 720
    image_w_px: int = 1280
    body_fraction: float = 0.6

    def project(self, p: np.ndarray, centre: np.ndarray) -> np.ndarray:
        """(n, k, 3) canonical-frame points -> (n, k, 2) pixels (x right, y down). The camera is on
        the runner's right, looking left (+LEFT), so the runner faces right in the image."""
        yaw = np.radians(self.yaw_deg)
        z = np.array([np.sin(yaw), np.cos(yaw), 0.0])  # viewing direction, in (FORWARD, LEFT, UP)
        x = np.array([np.cos(yaw), -np.sin(yaw), 0.0])
        y = np.array([0.0, 0.0, -1.0])
        cam = centre - self.distance_m * z
        cam[UP] = self.height_m
        d = p - cam
        xc, yc, zc = d @ x, d @ y, d @ z
        f = self.body_fraction * self.image_h_px * self.distance_m / 1.8
        u = self.image_w_px / 2 + f * xc / zc
        v = self.image_h_px / 2 + f * yc / zc
        return np.stack([u, v], axis=-1)

    def m_per_px(self) -> float:
        return 1.8 / (self.body_fraction * self.image_h_px)


def sample_times(t0: float, t1: float, fps: float, rng: np.random.Generator) -> np.ndarray:
    phase = rng.uniform(0, 1.0 / fps)
    return np.arange(t0 + phase, t1, 1.0 / fps)


def resample(points: dict[str, np.ndarray], t_src: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(n, k, 3) positions at times ``t`` (linear interpolation of the 150 Hz trajectories)."""
    out = np.empty((t.size, len(KEYPOINTS), 3))
    for j, name in enumerate(KEYPOINTS):
        for a in (FORWARD, LEFT, UP):
            out[:, j, a] = np.interp(t, t_src, points[name][:, a])
    return out


def pose_model_errors(
    xy: np.ndarray, rng: np.random.Generator, jitter_px: float, drop_frac: float = 0.02, swap_frac: float = 0.01, correlation_frames: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """SYNTHETIC pose-model errors on clean projected keypoints (see module docstring).

    ``correlation_frames`` > 0 makes the jitter a slowly wandering error instead of white noise
    (white noise filtered with a Gaussian of that SD in frames, rescaled to the same SD): a pose
    model's error depends on the picture, which changes little from one frame to the next, and
    such an error is not averaged away by smoothing."""
    n, k, _ = xy.shape
    out = xy.copy()
    feet = np.array([("heel" in nm or "toe" in nm or "ankle" in nm) for nm in KEYPOINTS])
    sd = np.where(feet, 1.5, 1.0) * jitter_px
    noise = rng.normal(size=out.shape)
    if correlation_frames > 0:
        half = int(np.ceil(4 * correlation_frames))
        kern = np.exp(-0.5 * (np.arange(-half, half + 1) / correlation_frames) ** 2)
        kern /= np.sqrt(np.sum(kern**2))  # unit variance out
        padded = np.pad(noise, ((half, half), (0, 0), (0, 0)), mode="wrap")
        noise = np.apply_along_axis(lambda v: np.convolve(v, kern, mode="valid"), 0, padded)
    out += noise * sd[None, :, None]
    conf = np.clip(rng.normal(0.85, 0.08, size=(n, k)), 0.35, 1.0)
    # dropped points: runs of 1-4 frames
    n_drop = int(drop_frac * n * k / 2.5)
    for _ in range(n_drop):
        j = rng.integers(k)
        a = rng.integers(n)
        ln = rng.integers(1, 5)
        conf[a : a + ln, j] = 0.0
        out[a : a + ln, j] = np.nan
    # left/right leg swaps: runs of 1-3 frames
    li = [KEYPOINTS.index(n_) for n_ in KEYPOINTS if n_.startswith("l_") and "shoulder" not in n_]
    ri = [KEYPOINTS.index("r_" + KEYPOINTS[i][2:]) for i in li]
    for _ in range(int(swap_frac * n / 2)):
        a = rng.integers(n)
        ln = rng.integers(1, 4)
        tmp = out[a : a + ln, li].copy()
        out[a : a + ln, li] = out[a : a + ln, ri]
        out[a : a + ln, ri] = tmp
    return out, conf

"""Where and when a foot rests on the ground, from 2-D video keypoints (used by :mod:`stridelab.video.events`).

A foot in stance does not move relative to the ground: on a treadmill it travels backwards with the
belt, overground it stays put. In the image both are a uniform motion along the ground line, so in
the *ground frame* (image positions minus the ground's own image velocity times time) a resting foot
point is still and a swinging one moves at metres per second. This module finds

1. the ground line's slope in the image (:func:`ground_line`; tilted when the camera is rolled or,
   in perspective, not square to the running direction; one line per foot, since the near and the
   far foot stand on different image lines),
2. the ground's image velocity (the median velocity of the sole points over the frames where they
   rest: the belt's on a treadmill, about zero overground; a first guess from each point's lowest
   frames, then refined twice from the frames found at rest with it),
3. the resting cores: frames where some sole point moves slower than ``REST_SPEED_MPS`` in the
   ground frame while within ``STANCE_BAND_M`` of its usual stance level (as the coarse stance of
   :mod:`stridelab.events.markers`); two cores are one contact when some point is still where it
   rested (keypoint noise can interrupt a core; between contacts the foot travels a stride).

Everything is measured in metres (from the known scale, else from the leg length of a runner of
typical height) and seconds, so nothing depends on the frame rate or the image size.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from stridelab.model import anthropometrics

#: A foot at rest moves at 0 m/s relative to the ground (plus keypoint noise, a few tenths of a m/s
#: after smoothing); a swinging foot moves at 1.5-2.5 times the running speed (> 3 m/s). Only the
#: instants next to touchdown and toe-off fall between, and the core only has to lie inside the contact.
REST_SPEED_MPS = 1.0
#: The foot's lowest point within this of its usual stance level (perspective moves a stance's
#: image level by up to ~1 cm between steps at 3 m; a swinging foot clears the ground by > 5 cm).
STANCE_BAND_M = 0.03
#: A resting core is at least this long (a contact lasts > 0.1 s in running).
MIN_CORE_S = 0.03
#: Two resting cores are one contact when some sole point is still within this distance of where it
#: rested (keypoint noise can interrupt a core); between two contacts every point travels a stride
#: (> 1 m) relative to the ground.
MERGE_DISTANCE_M = 0.1
#: Thigh + shank length as a fraction of body height (0.245 + 0.246: Drillis R, Contini R 1966,
#: via Winter DA 2009, Biomechanics and Motor Control of Human Movement, 4th ed., p. 83).
LEG_PER_HEIGHT = anthropometrics.THIGH_SHANK_PER_HEIGHT
#: Greater-trochanter height (the usual "leg length") as a fraction of body height (Drillis and Contini
#: via Winter 2009; :mod:`stridelab.model.anthropometrics`).
TROCHANTER_PER_HEIGHT = anthropometrics.LEG_PER_HEIGHT
#: Height assumed for the scale when the runner's height is unknown (an adult runner; a 10% error
#: here scales the 2.5 cm rest distance by 10%, i.e. moves initial contact by about 2-3 ms).
TYPICAL_HEIGHT_M = 1.75


def ground_line(points: list[np.ndarray | None], iterations: int = 3, low_fraction: float = 25.0, max_slope: float = 0.18) -> tuple[float, float]:
    """(intercept, slope) of the ground line up = a + b * forward in the image.

    The slope is the pooled within-keypoint slope of each foot keypoint's lowest ``low_fraction``
    percent of frames (in stance a foot point slides along the belt or stays put on the ground, so
    these frames trace the ground); heights are recomputed with the new slope and the fit repeated.
    The intercept is irrelevant (each keypoint gets its own zero) and is returned as 0."""
    pts = [p for p in points if p is not None and np.isfinite(p).all(axis=1).sum() > 10]
    if not pts:
        return 0.0, 0.0
    b = 0.0
    for _ in range(iterations):
        sxy = sxx = 0.0
        for p in pts:
            ok = np.isfinite(p).all(axis=1)
            f, u = p[ok, 0], p[ok, 1]
            h = u - b * f
            low = h <= np.percentile(h, low_fraction)
            if low.sum() < 5:
                continue
            df, du = f[low] - f[low].mean(), u[low] - u[low].mean()
            sxy += float(np.sum(df * du))
            sxx += float(np.sum(df * df))
        if sxx <= 0:
            break
        b = float(np.clip(sxy / sxx, -max_slope, max_slope))
    return 0.0, b


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True."""
    e = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(e == 1).tolist(), (np.flatnonzero(e == -1) - 1).tolist(), strict=True))


def median_position(p: np.ndarray) -> np.ndarray:
    """Median (forward, up) of the rows of ``p`` (n, 2) without missing values (NaN when none)."""
    ok = np.isfinite(p).all(axis=1)
    return np.median(p[ok], axis=0) if ok.any() else np.full(2, np.nan)


def _same_place(g: list[np.ndarray], c1: tuple[int, int], c2: tuple[int, int], tol_px: float) -> bool:
    """Some point rests within ``tol_px`` of its place in the previous core (ground frame)."""
    for p in g:
        d = median_position(p[c2[0] : c2[1] + 1]) - median_position(p[c1[0] : c1[1] + 1])
        if np.isfinite(d).all() and np.hypot(d[0], d[1]) < tol_px:
            return True
    return False


@dataclass
class FootRest:
    """One foot's ground-frame signals (positions in pixels, ``m_per_px`` converts)."""

    points: list[np.ndarray]  # ground-frame (n, 2) positions of the sole points (heel or ankle, toe)
    resting: np.ndarray  # (n, points): each point slow and near its stance level
    cores: list[tuple[int, int]]  # [first, last] frame of each resting core
    ground_velocity_px_s: np.ndarray  # (forward, up) image velocity of the ground
    slope: float  # ground line slope in the image
    m_per_px: float


def foot_rest(points: list[np.ndarray], time_s: np.ndarray, rate_hz: float, m_per_px: float) -> FootRest:
    """Ground velocity, ground-frame positions and resting cores of one foot (module docstring)."""
    _, b = ground_line(list(points))
    t = time_s - time_s[0]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        heights = np.stack([p[:, 1] - b * p[:, 0] for p in points], axis=1)
        heights -= np.nanpercentile(heights, 5, axis=0)[None, :]  # each point's usual stance level is its zero
        near = heights * m_per_px < STANCE_BAND_M
        vel = np.stack([np.stack([np.gradient(p[:, 0], t), np.gradient(p[:, 1], t)], axis=-1) for p in points], axis=1)  # (n, points, 2)
        # first guess of the ground's velocity: each point's forward velocity over its lowest frames
        lowest = (heights <= np.nanpercentile(heights, 20, axis=0)[None, :]) & np.isfinite(vel[..., 0])
        vg = float(np.median(vel[..., 0][lowest])) if lowest.any() else 0.0
        w = np.array([vg, b * vg])
        for _ in range(2):
            # some sole point at rest: slow relative to the ground and near its stance level; then the
            # ground's image velocity (both directions) again, from the resting points alone
            speed = np.hypot(vel[..., 0] - w[0], vel[..., 1] - w[1]) * m_per_px
            rest_pt = (speed < REST_SPEED_MPS) & near
            # frame-to-frame displacements of points resting in both frames (a central difference at
            # the first or last resting frame would mix in the landing or leaving motion)
            both = rest_pt[1:] & rest_pt[:-1]
            if both.sum() < 5:
                break
            step = np.stack([np.diff(p, axis=0) for p in points], axis=1) / np.diff(t)[:, None, None]
            w = np.median(step[both], axis=0)
        speed = np.hypot(vel[..., 0] - w[0], vel[..., 1] - w[1]) * m_per_px
        rest_pt = (speed < REST_SPEED_MPS) & near
        rest: np.ndarray = np.asarray(rest_pt.any(axis=1))
        g = [p - w[None, :] * t[:, None] for p in points]
    cores: list[tuple[int, int]] = []
    for a, z in runs(rest):
        if cores and _same_place(g, cores[-1], (a, z), MERGE_DISTANCE_M / m_per_px):
            cores[-1] = (cores[-1][0], z)
        else:
            cores.append((a, z))
    cores = [(a, z) for a, z in cores if rest[a : z + 1].sum() / rate_hz >= MIN_CORE_S]
    return FootRest(g, rest_pt, cores, w, b, m_per_px)

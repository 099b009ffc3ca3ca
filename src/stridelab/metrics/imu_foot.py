"""Foot-IMU stride metrics: strapdown integration with zero-velocity updates, foot angles.

**Strapdown with zero-velocity updates** (Foxlin E 2005, IEEE Comput Graph Appl 25:38; Skog I et
al. 2010, IEEE Trans Biomed Eng 57:2657; for running, Falbriard M et al. 2021 Sensors 21:1570):
each stride runs from one mid-stance to the next, mid-stance being the quietest instant of the
foot between 15 % and 75 % of contact (minimum of the angular-rate norm in rad/s plus the
departure of the acceleration norm from 1 g per 5 m/s², both averaged over 50 ms), where the foot
is still. At that instant the sensor's tilt comes from the specific force averaged over +-20 ms
(gravity), and its heading puts the foot's FORWARD axis along x. The gyroscope is integrated
(quaternions, :func:`stridelab.dsp.rotation.segment_orientation`), the specific force is
rotated into this level frame, gravity removed, and integrated to velocity; the velocity at the
next mid-stance must be zero, so the drift is removed linearly over the stride (the usual
zero-velocity correction); integrating again gives the foot's path. Stride length is the
horizontal distance between consecutive mid-stances; stride speed is stride length / stride time.
On a treadmill the same numbers describe the stride relative to the belt (accelerations are
Galilean invariant), i.e. the belt speed.

**Foot angles** (in the level frame of the stride, relative to the mid-stance posture, where the
sole is flat):

* ``foot_strike_angle_deg``: sagittal angle of the foot at IC (positive = toes up). Strike pattern
  after Altman AR, Davis IS (2012, Gait Posture 35:298): rearfoot > 8 deg, forefoot < -1.6 deg,
  midfoot between.
* ``pronation_excursion_deg``: frontal-plane excursion of the shoe from IC to its maximum eversion
  in the first 70 % of contact (positive = eversion, medial border down), by integrating the
  angular rate about FORWARD from IC; a shoe-mounted sensor measures shoe eversion, which is
  smaller than the rearfoot's inside the shoe.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stridelab.dsp.rotation import quat_rotate, quat_to_matrix, segment_orientation
from stridelab.events.imu_align import AlignedImu, moving_mean, row_norm
from stridelab.events.imu_peaks import Windows
from stridelab.metrics import foot_strike
from stridelab.model.axes import FORWARD, LEFT, UP

G = 9.80665


@dataclass
class FootStrides:
    """Per contact of one foot (aligned with the contacts it was given; NaN where not computable)."""

    stride_length_m: np.ndarray
    stride_speed_mps: np.ndarray
    foot_strike_angle_deg: np.ndarray
    strike_pattern: np.ndarray
    pronation_excursion_deg: np.ndarray
    mid_stance_s: np.ndarray


def strike_pattern(angle_deg: float) -> str | None:
    """Altman & Davis (2012) class of a foot strike angle (:func:`stridelab.metrics.foot_strike.classify`)."""
    return foot_strike.classify(angle_deg, method="altman2012")


def foot_strides(al: AlignedImu, ic_s: np.ndarray, to_s: np.ndarray) -> FootStrides:
    """Stride and angle metrics for a foot sensor's contacts (module docstring)."""
    n = ic_s.size
    nan = np.full(n, np.nan)
    out = FootStrides(nan.copy(), nan.copy(), nan.copy(), np.full(n, None, dtype=object), nan.copy(), nan.copy())
    if al.gyr is None or not al.axes_known or n == 0:
        return out
    rate = al.rate_hz
    t = al.time_s
    gyr_s = al.gyr  # segment axes (already rotated by r_)
    acc_s = al.acc
    # quietness: angular rate (rad/s) plus the departure of |acc| from 1 g (per 5 m/s²), both
    # averaged over 50 ms
    win = max(1, int(0.05 * rate))
    gyr0 = gyr_s if np.isfinite(gyr_s).all() else np.nan_to_num(gyr_s)
    acc0 = acc_s if np.isfinite(acc_s).all() else np.nan_to_num(acc_s)
    wn = moving_mean(row_norm(gyr0), win)
    an = moving_mean(row_norm(acc0), win)
    cost = wn + np.abs(an - G) / 5.0
    i_ic = np.clip(np.searchsorted(t, ic_s), 0, t.size - 1)
    i_to = np.clip(np.searchsorted(t, to_s), 0, t.size - 1)
    lo, hi = i_ic + (0.3 * (i_to - i_ic)).astype(int), i_ic + (0.6 * (i_to - i_ic)).astype(int)
    k_min = Windows(lo, hi).argmax(-cost)
    mid = np.where(k_min >= 0, k_min, i_ic)
    out.mid_stance_s = t[mid]
    r_level = _level_at(acc0, mid, max(1, int(0.02 * rate)))
    # sole angle at IC: the foot's orientation at IC relative to mid-stance, in the level frame
    q_ic, seg_ic, _ = segment_orientation(gyr_s, rate, i_ic, np.maximum(mid, i_ic))
    last = np.concatenate([np.flatnonzero(np.diff(seg_ic)), [seg_ic.size - 1]])
    rel_ic = np.swapaxes(quat_to_matrix(q_ic[last]), 1, 2)  # IC relative to mid-stance
    fwd_ic = np.einsum("nij,njk->nik", r_level, rel_ic)[:, :, FORWARD]
    # relative to the mid-stance pitch, which also cancels a pitch error of the sensor alignment
    pitch_mid = np.arcsin(np.clip(r_level[:, UP, FORWARD], -1, 1))
    out.foot_strike_angle_deg = np.degrees(np.arcsin(np.clip(fwd_ic[:, UP], -1, 1)) - pitch_mid)
    out.strike_pattern = np.array([strike_pattern(a) for a in out.foot_strike_angle_deg], dtype=object)
    # pronation: eversion rotation accumulated from IC, its maximum over the first 70 % of contact
    sign = 1.0 if al.side == "left" else -1.0
    roll = sign * np.concatenate([[0.0], np.cumsum(np.nan_to_num(gyr_s[:, FORWARD]))]) / rate
    stop = i_ic + (0.7 * (i_to - i_ic)).astype(int)
    okp = stop > i_ic + 1
    if okp.any():
        bounds = np.stack([i_ic[okp] + 1, stop[okp] + 1], axis=1).ravel()
        mx = np.maximum.reduceat(roll, bounds)[::2]
        out.pronation_excursion_deg[okp] = np.degrees(mx - roll[i_ic[okp]])
    _zupt(out, gyr0, r_level, acc0, mid, t, rate)
    return out


def _level_at(acc: np.ndarray, mid: np.ndarray, half: int) -> np.ndarray:
    """Level-frame orientation (n, 3, 3) at each mid-stance: tilt from gravity, FORWARD along x."""
    idx = np.clip(mid[:, None] + np.arange(-half, half + 1)[None, :], 0, acc.shape[0] - 1)
    f = acc[idx].mean(axis=1)
    a = f / np.linalg.norm(f, axis=1, keepdims=True)
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(a, z)
    cosang = a @ z
    k = np.zeros((a.shape[0], 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -v[:, 2], v[:, 1], -v[:, 0]
    k[:, 1, 0], k[:, 2, 0], k[:, 2, 1] = v[:, 2], -v[:, 1], v[:, 0]
    r0 = np.eye(3) + k + (k @ k) / np.maximum(1 + cosang, 1e-6)[:, None, None]
    yaw = -np.arctan2(r0[:, 1, FORWARD], r0[:, 0, FORWARD])
    cz, sz = np.cos(yaw), np.sin(yaw)
    rz = np.zeros_like(r0)
    rz[:, 0, 0], rz[:, 0, 1], rz[:, 1, 0], rz[:, 1, 1], rz[:, 2, 2] = cz, -sz, sz, cz, 1.0
    return np.asarray(rz @ r0)


def _zupt(out: FootStrides, gyr: np.ndarray, r_level: np.ndarray, acc: np.ndarray, mid: np.ndarray, t: np.ndarray, rate: float) -> None:
    """Stride length and speed for every stride mid[k] -> mid[k+1], all strides at once."""
    if mid.size < 2:
        return
    a, b = mid[:-1], mid[1:]
    dt = t[b] - t[a]
    ok = (dt > 0.4) & (dt < 1.6) & (b > a)
    ks = np.flatnonzero(ok)
    if ks.size == 0:
        return
    q, seg, j = segment_orientation(gyr, rate, a[ks], b[ks])
    lens = b[ks] - a[ks] + 1
    start = np.concatenate([[0], np.cumsum(lens)[:-1]])
    # rotate by the quaternion (body at sample -> body at mid-stance), then by the level frame
    acc_mid = quat_rotate(q, acc[j])
    # only the horizontal components count for stride length (gravity is vertical)
    rl = r_level[ks][:, :2, :]  # (strides, 2, 3)
    acc_lvl = np.empty((seg.size, 2))
    for r in range(2):
        acc_lvl[:, r] = rl[seg, r, 0] * acc_mid[:, 0] + rl[seg, r, 1] * acc_mid[:, 1] + rl[seg, r, 2] * acc_mid[:, 2]
    first = np.zeros(seg.size, dtype=bool)
    first[start] = True
    last = np.concatenate([start[1:] - 1, [seg.size - 1]])
    frac = (np.arange(seg.size) - start[seg]) / (lens[seg] - 1)

    def seg_integral(x: np.ndarray) -> np.ndarray:
        inc = np.zeros_like(x)
        inc[1:] = 0.5 * (x[1:] + x[:-1]) / rate
        inc[first] = 0.0
        cs = np.cumsum(inc, axis=0)
        return np.asarray(cs - cs[start][seg])

    vel = seg_integral(acc_lvl)
    vel = vel - frac[:, None] * vel[last][seg]
    pos = seg_integral(vel)
    length = np.hypot(pos[last, 0], pos[last, 1])
    out.stride_length_m[ks] = length
    out.stride_speed_mps[ks] = length / dt[ks]


def foot_table(al: AlignedImu, contacts: pd.DataFrame) -> pd.DataFrame:
    """Per-contact foot metrics for the contacts of this sensor's side, indexed like ``contacts``."""
    side = contacts[contacts["side"] == al.side]
    fs = foot_strides(al, side["ic_s"].to_numpy(), side["to_s"].to_numpy())
    return pd.DataFrame(
        {
            "stride_length_m": fs.stride_length_m,
            "stride_speed_mps": fs.stride_speed_mps,
            "foot_strike_angle_deg": fs.foot_strike_angle_deg,
            "strike_pattern": fs.strike_pattern,
            "pronation_excursion_deg": fs.pronation_excursion_deg,
        },
        index=side.index,
    )


__all__ = ["FootStrides", "foot_strides", "foot_table", "strike_pattern", "LEFT"]

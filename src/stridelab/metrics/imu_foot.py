"""Foot-IMU stride metrics: strapdown integration with zero-velocity updates, foot angles.

**Strapdown with zero-velocity updates** (Foxlin E 2005, IEEE Comput Graph Appl 25:38; Skog I et
al. 2010, IEEE Trans Biomed Eng 57:2657; for running, Falbriard M et al. 2021 Sensors 21:1570):
each stride runs from one mid-stance to the next, mid-stance being the quietest instant of the
foot between 15 % and 75 % of contact (minimum of the angular-rate norm in rad/s plus the
departure of the acceleration norm from 1 g per 5 m/s², both low-passed at 10 Hz), where the foot
is still. At that instant the sensor's tilt comes from the specific force averaged over +-20 ms
(gravity), and its heading puts the foot's FORWARD axis along x. The gyroscope is integrated
(quaternions, :func:`stridelab.dsp.rotation.gyro_prefix_orientation`), the specific force is
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

from stridelab.dsp import lowpass
from stridelab.dsp.rotation import gyro_prefix_orientation, quat_conj, quat_mul, quat_to_matrix
from stridelab.events.imu_align import AlignedImu
from stridelab.model.axes import FORWARD, LEFT, UP

G = 9.80665
RFS_DEG = 8.0
FFS_DEG = -1.6


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
    """Altman & Davis (2012) class of a foot strike angle."""
    if not np.isfinite(angle_deg):
        return None
    return "rearfoot" if angle_deg > RFS_DEG else ("forefoot" if angle_deg < FFS_DEG else "midfoot")


def _rot_to(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotation taking unit vector a to unit vector b."""
    v = np.cross(a, b)
    c = float(a @ b)
    if c < -0.999999:
        return np.diag([1.0, -1.0, -1.0])
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.asarray(np.eye(3) + k + k @ k / (1 + c))


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
    # quietness: angular rate (rad/s) plus the departure of |acc| from 1 g (per 5 m/s²), 10 Hz
    wn = np.linalg.norm(lowpass(np.nan_to_num(gyr_s), rate, min(10.0, 0.4 * rate)), axis=1)
    an = np.linalg.norm(lowpass(np.nan_to_num(acc_s), rate, min(10.0, 0.4 * rate)), axis=1)
    cost = wn + np.abs(an - G) / 5.0
    i_ic = np.clip(np.searchsorted(t, ic_s), 0, t.size - 1)
    i_to = np.clip(np.searchsorted(t, to_s), 0, t.size - 1)
    mid = np.empty(n, dtype=int)
    for k, (a, b) in enumerate(zip(i_ic, i_to, strict=True)):
        lo, hi = a + int(0.15 * (b - a)), a + int(0.75 * (b - a))
        mid[k] = lo + int(np.argmin(cost[lo:hi])) if hi > lo else a
    out.mid_stance_s = t[mid]
    q = gyro_prefix_orientation(np.nan_to_num(gyr_s), rate)
    half = max(1, int(0.02 * rate))
    r_level = np.empty((n, 3, 3))
    for k, m in enumerate(mid):
        f = np.nanmean(acc_s[max(0, m - half) : m + half + 1], axis=0)
        r0 = _rot_to(f / np.linalg.norm(f), np.array([0.0, 0.0, 1.0]))
        fwd = r0[:, FORWARD]
        yaw = -np.arctan2(fwd[1], fwd[0])
        cz, sz = np.cos(yaw), np.sin(yaw)
        r_level[k] = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]]) @ r0
    for k in range(n):
        a = mid[k]
        rel_to_ic = quat_to_matrix(quat_mul(quat_conj(q[a]), q[i_ic[k]]))
        r_ic = r_level[k] @ rel_to_ic
        fwd_ic = r_ic[:, FORWARD]
        out.foot_strike_angle_deg[k] = float(np.degrees(np.arcsin(np.clip(fwd_ic[UP], -1, 1))))
        out.strike_pattern[k] = strike_pattern(out.foot_strike_angle_deg[k])
        stop = i_ic[k] + int(0.7 * (i_to[k] - i_ic[k]))
        if stop > i_ic[k] + 1:
            roll = np.cumsum(gyr_s[i_ic[k] : stop, FORWARD]) / rate
            sign = 1.0 if al.side == "left" else -1.0
            out.pronation_excursion_deg[k] = float(np.degrees(np.max(sign * roll)))
        if k + 1 < n:
            b = mid[k + 1]
            dt_stride = t[b] - t[a]
            if not 0.4 < dt_stride < 1.6:
                continue
            rel = quat_to_matrix(quat_mul(quat_conj(q[a])[None, :], q[a : b + 1]))
            r = np.einsum("ij,njk->nik", r_level[k], rel)
            acc_lvl = np.einsum("nij,nj->ni", r, acc_s[a : b + 1]) - np.array([0.0, 0.0, G])
            vel = np.concatenate([np.zeros((1, 3)), np.cumsum(0.5 * (acc_lvl[1:] + acc_lvl[:-1]), axis=0) / rate])
            ramp = np.linspace(0.0, 1.0, vel.shape[0])[:, None]
            vel = vel - ramp * vel[-1]
            pos = np.concatenate([np.zeros((1, 3)), np.cumsum(0.5 * (vel[1:] + vel[:-1]), axis=0) / rate])
            length = float(np.hypot(pos[-1, 0], pos[-1, 1]))
            out.stride_length_m[k] = length
            out.stride_speed_mps[k] = length / dt_stride
    return out


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

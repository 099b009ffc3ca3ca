"""Sensor-to-segment alignment of a worn IMU whose mounting orientation is unknown.

Runners strap sensors on any way round, so every analysis first finds the segment's anatomical
axes (``FORWARD``, ``LEFT``, ``UP`` of :mod:`stridelab.model.axes`) in the sensor's frame from
gravity and from the motion itself:

* **UP** (direction of gravity's reaction, i.e. of the specific force at rest): foot - mean
  specific force over the foot-flat samples (:func:`foot_flat`: the quietest 5 % of running, by
  angular rate and departure from 1 g over 50 ms); shank/ankle - mean specific force over running (gravity
  plus the centripetal acceleration of the swinging leg, both along the long axis); trunk - mean
  specific force over running (e.g. Moe-Nilssen R 1998, Clin Biomech 13:320, for the trunk).
* **LEFT** for foot and shank (the sagittal rotation axis): principal axis of the angular velocity
  (sagittal rotation dominates running limb motion; e.g. the functional calibration of Favre J et
  al. 2009, Med Biol Eng Comput 47:81) - for the shank perpendicular to UP; for the foot
  unconstrained, UP then being made perpendicular to it: the swinging foot is inverted relative to
  its flat mid-stance posture, so its rotation axis is not perpendicular to the foot-flat UP, and
  forcing it to be tilted LEFT off the rotation axis by 3-19 deg (median 6) on the virtual sensors
  (0.3-7, median 3, unconstrained; ``validation/imu_foot_sides.py``). The foot's axis is the axis of its swing, i.e.
  of the direction of progression, not the foot's own transverse axis (a toed-out foot's differs by
  the toe-out angle, which one sensor of unknown mounting cannot observe). Its sign (the runner could face
  either way) comes from the time order of the motion: *foot* - after mid-stance the foot first
  rotates toe-down (heel rise, push-off) and only then toe-up (swing), for every strike pattern;
  *shank* - the shank's fastest rotation is the forward swing of late swing, shorter than its
  backward rotation, so the sagittal rate is negatively skewed about LEFT (checked on real
  shank-IMU cycles, ``validation/imu_cycles.py``).
* **FORWARD** for the trunk: of the two principal horizontal acceleration axes, the one that moves
  with the rate of change of vertical acceleration (braking while the vertical force rises), with
  the sign that makes braking negative; LEFT = UP x FORWARD.

Without a gyroscope, foot and shank get UP only (FORWARD/LEFT stay unknown and metrics that need
them are not given); the contact detectors for accelerometers use sign-free features.
Running samples (``running_mask``) are those whose 2-s moving SD of the acceleration norm exceeds
0.2 g (trunk) or 0.4 g (limbs): standing parts of a recording do not bias the axes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.dsp import lowpass
from stridelab.events.imu_peaks import refine_peak
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.trial import ImuData

G = 9.80665


def kind_of(location: str) -> str:
    """"foot", "shank" (shank and ankle), "trunk" (sacrum and hip) or "wrist"."""
    if location.endswith("foot"):
        return "foot"
    if location.endswith(("shank", "ankle")):
        return "shank"
    if location in ("sacrum", "hip"):
        return "trunk"
    return "wrist"


def side_of(location: str) -> str | None:
    return "left" if location.startswith("left_") else ("right" if location.startswith("right_") else None)


@dataclass
class AlignedImu:
    """A sensor's signals in its segment's anatomical axes (index FORWARD, LEFT, UP).

    ``r_`` (3x3) maps sensor to segment axes (``seg = r_ @ sensor``); ``axes_known`` says which of
    FORWARD/LEFT could be found (UP always is); ``confidence`` holds the numbers behind the choice.
    """

    location: str
    kind: str
    side: str | None
    rate_hz: float
    time_s: np.ndarray
    acc: np.ndarray
    gyr: np.ndarray | None
    running: np.ndarray
    r_: np.ndarray
    axes_known: bool
    confidence: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def lowpassed_acc(self, cutoff_hz: float) -> np.ndarray:
        """Specific force low-passed (4th-order zero-lag Butterworth), computed once per cut-off."""
        key = f"acc_lp{cutoff_hz:g}"
        if key not in self.cache:
            self.cache[key] = lowpass(np.nan_to_num(self.acc), self.rate_hz, min(cutoff_hz, 0.4 * self.rate_hz))
        return self.cache[key]


def moving_mean(x: np.ndarray, win: int) -> np.ndarray:
    """Centred moving mean along axis 0 (window ``win`` samples, shrinking at the ends)."""
    x = np.asarray(x, dtype=float)
    win = max(1, int(win))
    n = x.shape[0]
    c = np.empty((n + 1,) + x.shape[1:])
    c[0] = 0.0
    np.cumsum(x, axis=0, out=c[1:])
    h1 = win // 2
    h2 = win - h1
    if win > n:
        i = np.arange(n)
        lo, hi = np.clip(i - h1, 0, n), np.clip(i + h2, 0, n)
        cnt = (hi - lo).reshape((-1,) + (1,) * (x.ndim - 1))
        return np.asarray((c[hi] - c[lo]) / cnt)
    out = np.empty_like(x)
    out[h1 : n - h2 + 1] = (c[win:] - c[: n - win + 1]) / win
    head = np.arange(h1)  # lo = 0, hi = i + h2
    out[:h1] = (c[head + h2] - c[0]) / (head + h2).reshape((-1,) + (1,) * (x.ndim - 1))
    tail = np.arange(n - h2 + 1, n)  # hi = n, lo = i - h1
    out[n - h2 + 1 :] = (c[n] - c[tail - h1]) / (n - tail + h1).reshape((-1,) + (1,) * (x.ndim - 1))
    return out


def row_norm(x: np.ndarray) -> np.ndarray:
    """Euclidean norm of each row of (n, 3) samples (faster than ``np.linalg.norm(axis=1)``)."""
    return np.sqrt(np.einsum("ij,ij->i", x, x))


def running_mask(acc: np.ndarray, rate_hz: float, kind: str, norm: np.ndarray | None = None) -> np.ndarray:
    """Samples that belong to running (module docstring). ``norm``: |acc| when already computed."""
    finite = np.isfinite(acc).all(axis=1)
    if norm is None:
        norm = row_norm(acc if finite.all() else np.nan_to_num(acc))
    win = int(2.0 * rate_hz)
    m1 = moving_mean(norm, win)
    m2 = moving_mean(norm * norm, win)
    sd = np.sqrt(np.maximum(m2 - m1 * m1, 0.0))
    thr = (0.2 if kind == "trunk" else 0.4) * G
    return np.asarray((sd > thr) & finite)


def rotate(x: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``x @ r.T`` for (n, 3) samples, without BLAS (a threaded gemm on tall, thin arrays is slow)."""
    return np.asarray(np.einsum("ij,nj->ni", r, x))


def _dot(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.asarray(np.einsum("nj,j->n", x, v))


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v))


def _principal(x: np.ndarray, up: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal axis of x (n, 3) perpendicular to ``up`` and the share of variance it explains."""
    xp = x - np.outer(_dot(x, up), up)
    cov = np.einsum("ni,nj->ij", xp, xp) / max(1, xp.shape[0])
    w, v = np.linalg.eigh(cov)
    return v[:, -1], float(w[-1] / max(w.sum(), 1e-12))


def _rotation_axis(w: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal axis of angular velocity samples (n, 3), not constrained to any plane, and the share
    of the rotation (sum of squares) about it."""
    m = np.einsum("ni,nj->ij", w, w)
    ev, vec = np.linalg.eigh(m)
    return vec[:, -1], float(ev[-1] / max(ev.sum(), 1e-12))


def _frame_left(up: np.ndarray, left: np.ndarray) -> np.ndarray:
    """Axes with LEFT exactly along ``left`` and UP the part of ``up`` perpendicular to it."""
    lft = _unit(left)
    u = _unit(up - (up @ lft) * lft)
    fwd = np.cross(lft, u)
    r = np.zeros((3, 3))
    r[FORWARD], r[LEFT], r[UP] = fwd, lft, u
    return r


def _frame(up: np.ndarray, left: np.ndarray) -> np.ndarray:
    u = _unit(up)
    lft = _unit(left - (left @ u) * u)
    fwd = np.cross(lft, u)
    r = np.zeros((3, 3))
    r[FORWARD], r[LEFT], r[UP] = fwd, lft, u
    return r


def stride_period(x: np.ndarray, rate_hz: float, lo_s: float = 0.5, hi_s: float = 1.2) -> float | None:
    """Dominant period (s) of a signal within [lo_s, hi_s] from its autocorrelation (computed at
    about 50 Hz after a moving average: a period needs no more)."""
    x = np.nan_to_num(x - np.nanmean(x))
    step = max(1, int(rate_hz // 50))
    if step > 1:
        x = moving_mean(x, step)[::step]
        rate_hz = rate_hz / step
    n = x.size
    if n < int(2 * hi_s * rate_hz):
        return None
    f = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(f * np.conj(f))[:n]
    a, b = int(lo_s * rate_hz), min(int(hi_s * rate_hz), n - 1)
    if b <= a + 2 or ac[0] <= 0:
        return None
    k = a + int(np.argmax(ac[a:b]))
    if ac[k] <= 0.2 * ac[0]:
        return None
    return float(refine_peak(ac, k) / rate_hz)


#: Foot-flat samples for the foot's UP: the quietest share of running samples (see :func:`foot_flat`).
FOOT_FLAT_SHARE = 0.05


def foot_flat(
    acc: np.ndarray, gyr: np.ndarray, rate_hz: float, use: np.ndarray,
    acc_norm: np.ndarray | None = None, gyr_norm: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Samples where a foot sensor is flat and still on the ground (mid-stance).

    Quietness is the angular-rate norm (rad/s) plus the departure of the acceleration norm from
    1 g (per 5 m/s²), both averaged over 50 ms - the mid-stance criterion of
    :mod:`stridelab.metrics.imu_foot`. 50 ms is shorter than the foot-flat phase of a running
    contact (about a quarter of a 200-300 ms contact); a longer window (0.25 s, longer than the whole
    contact) mixes the landing and the push-off into "quiet" samples and tilts UP by 7-14 deg
    (measured on the virtual sensors of ``validation/imu_events.py``). The quietest
    :data:`FOOT_FLAT_SHARE` (5 %) of running samples is about half of the foot-flat time (foot-flat
    is roughly 10 % of a stride). Falls back to ``use`` when there are too few samples.
    ``acc_norm``/``gyr_norm``: the norms when already computed.
    """
    win = max(1, int(0.05 * rate_hz))
    w50 = moving_mean(row_norm(np.nan_to_num(gyr)) if gyr_norm is None else gyr_norm, win)
    a50 = moving_mean(row_norm(np.nan_to_num(acc)) if acc_norm is None else acc_norm, win)
    cost = w50 + np.abs(a50 - G) / 5.0
    if use.sum() < 20:
        return use
    return np.asarray(use & (cost <= np.percentile(cost[use], 100 * FOOT_FLAT_SHARE)))


def _foot_sign(w_ml: np.ndarray, w_norm_lp: np.ndarray, running: np.ndarray, rate: float, period: float) -> tuple[float, float]:
    """+1 if positive ML rotation follows mid-stance first (toe-down about LEFT), and the vote share."""
    from stridelab.events.imu_peaks import Windows, local_extrema

    ok = running & np.isfinite(w_norm_lp)
    if ok.sum() < rate:
        return 1.0, 0.0
    thr_q = np.percentile(w_norm_lp[ok], 30)
    quiet = local_extrema(-w_norm_lp, int(0.6 * period * rate))
    quiet = quiet[(w_norm_lp[quiet] < thr_q) & running[quiet]]
    big = 0.4 * np.percentile(np.abs(w_ml[ok]), 95)
    horizon = int(0.6 * period * rate)
    win = Windows(quiet, np.minimum(quiet + horizon, w_ml.size))
    hit = win.first_true(np.abs(w_ml[win.j]) > big)
    votes = np.sign(w_ml[hit[hit >= 0]])
    if votes.size == 0:
        return 1.0, 0.0
    s = float(np.mean(votes))
    return (1.0 if s >= 0 else -1.0), abs(s)


def _skew(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    if x.size < 3:
        return 0.0
    d = x - x.mean()
    sd = d.std()
    return float(np.mean(d**3) / sd**3) if sd > 0 else 0.0


def align(imu: ImuData) -> AlignedImu:
    """Find the segment axes of one sensor (module docstring) and express its signals in them."""
    loc = imu.location
    kind = kind_of(loc)
    rate = imu.rate_hz
    acc = np.asarray(imu.acc_mps2, dtype=float)
    gyr = None if imu.gyr_radps is None else np.asarray(imu.gyr_radps, dtype=float)
    acc0 = acc if np.isfinite(acc).all() else np.nan_to_num(acc)
    gyr0 = None if gyr is None else (gyr if np.isfinite(gyr).all() else np.nan_to_num(gyr))
    acc_norm = row_norm(acc0)
    run = running_mask(acc, rate, kind, acc_norm)
    msgs: list[str] = []
    conf: dict[str, Any] = {"running_fraction": round(float(run.mean()), 3)}
    use = run if run.sum() > 2 * rate else np.isfinite(acc).all(axis=1)
    if not run.any():
        msgs.append(f"{loc}: no running found (the acceleration varies too little); axes from the whole recording")
    a_use = acc[use]
    axes_known = False
    if kind == "foot" and gyr is not None:
        assert gyr0 is not None
        gyr_norm = row_norm(gyr0)
        wn = moving_mean(gyr_norm, int(0.25 * rate))
        quiet = foot_flat(acc0, gyr0, rate, use, acc_norm, gyr_norm)
        up = _unit(np.nanmean(acc[quiet], axis=0))
        conf["up_spread_deg"] = round(float(np.degrees(np.nanmean(np.arccos(np.clip(_dot(_rows_unit(acc[quiet]), up), -1, 1))))), 1)
        ml, share = _rotation_axis(gyr0[use])
        w_ml = _dot(gyr, ml)
        period = stride_period(w_ml[use], rate) or 0.75
        sign, vote = _foot_sign(w_ml, wn, run, rate, period)
        r = _frame_left(up, sign * ml)
        conf.update({"sagittal_share": round(share, 3), "sign_vote": round(vote, 2)})
        axes_known = True
        if vote < 0.5:
            msgs.append(f"{loc}: the direction the runner faces is uncertain (vote {vote:.2f}); foot pitch signs may be flipped")
    elif kind == "shank" and gyr is not None:
        up = _unit(np.nanmean(a_use, axis=0))
        assert gyr0 is not None
        ml, share = _principal(gyr0[use], up)
        sk = _skew(_dot(gyr, ml)[use])
        sign = -1.0 if sk > 0 else 1.0
        r = _frame(up, sign * ml)
        conf.update({"sagittal_share": round(share, 3), "skewness": round(abs(sk), 2)})
        axes_known = True
        if abs(sk) < 0.15:
            msgs.append(f"{loc}: the direction the runner faces is uncertain (skewness {abs(sk):.2f}); shank rotation signs may be flipped")
    elif kind == "trunk" and run.sum() > 2 * rate:
        up = _unit(np.nanmean(a_use, axis=0))
        a_lp = lowpass(acc0, rate, min(10.0, 0.4 * rate))
        vert = _dot(a_lp, up)
        dv = np.gradient(vert) * rate
        e1, _ = _principal(a_lp[use], up)
        e2 = np.cross(up, e1)
        c1 = np.corrcoef(_dot(a_lp, e1)[use], dv[use])[0, 1]
        c2 = np.corrcoef(_dot(a_lp, e2)[use], dv[use])[0, 1]
        fwd, c = (e1, c1) if abs(c1) >= abs(c2) else (e2, c2)
        fwd = -fwd if c > 0 else fwd
        r = _frame(up, np.cross(up, fwd))
        conf["braking_correlation"] = round(-abs(float(c)), 2)
        axes_known = True
        if abs(c) < 0.2:
            msgs.append(f"{loc}: forward could not be told from sideways (braking correlation {abs(c):.2f}); left/right assignment is unreliable")
    else:
        up = _unit(np.nanmean(a_use, axis=0))
        helper = np.array([1.0, 0.0, 0.0]) if abs(up[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        r = _frame(up, np.cross(up, helper))
        if kind == "trunk":
            msgs.append(f"{loc}: too little running to find the forward direction")
        elif kind != "wrist":
            msgs.append(f"{loc}: no gyroscope, so only the vertical axis is known (forward and sideways are not)")
    acc_seg = rotate(acc, r)
    gyr_seg = None if gyr is None else rotate(gyr, r)
    out = AlignedImu(loc, kind, side_of(loc), rate, imu.time_s, acc_seg, gyr_seg, run, r, axes_known, conf, msgs)
    if kind == "trunk" and axes_known:
        out.cache["acc_lp10"] = rotate(a_lp, r)
    return out


def _rows_unit(x: np.ndarray) -> np.ndarray:
    return np.asarray(x / row_norm(x)[:, None])


__all__ = ["FOOT_FLAT_SHARE", "AlignedImu", "align", "foot_flat", "kind_of", "moving_mean", "row_norm", "running_mask", "side_of", "stride_period"]

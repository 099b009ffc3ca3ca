"""Sensor-to-segment alignment of a worn IMU whose mounting orientation is unknown.

Runners strap sensors on any way round, so every analysis first finds the segment's anatomical
axes (``FORWARD``, ``LEFT``, ``UP`` of :mod:`stridelab.model.axes`) in the sensor's frame from
gravity and from the motion itself:

* **UP** (direction of gravity's reaction, i.e. of the specific force at rest): foot - mean
  specific force over the quietest running samples (mid-stance, foot flat: lowest angular rate,
  acceleration norm within 0.25 g of 1 g); shank/ankle - mean specific force over running (gravity
  plus the centripetal acceleration of the swinging leg, both along the long axis); trunk - mean
  specific force over running (e.g. Moe-Nilssen R 1998, Clin Biomech 13:320, for the trunk).
* **LEFT** for foot and shank (the sagittal rotation axis): principal axis of the angular velocity
  perpendicular to UP (sagittal rotation dominates running limb motion; e.g. the functional
  calibration of Favre J et al. 2009, Med Biol Eng Comput 47:81). Its sign (the runner could face
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
    c = np.cumsum(np.concatenate([np.zeros((1,) + x.shape[1:]), x]), axis=0)
    n = x.shape[0]
    i = np.arange(n)
    lo = np.clip(i - win // 2, 0, n)
    hi = np.clip(i + (win - win // 2), 0, n)
    cnt = (hi - lo).reshape((-1,) + (1,) * (x.ndim - 1))
    return np.asarray((c[hi] - c[lo]) / cnt)


def running_mask(acc: np.ndarray, rate_hz: float, kind: str) -> np.ndarray:
    """Samples that belong to running (module docstring)."""
    norm = np.linalg.norm(np.nan_to_num(acc), axis=1)
    win = int(2.0 * rate_hz)
    m1 = moving_mean(norm, win)
    m2 = moving_mean(norm**2, win)
    sd = np.sqrt(np.maximum(m2 - m1**2, 0.0))
    thr = (0.2 if kind == "trunk" else 0.4) * G
    return np.asarray((sd > thr) & np.isfinite(acc).all(axis=1))


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


def _foot_sign(w_ml: np.ndarray, w_norm_lp: np.ndarray, running: np.ndarray, rate: float, period: float) -> tuple[float, float]:
    """+1 if positive ML rotation follows mid-stance first (toe-down about LEFT), and the vote share."""
    from stridelab.events.imu_peaks import local_extrema

    ok = running & np.isfinite(w_norm_lp)
    if ok.sum() < rate:
        return 1.0, 0.0
    thr_q = np.percentile(w_norm_lp[ok], 30)
    quiet = local_extrema(-w_norm_lp, int(0.6 * period * rate))
    quiet = quiet[(w_norm_lp[quiet] < thr_q) & running[quiet]]
    big = 0.4 * np.percentile(np.abs(w_ml[ok]), 95)
    votes = []
    horizon = int(0.6 * period * rate)
    for q in quiet:
        seg = w_ml[q : q + horizon]
        hit = np.flatnonzero(np.abs(seg) > big)
        if hit.size:
            votes.append(np.sign(seg[hit[0]]))
    if not votes:
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
    run = running_mask(acc, rate, kind)
    msgs: list[str] = []
    conf: dict[str, Any] = {"running_fraction": round(float(run.mean()), 3)}
    use = run if run.sum() > 2 * rate else np.isfinite(acc).all(axis=1)
    if not run.any():
        msgs.append(f"{loc}: no running found (the acceleration varies too little); axes from the whole recording")
    a_use = acc[use]
    axes_known = False
    if kind == "foot" and gyr is not None:
        wn = moving_mean(np.linalg.norm(np.nan_to_num(gyr), axis=1), int(0.25 * rate))
        an = np.linalg.norm(acc, axis=1)
        cand = use & (np.abs(an - G) < 0.25 * G)
        if cand.sum() > 10:
            lim = np.percentile(wn[cand], 15)
            quiet = cand & (wn <= lim)
        else:
            quiet = use
        up = _unit(np.nanmean(acc[quiet], axis=0))
        conf["up_spread_deg"] = round(float(np.degrees(np.nanmean(np.arccos(np.clip(_dot(_rows_unit(acc[quiet]), up), -1, 1))))), 1)
        ml, share = _principal(np.nan_to_num(gyr[use]), up)
        period = stride_period(_dot(gyr, ml)[use], rate) or 0.75
        sign, vote = _foot_sign(_dot(gyr, ml), wn, run, rate, period)
        r = _frame(up, sign * ml)
        conf.update({"sagittal_share": round(share, 3), "sign_vote": round(vote, 2)})
        axes_known = True
        if vote < 0.5:
            msgs.append(f"{loc}: the direction the runner faces is uncertain (vote {vote:.2f}); foot pitch signs may be flipped")
    elif kind == "shank" and gyr is not None:
        up = _unit(np.nanmean(a_use, axis=0))
        ml, share = _principal(np.nan_to_num(gyr[use]), up)
        sk = _skew(_dot(gyr, ml)[use])
        sign = -1.0 if sk > 0 else 1.0
        r = _frame(up, sign * ml)
        conf.update({"sagittal_share": round(share, 3), "skewness": round(abs(sk), 2)})
        axes_known = True
        if abs(sk) < 0.15:
            msgs.append(f"{loc}: the direction the runner faces is uncertain (skewness {abs(sk):.2f}); shank rotation signs may be flipped")
    elif kind == "trunk" and run.sum() > 2 * rate:
        up = _unit(np.nanmean(a_use, axis=0))
        a_lp = lowpass(np.nan_to_num(acc), rate, min(10.0, 0.4 * rate))
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
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True))


__all__ = ["AlignedImu", "align", "kind_of", "moving_mean", "running_mask", "side_of", "stride_period"]

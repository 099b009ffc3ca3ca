"""Foot contacts from video keypoints (heel and toe of each foot, seen from the side).

Method (``method="foot_height_knee_extension"``, our own combination of published kinematic rules:
initial contact from the vertical position of the foot's lowest point, as Leitch J et al. 2011, Gait
Posture 33:130 and Fellin RE et al. 2010, J Sci Med Sport 13:646 use heel and hallux markers;
toe-off at peak knee extension, the toe-off rule with the smallest error, 5 ms, in Fellin et al. 2010):

1. The ground appears as a straight line in the image, tilted when the camera is rolled or, in
   perspective, not square to the running direction. Its slope is the pooled slope of each foot
   keypoint's lowest quarter of frames (its stance, where it slides along the belt or stays put on
   the ground), refitted three times with heights measured from the new line; one line per foot,
   since in perspective the near and the far foot stand on different image lines. Each keypoint's own
   stance level (its 5th percentile above that line) is its zero, since keypoints sit at
   different heights above the sole and the far foot appears higher in a perspective image.
2. A foot is on the ground while its lowest point (the lower of heel and toe) is within 3% of leg
   length (or 3x the keypoints' noise) of the ground; this segments the contacts.
3. Initial contact is where the lowest point descends through 1.5% of leg length (sub-frame
   interpolation): the unloaded sole touches down about 1-2 cm above where it sits under full load,
   because the heel pad and the shoe's midsole compress (heel-pad deformation of about 1 cm in
   running, De Clercq D et al. 1994, J Biomech 27:1213).
4. Toe-off is the peak knee extension (smallest knee flexion; vertex of a parabola fitted over
   +-40 ms around the smallest sample, which averages out keypoint jitter) within
   0.1 s before to 0.12 s after the toe leaves the 3% band; without knee points, that toe crossing.
5. Contacts shorter than 60 ms or longer than 1.0 s, and those at the ends of the video, are rejected.

Needs the heel or ankle and the toe of each foot. At < 60 fps each event is uncertain by about a frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.events.dispatch import ContactEvents
from stridelab.kinematics.planar import knee_flexion
from stridelab.model.tables import contact_table
from stridelab.model.trial import Trial
from stridelab.video.sagittal import SagittalKeypoints, sagittal

SEGMENT_LEG = 0.03
IC_LEG = 0.015


def available(trial: Trial) -> bool:
    kp = trial.keypoints
    return kp is not None and all(any(s + p in kp.names for p in ("heel", "ankle")) and s + "toe" in kp.names for s in ("l_", "r_"))


def ground_line(points: list[np.ndarray | None], iterations: int = 3, low_fraction: float = 25.0, max_slope: float = 0.18, min_range: float = 0.0) -> tuple[float, float]:
    """(intercept, slope) of the ground line up = a + b * forward (see module docstring, step 1).

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


def _height(p: np.ndarray | None, a: float, b: float) -> np.ndarray | None:
    if p is None:
        return None
    h = p[:, 1] - (a + b * p[:, 0])
    # each keypoint sits at its own height above the sole: its own stance level is zero
    with np.errstate(all="ignore"):
        return h - np.nanpercentile(h, 5)


def _crossings(x: np.ndarray, thr: float) -> tuple[np.ndarray, np.ndarray]:
    below = np.where(np.isfinite(x), x < thr, False)
    d = np.diff(below.astype(np.int8))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _crossing_time(x: np.ndarray, i: int, thr: float) -> float:
    """Sub-frame index where ``x`` crosses ``thr`` between samples i and i+1."""
    x0, x1 = x[i], x[i + 1]
    return i + (float(np.clip((thr - x0) / (x1 - x0), 0.0, 1.0)) if x1 != x0 else 0.5)


def _min_subframe(x: np.ndarray, lo: int, hi: int, half: int = 2) -> float | None:
    """Sub-frame index of the minimum of ``x`` in [lo, hi): the vertex of a least-squares parabola
    over +-``half`` samples around the lowest sample (robust to keypoint jitter); None at the edges."""
    lo, hi = max(lo, 1), min(hi, len(x) - 1)
    seg = x[lo:hi]
    if seg.size < 3 or not np.isfinite(seg).any():
        return None
    j = lo + int(np.nanargmin(seg))
    if j <= lo or j >= hi - 1:
        return None  # at the window's edge: no extension peak inside
    k = np.arange(max(0, j - half), min(len(x), j + half + 1))
    y = x[k]
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return float(j)
    c2, c1, _ = np.polyfit(k[ok] - j, y[ok], 2)
    if c2 <= 0:
        return float(j)
    return j + float(np.clip(-c1 / (2 * c2), -half, half))


def detect_video_contacts(trial: Trial, min_contact_s: float = 0.06, max_contact_s: float = 1.0) -> ContactEvents:
    """Contacts from the feet's keypoints (see module docstring)."""
    sk = sagittal(trial)
    return contacts_from_sagittal(sk, min_contact_s, max_contact_s)


def contacts_from_sagittal(sk: SagittalKeypoints, min_contact_s: float = 0.06, max_contact_s: float = 1.0) -> ContactEvents:
    rate = sk.rate_hz
    leg = sk.leg_length_px or 1.0
    feet: dict[str, tuple[np.ndarray | None, np.ndarray | None]] = {}
    for side, s in (("left", "l_"), ("right", "r_")):
        heel = sk.get(s + "heel") if sk.has(s + "heel") else sk.get(s + "ankle")
        feet[side] = (heel, sk.get(s + "toe"))
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    warnings: list[str] = []
    info: dict[str, Any] = {"method": "foot_height_knee_extension", "thresholds_px": {}}
    t = sk.time_s
    for side, (heel, toe) in feet.items():
        # one line per foot: in perspective the near and the far foot stand on different image lines
        a, b = ground_line([heel, toe])
        info.setdefault("ground_slope_deg", {})[side] = round(float(np.degrees(np.arctan(b))), 2)
        hh, ht = _height(heel, a, b), _height(toe, a, b)
        if hh is None or ht is None:
            continue
        low = np.fmin(hh, ht)
        s_ = "l_" if side == "left" else "r_"
        knee = None
        if sk.has(s_ + "hip", s_ + "knee", s_ + "ankle"):
            knee = knee_flexion(sk[s_ + "hip"], sk[s_ + "knee"], sk[s_ + "ankle"])
        with np.errstate(all="ignore"):
            stance = low < np.nanpercentile(low, 30)
            d2 = np.diff(low, 2)
            noise = float(np.nanmedian(np.abs(d2[stance[1:-1]]))) / 0.6745 / np.sqrt(6) if stance.sum() > 5 else 0.0
        thr = max(SEGMENT_LEG * leg, 3.0 * noise)
        thr_ic = max(IC_LEG * leg, 2.0 * noise)
        info["thresholds_px"][side] = {"segment": round(thr, 2), "ic": round(thr_ic, 2)}
        downs, _ = _crossings(low, thr)
        _, ups_toe = _crossings(ht, thr)
        n = len(low)
        w_ic = int(round(0.1 * rate)) + 1
        for i in downs:
            later = ups_toe[ups_toe > i]
            if later.size == 0:
                continue
            j = int(later[0])
            nxt = downs[downs > i]
            if nxt.size and nxt[0] < j:
                continue  # the foot rose and fell again before the toe left: keep the last descent
            if i < 2 or j >= n - 3:
                continue
            d_ic, _ = _crossings(low[i : min(j, i + w_ic)], thr_ic)
            ic_f = _crossing_time(low, int(i) + int(d_ic[0]), thr_ic) if d_ic.size else _crossing_time(low, int(i), thr)
            to_f = None
            if knee is not None:
                to_f = _min_subframe(knee, j - int(round(0.1 * rate)), j + int(round(0.12 * rate)) + 1, max(1, int(round(0.04 * rate))))
            if to_f is None or to_f <= ic_f:
                to_f = _crossing_time(ht, j, thr)
            ic = float(np.interp(ic_f, np.arange(n), t))
            to = float(np.interp(to_f, np.arange(n), t))
            dur = to - ic
            if not (np.isfinite(ic) and np.isfinite(to)):
                continue
            if not (min_contact_s <= dur <= max_contact_s):
                rejected.append({"side": side, "ic_s": round(ic, 4), "reason": f"contact of {dur * 1000:.0f} ms is implausible"})
                continue
            rows.append({"side": side, "ic_s": ic, "to_s": to, "source": "video"})
    c = contact_table(rows)
    if rate < 60:
        warnings.append(f"contacts from {rate:.0f} fps video: each event is uncertain by about {1000 / rate:.0f} ms")
    info["rate_hz"] = rate
    return ContactEvents(c, "video", info, warnings, rejected)

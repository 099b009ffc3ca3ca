"""Foot contacts from video keypoints (heel and toe of each foot, seen from the side).

Method ``method="rest_distance_knee_extension"`` (our own combination; basis below):

1. **Where the foot rests** (:mod:`stridelab.video.events_rest`): in the ground frame (image
   positions minus the ground's image velocity times time: the belt's on a treadmill, measured from
   the resting feet; zero overground) a foot in stance is still and a swinging foot moves at metres
   per second. Each contact has a resting core (some sole point slower than 1 m/s relative to the
   ground and within 3 cm of its stance level); each sole point's resting place in that contact is
   its median ground-frame position over the core frames where it is itself still (else over those
   within 1 cm of the lowest it gets in that stance): a per-stance reference, as the marker method's
   "lowest height in that stance", so that perspective and step-to-step changes of the foot's
   distance from the camera do not matter.
2. **Initial contact** = the first instant any sole point (heel, else ankle; toe) comes within
   ``REST_DISTANCE_M`` = 2.5 cm of its resting place, in both image directions (linear interpolation
   between frames; the first such fall after the point was last clearly away, beyond 5 cm, so that
   noise around the resting place is not taken for the arrival; keypoint gaps up to 0.1 s bridged,
   as the clean-up bridges them). This adapts the clearance rule of Handsaker JC et al. 2016 (J Biomech 49:4128;
   :mod:`stridelab.events.markers`: whichever sole point lands first) to 2-D keypoints: the distance
   is measured along the ground too, because a landing foot approaches its resting place mostly
   horizontally (1-2 m/s relative to the ground at touchdown, against 0.2-0.5 m/s downwards), so a
   distance threshold is crossed steeply and keypoint noise moves it little, while a height threshold
   is crossed slowly and noise moves it a lot. 2.5 cm is the distance a keypoint on the sole still has
   to travel after first touch: heel pad and midsole compress by about 1 cm under running loads
   (De Clercq D, Aerts P, Kunnen M 1994, J Biomech 27:1213; Aerts P, De Clercq D 1993, J Sports Sci
   11:449), the foot lands on the outer edge of its sole and rolls flat, which lowers a mid-line
   keypoint by about half the foot's width times the sine of the ~10 degree inversion (~8 mm), and
   the sole rolls forward from the edge that touched first (~1 cm). The value is a physical estimate,
   not fitted, but it was settled while looking at the validation trials; ``docs/validation.md``
   shows how initial contact moves with it (about 1 ms per mm).
3. **Toe-off** = peak knee extension (smallest knee flexion) after mid-stance, the kinematic toe-off
   rule with the smallest error against force plates, 5.2 ms on a treadmill and 4.9 ms overground in
   20 + 20 runners (Fellin RE, Rose WC, Royer TD, Davis IS 2010, J Sci Med Sport 13:646). It is the
   vertex of a least-squares parabola over +-50 ms (the keypoint smoothing's own half-width) around
   the smallest sample between the stance's largest knee flexion and 0.15 s after the last sole
   point leaves its resting distance for good (beyond it for at least 0.1 s). The knee is used rather
   than a toe clearance because pose models put the "toe" keypoint at different places on the
   forefoot (toe tip, big toe, metatarsal heads: a point at the metatarsal heads is already 3.5-4 cm
   up at the force plate's toe-off in the validation trials, while the toe tip is just leaving), which
   moves a toe clearance rule by tens of milliseconds; the knee angle does not depend on it. Without
   a knee peak (gaps) toe-off is the last sole point leaving its rest distance, with a warning.
4. Contacts starting before or ending after the video, shorter than 60 ms or longer than 1.0 s are
   rejected and listed.

Needs the heel or ankle and the toe of each foot, and hip, knee and ankle for toe-off. At < 60 fps
each event is uncertain by about a frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.events.contacts import ContactEvents
from stridelab.kinematics.planar import knee_flexion
from stridelab.model.tables import contact_table
from stridelab.model.trial import Trial
from stridelab.video.events_rest import (
    LEG_PER_HEIGHT,
    TROCHANTER_PER_HEIGHT,
    TYPICAL_HEIGHT_M,
    FootRest,
    foot_rest,
    ground_line,
    median_position,
)
from stridelab.video.sagittal import SagittalKeypoints, sagittal

__all__ = ["METHODS", "available", "contacts_from_sagittal", "detect_video_contacts", "ground_line", "same_side_share"]

METHODS = ("rest_distance_knee_extension", "rest_distance_label_free")
#: ``detect_video_contacts`` switches to the label-free method when more than this share of the
#: per-foot method's consecutive contacts carry the same side (the leg labels swapped).
MAX_SAME_SIDE_SHARE = 0.1
#: Initial contact: a sole point within this distance of its resting place (module docstring, step 2).
REST_DISTANCE_M = 0.025
#: Frames within this height of a point's lowest in the stance give its resting place.
REST_BAND_M = 0.01
#: A point beyond this multiple of the rest distance (5 cm) is clearly away: keypoint noise around the
#: resting place (a few millimetres to a centimetre) does not reach it, a landing foot passes it within
#: the last ~20 ms before touching down.
CLEAR_FACTOR = 2.0
#: After leaving, the foot stays beyond the rest distance at least this long (a swing lasts > 0.2 s),
#: so that one noisy frame cannot end a contact.
STAY_AWAY_S = 0.1
#: Keypoint gaps up to this long are bridged at an event (the clean-up bridges the same in the
#: keypoints); longer ones leave that point out.
MAX_EVENT_GAP_S = 0.1
#: Half-width of the parabola fitted to the knee angle (the smoothing's half-width, 0.05 s).
KNEE_FIT_HALF_S = 0.05
#: The knee's extension peak comes within this time after the foot leaves its rest distance.
KNEE_AFTER_S = 0.15


def available(trial: Trial) -> bool:
    kp = trial.keypoints
    return kp is not None and all(any(s + p in kp.names for p in ("heel", "ankle")) and s + "toe" in kp.names for s in ("l_", "r_"))


def _cross(x: np.ndarray, k0: int, k1: int, thr: float) -> float:
    """Sub-frame index where ``x`` crosses ``thr`` between frames k0 < k1 (linear interpolation)."""
    a, b = x[k0], x[k1]
    return k0 + (k1 - k0) * (float(np.clip((a - thr) / (a - b), 0.0, 1.0)) if a != b else 0.5)


def _arrival(x: np.ndarray, lo: int, a: int, z: int, thr: float, max_gap: int) -> float | None:
    """When ``x`` (one point's distance) falls through ``thr`` on arriving at core [a, z]: the first fall
    after the last frame (before its first core frame within ``thr``) that was clearly away, beyond
    ``CLEAR_FACTOR * thr``, so that keypoint noise around the resting place is not taken for the
    arrival. A keypoint gap of up to ``max_gap`` frames is bridged, a longer one gives None."""
    ok = np.flatnonzero(np.isfinite(x[lo : z + 1])) + lo
    if ok.size < 2:
        return None
    v = x[ok]
    inside = np.flatnonzero((v <= thr) & (ok >= a))
    if inside.size == 0:
        return None
    far = np.flatnonzero(v[: inside[0]] > CLEAR_FACTOR * thr)
    if far.size == 0:
        return None
    i = int(far[-1]) + 1
    while i < ok.size and v[i] > thr:
        i += 1
    if i >= ok.size or ok[i] - ok[i - 1] - 1 > max_gap:
        return None
    return _cross(x, int(ok[i - 1]), int(ok[i]), thr)


def _departure(x: np.ndarray, a: int, j: int, thr: float, max_gap: int) -> float | None:
    """When ``x`` last rises through ``thr`` in (a, j] (gaps bridged as in :func:`_arrival`)."""
    ok = np.flatnonzero(np.isfinite(x[a : j + 1])) + a
    for i in range(ok.size - 1, 0, -1):
        if x[ok[i]] > thr >= x[ok[i - 1]]:
            return _cross(x, int(ok[i - 1]), int(ok[i]), thr) if ok[i] - ok[i - 1] - 1 <= max_gap else None
    return None


def peak_extension(knee: np.ndarray, lo: int, hi: int, half: int) -> float | None:
    """Sub-frame index of the smallest knee flexion in [lo, hi): the vertex of a least-squares parabola
    over +-``half`` samples around the smallest sample; None when the smallest is at the window's edge."""
    lo, hi = max(lo, 1), min(hi, len(knee) - 1)
    seg = knee[lo:hi]
    if seg.size < 3 or not np.isfinite(seg).any():
        return None
    j = lo + int(np.nanargmin(seg))
    if j <= lo or j >= hi - 1:
        return None
    k = np.arange(max(0, j - half), min(len(knee), j + half + 1))
    y = knee[k]
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return float(j)
    c2, c1, _ = np.polyfit(k[ok] - j, y[ok], 2)
    if c2 <= 0:
        return float(j)
    return j + float(np.clip(-c1 / (2 * c2), -half, half))


def _distances(foot: FootRest, a: int, z: int) -> np.ndarray | None:
    """(n, points) distance in metres of each sole point from its resting place in core [a, z]."""
    out = []
    for m, g in enumerate(foot.points):
        h = g[a : z + 1, 1]
        if not np.isfinite(h).any():
            out.append(np.full(len(g), np.nan))  # this point is missing throughout the stance
            continue
        sel = foot.resting[a : z + 1, m] & np.isfinite(h)
        if sel.sum() < 3:  # hardly at rest (e.g. a heel that barely touches): its lowest frames
            with np.errstate(invalid="ignore"):
                sel = h <= np.nanmin(h) + REST_BAND_M / foot.m_per_px
        q = median_position(g[a : z + 1][sel])
        d = g - q[None, :]
        out.append(np.hypot(d[:, 0], d[:, 1]) * foot.m_per_px)
    dist = np.stack(out, axis=1)
    return dist if np.isfinite(dist).any() else None


def _contact(
    dist: np.ndarray, knee: np.ndarray | None, a: int, z: int, lo: int, hi: int, rate: float
) -> tuple[float, float, str] | str:
    """(ic frame, to frame, to source) of the contact around core [a, z], or the reason it is rejected."""
    n = len(dist)
    thr = REST_DISTANCE_M
    max_gap = max(1, int(round(MAX_EVENT_GAP_S * rate)))
    # initial contact: the first sole point to arrive within the rest distance
    arrive = [x for x in (_arrival(dist[:, m], lo, a, z, thr, max_gap) for m in range(dist.shape[1])) if x is not None]
    if not arrive:
        return "starts before the video (or a keypoint gap hides its start)" if lo == 0 else "keypoint gap at initial contact"
    ic = min(arrive)
    # departure: the first frame after the core from which every seen point stays away, then the last to leave
    with np.errstate(invalid="ignore"):
        seen = np.isfinite(dist)
        away = np.all((dist > thr) | ~seen, axis=1) & seen.any(axis=1)
    stay = max(1, int(round(STAY_AWAY_S * rate)))
    j = z
    while j + stay < hi and not away[j : j + stay].all():
        j += 1
    if j + stay >= hi:
        return "ends after the video (or a keypoint gap hides its end)" if hi >= n - 1 else "no airborne frame found after it"
    leave = [x for x in (_departure(dist[:, m], a, j, thr, max_gap) for m in range(dist.shape[1])) if x is not None]
    if not leave:
        return "keypoint gap at toe-off"
    dep = max(leave)
    if knee is not None:
        i0, i1 = int(np.floor(ic)) + 1, int(np.ceil(dep))
        if i1 > i0 and np.isfinite(knee[i0:i1]).any():
            mid = i0 + int(np.nanargmax(knee[i0:i1]))  # the stance's largest knee flexion
            to = peak_extension(knee, mid, int(np.ceil(max(dep, z) + KNEE_AFTER_S * rate)) + 1, max(1, int(round(KNEE_FIT_HALF_S * rate))))
            if to is not None and to > ic:
                return ic, to, "knee"
    return ic, dep, "toe"


def _scale(sk: SagittalKeypoints, height_m: float | None, leg_length_m: float | None) -> tuple[float, str]:
    """Metres per pixel: known, else from the runner's height or leg length (as
    :func:`stridelab.video.stage.scale_m_per_px`), else from the leg length of a runner of typical height."""
    if sk.m_per_px:
        return float(sk.m_per_px), "known scale"
    leg = sk.leg_length_px or float("nan")
    if height_m:
        return LEG_PER_HEIGHT * height_m / leg, f"runner's height {height_m:.2f} m"
    if leg_length_m:
        return leg_length_m * LEG_PER_HEIGHT / TROCHANTER_PER_HEIGHT / leg, f"leg length {leg_length_m:.2f} m"
    return LEG_PER_HEIGHT * TYPICAL_HEIGHT_M / leg, f"leg length of a {TYPICAL_HEIGHT_M:.2f} m runner (height not given)"


def detect_video_contacts(trial: Trial, min_contact_s: float = 0.06, max_contact_s: float = 1.0) -> ContactEvents:
    """Contacts from the feet's keypoints (see module docstring)."""
    subj = trial.subject
    given = {k: getattr(subj, k) for k in ("height_m", "leg_length_m") if subj.sources.get(k) == "given"}
    sk = sagittal(trial)
    per_foot = contacts_from_sagittal(sk, min_contact_s, max_contact_s, **given)
    share = same_side_share(per_foot.contacts)
    if share <= MAX_SAME_SIDE_SHARE:
        return per_foot
    free = contacts_from_sagittal(sk, min_contact_s, max_contact_s, method="rest_distance_label_free", **given)
    if len(free.contacts) < 4:
        return per_foot
    free.warnings.append(
        f"the pose model's left and right legs swap in this video ({100 * share:.0f}% of consecutive contacts of the "
        f"per-foot method fell on the same side): contacts are found from both feet together and their sides alternate, "
        f"with the pose model's labels as votes ({free.info['sides']['contacts_agreeing_with_labels']} of "
        f"{free.info['sides']['contacts']} agree); toe-off is the toe leaving the ground, not the knee's extension"
    )
    free.info["per_foot_method"] = {"method": METHODS[0], "contacts": len(per_foot.contacts), "same_side_share": round(share, 3)}
    return free


def same_side_share(contacts: Any) -> float:
    """Share of consecutive contacts (by initial contact) that carry the same side: 0 when the sides
    alternate as running's do; above 0 when a contact was missed or the leg labels swapped."""
    if len(contacts) < 2:
        return 0.0
    sides = contacts.sort_values("ic_s")["side"].to_numpy()
    return float(np.mean(sides[1:] == sides[:-1]))


def contacts_from_sagittal(
    sk: SagittalKeypoints,
    min_contact_s: float = 0.06,
    max_contact_s: float = 1.0,
    height_m: float | None = None,
    leg_length_m: float | None = None,
    method: str = METHODS[0],
) -> ContactEvents:
    """Contacts from sagittal keypoints (see module docstring); ``height_m`` or ``leg_length_m``
    (trochanter height) set the scale when the keypoints do not carry one."""
    if method not in METHODS:
        raise ValueError(f"unknown video event method {method!r}; use one of {', '.join(METHODS)}")
    rate = sk.rate_hz
    t = sk.time_s
    n = len(t)
    m_per_px, scale_from = _scale(sk, height_m, leg_length_m)
    if method == "rest_distance_label_free":
        from stridelab.video.events_label_free import contacts_label_free

        ev = contacts_label_free(sk, m_per_px, REST_DISTANCE_M, min_contact_s, max_contact_s)
        ev.info["scale_from"] = scale_from
        if rate < 60:
            ev.warnings.append(f"contacts from {rate:.0f} fps video: each event is uncertain by about {1000 / rate:.0f} ms")
        return ev
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    warnings: list[str] = []
    info: dict[str, Any] = {"method": method, "rest_distance_m": REST_DISTANCE_M, "scale_from": scale_from, "feet": {}}
    if not np.isfinite(m_per_px):
        warnings.append("no leg length in the keypoints (hips, knees, ankles): contacts cannot be found")
        return ContactEvents(contact_table([]), "video", info, warnings, rejected)
    n_toe = 0
    for side, s in (("left", "l_"), ("right", "r_")):
        heel = sk.get(s + "heel") if sk.has(s + "heel") else sk.get(s + "ankle")
        toe = sk.get(s + "toe") if sk.has(s + "toe") else None
        if heel is None or toe is None:
            warnings.append(f"{side} foot: no heel/ankle and toe keypoints; its contacts are not found")
            continue
        foot = foot_rest([heel, toe], t, rate, m_per_px)
        knee = knee_flexion(sk[s + "hip"], sk[s + "knee"], sk[s + "ankle"]) if sk.has(s + "hip", s + "knee", s + "ankle") else None
        info["feet"][side] = {
            "ground_velocity_mps": round(float(foot.ground_velocity_px_s[0]) * m_per_px, 3),
            "ground_slope_deg": round(float(np.degrees(np.arctan(foot.slope))), 2),
            "contacts_found": 0,
        }
        cores = foot.cores
        for k, (a, z) in enumerate(cores):
            lo = cores[k - 1][1] if k else 0
            hi = cores[k + 1][0] if k + 1 < len(cores) else n - 1
            dist = _distances(foot, a, z)
            res = _contact(dist, knee, a, z, lo, hi, rate) if dist is not None else "keypoint gap during stance"
            if isinstance(res, str):
                rejected.append({"side": side, "ic_s": round(float(t[a]), 4), "reason": res, "source": "video"})
                continue
            ic_f, to_f, to_from = res
            ic = float(np.interp(ic_f, np.arange(n), t))
            to = float(np.interp(to_f, np.arange(n), t))
            if not (min_contact_s <= to - ic <= max_contact_s):
                rejected.append({"side": side, "ic_s": round(ic, 4), "reason": f"contact of {(to - ic) * 1000:.0f} ms is implausible", "source": "video"})
                continue
            n_toe += to_from == "toe"
            rows.append({"side": side, "ic_s": ic, "to_s": to, "source": "video", "to_from": to_from})
            info["feet"][side]["contacts_found"] += 1
    if n_toe:
        warnings.append(
            f"{n_toe} toe-off(s) from the toe keypoint leaving its resting place (no knee extension peak found): "
            "these depend on where the pose model puts the toe point (earlier when it sits behind the toe tip)"
        )
    if rate < 60:
        warnings.append(f"contacts from {rate:.0f} fps video: each event is uncertain by about {1000 / rate:.0f} ms")
    info["rate_hz"] = rate
    return ContactEvents(contact_table(rows), "video", info, warnings, rejected)

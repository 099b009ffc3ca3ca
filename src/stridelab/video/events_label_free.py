"""Foot contacts from video keypoints without trusting the pose model's left/right labels.

``method="rest_distance_label_free"`` (our own; used by :func:`stridelab.video.events.detect_video_contacts`
when the per-foot method's contacts show swapped leg identities). Seen from the side, the near and
the far foot look alike and cross every step; pose models swap their labels often (Stenum J et al.
2021, PLoS Comput Biol 17:e1008935), and at 30 fps a swap lasting a few frames is hard to undo from
the motion alone because a landing foot reverses direction within one frame. The contacts, however,
do not need the labels: in running one foot at a time rests on the ground, and a resting foot does
not move relative to the ground. So:

1. The four sole points (heel, else ankle, and toe of both labels) are pooled. The ground's image
   velocity and slope come from :func:`stridelab.video.events_rest.foot_rest` on the pooled points (the
   belt's velocity on a treadmill, about zero overground; a panning camera's ground motion is the
   same uniform image motion). A point *rests* in a frame when it moves slower than
   ``REST_SPEED_MPS`` relative to the ground and lies within ``BAND_M`` of the lowest sole point of
   that frame (the stance foot is the lowest; the near and far foot stand on image lines a few
   centimetres apart, and a label swap moves a label between them).
2. A contact is a run of frames with a resting point, continued while a resting point lies within
   ``SAME_PLACE_M`` of a place where some point rested earlier in the run (in the ground frame the
   next foot lands a step length, > 0.5 m, from where the last one left); runs at the same place
   interrupted for at most ``MERGE_GAP_S`` (a label swap makes a point jump for a frame) are one.
3. Initial contact and toe-off: each resting point's place is its median ground-frame position over
   the frames it rests; initial contact is the first point's arrival within
   :data:`stridelab.video.events.REST_DISTANCE_M` (2.5 cm) of its place, toe-off the last point's
   departure beyond it (linear interpolation between frames; searched at most 0.13 s outside the
   resting run), the rule of :mod:`stridelab.video.events` without its knee-extension toe-off (the
   knee of a swapped label is the wrong knee).
4. Sides: each contact's vote is (left-labelled minus right-labelled resting point-frames); the sides
   alternate within each run of consecutive contacts, with the phase that most votes support (as
   the trunk sensor's ``lee2010`` sides, :func:`stridelab.events.imu_sacrum._alternate`).

``REST_SPEED_MPS`` and ``BAND_M`` are wider than the per-foot method's (1.0 m/s, 3 cm): a central
difference at 30 fps spans 67 ms, which mixes the landing's motion into the first resting frame, and
the band has to hold both feet's image lines. They were settled on the real phone video
``video/male_side`` (``validation/video_real.py``); that is one recording, so these two values are
not validated beyond it (docs/validation.md, "Real wearables and video").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.events.contacts import ContactEvents
from stridelab.events.imu_sacrum import _alternate
from stridelab.model.tables import contact_table
from stridelab.video.events_rest import foot_rest
from stridelab.video.sagittal import SagittalKeypoints

METHOD = "rest_distance_label_free"
REST_SPEED_MPS = 1.5
BAND_M = 0.08
SAME_PLACE_M = 0.1
SEARCH_S = 0.13
MIN_RUN_FRAMES = 3
#: Resting runs at the same place this close in time are one contact (a swap or noise interrupted it).
MERGE_GAP_S = 0.1


def _sole_points(sk: SagittalKeypoints) -> tuple[np.ndarray, np.ndarray] | None:
    """(n, points, 2) sole points and their labels (+1 left, -1 right), or None without feet."""
    pts: list[np.ndarray] = []
    labels: list[float] = []
    for s, sign in (("l_", 1.0), ("r_", -1.0)):
        for names in (("heel", "ankle"), ("toe",)):
            name = next((s + p for p in names if sk.has(s + p)), None)
            arr = sk.get(name) if name is not None else None
            if arr is not None:
                pts.append(arr)
                labels.append(sign)
    if len(pts) < 2 or (1.0 not in labels and -1.0 not in labels):
        return None
    return np.stack(pts, axis=1), np.asarray(labels)


def _runs(rest: np.ndarray, g: np.ndarray, tol_px: float, max_gap: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    for f in range(rest.shape[0]):
        idx = np.flatnonzero(rest[f])
        if idx.size == 0:
            if cur is not None:
                out.append(cur)
                cur = None
            continue
        pos = g[f, idx]
        if cur is not None:
            placed = np.asarray(cur["places"])
            near = min(float(np.min(np.hypot(*(placed - p).T))) for p in pos) < tol_px
            if not near:
                out.append(cur)
                cur = None
        if cur is None:
            cur = {"a": f, "z": f, "places": [], "rest": {}}
        cur["z"] = f
        cur["places"].extend(list(pos))
        for m in idx:
            cur["rest"].setdefault(int(m), []).append(f)
    if cur is not None:
        out.append(cur)
    # a label swap (or a noisy frame) interrupts a resting run for a frame or two: runs at the same
    # place separated by at most max_gap frames are one contact
    merged: list[dict[str, Any]] = []
    for c in out:
        if merged and c["a"] - merged[-1]["z"] - 1 <= max_gap and _near(merged[-1]["places"], c["places"], tol_px):
            last = merged[-1]
            last["z"] = c["z"]
            last["places"].extend(c["places"])
            for m, frames in c["rest"].items():
                last["rest"].setdefault(m, []).extend(frames)
        else:
            merged.append(c)
    return [c for c in merged if c["z"] - c["a"] + 1 >= MIN_RUN_FRAMES]


def _near(p: list[np.ndarray], q: list[np.ndarray], tol_px: float) -> bool:
    a, b = np.asarray(p), np.asarray(q)
    d = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    return bool(np.nanmin(d) < tol_px)


def _cross(d: np.ndarray, f0: int, f1: int, thr: float) -> float:
    """Sub-frame index between f0 and f1 = f0 + 1 where ``d`` crosses ``thr``."""
    a, b = d[f0], d[f1]
    return f0 + (float(np.clip((a - thr) / (a - b), 0.0, 1.0)) if a != b else 0.5)


def _events(d: np.ndarray, a: int, z: int, thr: float, span: int) -> tuple[float, float]:
    """Arrival within and departure beyond ``thr`` of one point's distance ``d`` around run [a, z]
    (the run's own first or last frame when the point is not within ``thr`` there)."""
    n = d.size
    f = a
    while f > max(a - span, 0) and np.isfinite(d[f - 1]) and d[f - 1] <= thr:
        f -= 1
    ic = _cross(d, f - 1, f, thr) if f > 0 and np.isfinite(d[f - 1]) and d[f - 1] > thr >= d[f] else float(f)
    f = z
    while f < min(z + span, n - 1) and np.isfinite(d[f + 1]) and d[f + 1] <= thr:
        f += 1
    to = _cross(d, f, f + 1, thr) if f < n - 1 and np.isfinite(d[f + 1]) and d[f] <= thr < d[f + 1] else float(f)
    return ic, to


def contacts_label_free(
    sk: SagittalKeypoints, m_per_px: float, rest_distance_m: float, min_contact_s: float = 0.06, max_contact_s: float = 1.0
) -> ContactEvents:
    """Contacts of both feet from the pooled sole points (module docstring)."""
    rate = sk.rate_hz
    t = sk.time_s
    n = len(t)
    info: dict[str, Any] = {"method": METHOD, "rest_distance_m": rest_distance_m, "rest_speed_mps": REST_SPEED_MPS, "band_m": BAND_M}
    rejected: list[dict[str, Any]] = []
    sole = _sole_points(sk)
    if sole is None or not np.isfinite(m_per_px):
        return ContactEvents(contact_table([]), "video", info, ["no heel/ankle and toe keypoints: contacts cannot be found"], rejected)
    pts, labels = sole
    foot = foot_rest(list(pts.transpose(1, 0, 2)), t, rate, m_per_px)
    w, b = foot.ground_velocity_px_s, foot.slope
    tt = t - t[0]
    with np.errstate(all="ignore"):
        vel = np.gradient(pts, tt, axis=0)
        rel = np.hypot(vel[..., 0] - w[0], vel[..., 1] - w[1]) * m_per_px
        h = pts[..., 1] - b * pts[..., 0]
        low = np.nanmin(np.where(np.isfinite(h), h, np.inf), axis=1)
        rest = (rel < REST_SPEED_MPS) & ((h - low[:, None]) * m_per_px < BAND_M) & np.isfinite(rel)
    g = pts - w[None, None, :] * tt[:, None, None]
    span = max(1, int(round(SEARCH_S * rate)))
    rows: list[dict[str, Any]] = []
    votes: list[float] = []
    for run in _runs(rest, g, SAME_PLACE_M / m_per_px, max(1, int(round(MERGE_GAP_S * rate)))):
        a, z = run["a"], run["z"]
        ics, tos = [], []
        vote = 0.0
        for m, frames in run["rest"].items():
            vote += labels[m] * len(frames)
            if len(frames) < 2:
                continue
            place = np.median(g[frames, m], axis=0)
            d = np.hypot(*(g[:, m] - place).T) * m_per_px
            ic, to = _events(d, a, z, rest_distance_m, span)
            ics.append(ic)
            tos.append(to)
        if not ics or not tos:
            rejected.append({"ic_s": round(float(t[a]), 4), "reason": "keypoint gap at the contact's start or end", "source": "video"})
            continue
        ic_f, to_f = min(ics), max(tos)
        if ic_f <= 0.5 or to_f >= n - 1.5:
            rejected.append({"ic_s": round(float(t[a]), 4), "reason": "starts before or ends after the video", "source": "video"})
            continue
        ic_s = float(np.interp(ic_f, np.arange(n), t))
        to_s = float(np.interp(to_f, np.arange(n), t))
        if not (min_contact_s <= to_s - ic_s <= max_contact_s):
            rejected.append({"ic_s": round(ic_s, 4), "reason": f"contact of {(to_s - ic_s) * 1000:.0f} ms is implausible", "source": "video"})
            continue
        rows.append({"ic_s": ic_s, "to_s": to_s, "source": "video", "to_from": "toe"})
        votes.append(vote)
    if rows:
        ic_arr = np.array([r["ic_s"] for r in rows])
        sides = _alternate(ic_arr, np.asarray(votes, dtype=float))
        for r, s in zip(rows, sides, strict=True):
            r["side"] = str(s)
        agree = sum(1 for r, v in zip(rows, votes, strict=True) if v != 0 and (v > 0) == (r["side"] == "left"))
        info["sides"] = {"method": "alternation with the pose model's labels as votes", "contacts_agreeing_with_labels": agree, "contacts": len(rows)}
    info["ground_velocity_mps"] = round(float(w[0]) * m_per_px, 3)
    info["rate_hz"] = rate
    return ContactEvents(contact_table(rows), "video", info, [], rejected)

"""Foot contacts from markers alone (trials without force plates), for running.

Method ``"handsaker2016_clearance"``: adapted from Handsaker JC, Forrester SE, Folland JP,
Black MI, Allen SJ (2016) A kinematic algorithm to identify gait events during running at
different speeds and with different footstrike types. J Biomech 49:4128-4133. Handsaker et al.
find each contact in a window around the foot's stance and take touchdown from whichever foot
region (heel or first metatarsal) lands first, which makes the method independent of the strike
pattern (rearfoot, midfoot, forefoot), and toe-off from the hallux. What is changed here, and why:

1. **Position instead of acceleration/jerk peaks.** Derivative peaks move by several
   milliseconds when the sampling rate or the filter changes (a 60 Hz trial cannot resolve an
   impact peak); a height crossing, interpolated linearly between two frames, does not. Events
   are where a sole point's height crosses a threshold given in millimetres.
2. **The foot's tilt is followed** (:mod:`stridelab.events.foot_model`): the foot lands tilted
   (heel first, or on the outer edge of the forefoot), so a marker high on the shoe is not at its
   stance height when the sole under it touches. Anatomical markers within 3 cm of the sole stand
   for the sole under them (a 20-degree tilt moves them < 2 mm); higher markers and heel-counter
   clusters are projected onto the sole with a rigid rear-foot model; a foot without forefoot
   markers gets virtual MTP joints from its foot length.
3. **Initial contact** = the first instant any sole point comes within ``contact_clearance_mm``
   (5 mm; rear-foot points: ``heel_clearance_mm``, 2 mm) of the lowest height it reaches in that
   stance. 5 mm is of the order of the vertical compression of a running-shoe midsole and the
   plantar soft tissue under running loads (Aerts P, De Clercq D 1993, J Sports Sci 11:449; De
   Clercq D, Aerts P, Kunnen M 1994, J Biomech 27:1213), so a forefoot point touches the ground about
   that far above where it ends up; it is also 5x the typical marker noise (~1 mm). A rearfoot strike
   is different: the heel comes down slowly (~0.3 m/s over the last centimetre) and the heel-counter
   markers ride on the midsole rather than compress with it, so a heel point is within 1-2 mm of its
   stance level when the force rises; with 5 mm, rearfoot initial contacts came 5-18 ms early on 14
   runners. The 2 mm was chosen on the corpus of 23 runners of four labs: leave-one-runner-out
   choice picks 1-2 mm in every fold, and 2 mm rather than 1 mm because the rearfoot landings of the
   two other labs with one (davis_qtm, pyorerun) are better at 2 mm (docs/validation.md "Motion
   capture from other labs and runners", ``validation/marker_events_loro.py``).
4. **Toe-off** = the instant the last sole point (rear-foot points and toe markers) rises above
   ``toe_off_clearance_mm + d * sin(toe_off_angle_deg)`` (5 mm + ...) over its loaded (mid-stance) height,
   where ``d`` is its forward distance behind the toe pivot (hallux pad, at 0.93 of foot length).
   The toes stay on the ground while the rear foot rolls over the MTP joints, and the hallux pad
   leaves while the toe segment is still only slightly inclined; a point ``d`` behind the pivot is
   then ``d * sin(angle)`` higher. The angle, 10 degrees, is a modelling choice (the toe segment's
   inclination at toe-off is not well documented); docs/validation.md shows that toe-off moves by
   ~1.6 ms per degree. With a toe-tip marker (``d = 0``) this is the same 5 mm rule as initial
   contact; with metatarsal markers only (~6 cm behind the pivot) it is ~16 mm. When three or more
   points cover the forefoot, the second-last to leave decides, so that one marker pushed down by
   the bending toe box or shoe upper cannot hold the contact open. Points carried by a rigid fit
   (landmarks reconstructed from the standing trial, the sole under a high marker) do not decide
   when two or more measured forefoot markers on the sole exist (:func:`toe_off_points`: a rigid
   fit over the bending foot drifts in push-off).
5. **Two refinements, each falling back to the rules above where it finds nothing** (issue 9,
   second follow-up; docs/validation.md "Heel impact and toe segment"): initial contact of a heel
   landing from the posterior heel marker's impact peak (:mod:`stridelab.events.heel_impact`; a heel
   that keeps sinking after touchdown made rule 3 late), and toe-off of a foot with a toe-box marker
   from the toe segment's turn about the MTP joint (:mod:`stridelab.events.toe_segment`; rule 4
   depends on how high each lab puts its toe markers on the shoe).

Contacts are first found coarsely (some sole point within 15 mm of its usual stance height and
moving at less than 1 m/s relative to the ground, which is the belt on a treadmill: its velocity
is measured from the stance feet), then refined as above. Partial contacts at the ends of the
recording, contacts interrupted by marker gaps, and contacts shorter than 60% of the trial's
median (marker artefacts: a steady runner's contact times vary by a few percent) are dropped and
listed. Each foot is detected on its own, so overlapping contacts (double support, i.e. walking)
show as negative flight times. A foot whose markers cannot locate the forefoot (no metatarsal or
toe marker, and no foot length or fewer than three rear-foot markers) is refused with a message
naming the missing markers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stridelab.errors import NoValidResultError
from stridelab.events.contacts import ContactEvents
from stridelab.events.foot_model import FOOT_LANDMARKS, FootModel, build_foot_model
from stridelab.events.heel_impact import DEFAULT_OFFSET_MS, heel_acceleration, heel_impact_ic, heel_marker
from stridelab.events.toe_segment import (
    DEFAULT_ANGLE_DEG,
    DEFAULT_JOINT_HEIGHT_M,
    angle_toe_off,
    toe_segment_angle,
)
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.tables import contact_table
from stridelab.model.trial import MarkerData, Trial

METHODS = ("handsaker2016_clearance",)

#: Coarse stance: a sole point within this height of its usual stance level ...
COARSE_CLEARANCE_M = 0.015
#: ... and slower than this relative to the ground (swing feet move at metres per second).
COARSE_SPEED_MPS = 1.0
#: Feet whose lowest point stays this far above the other foot's never touch the ground.
NEVER_GROUNDED_M = 0.04
MIN_CONTACT_S = 0.04
MAX_GAP_S = 0.02
SEARCH_S = 0.15


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def _velocity(pos: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Central-difference velocity along axis 0 (NaN propagates)."""
    v = np.full_like(pos, np.nan)
    if len(t) >= 3:
        dt = (t[2:] - t[:-2]).reshape((-1,) + (1,) * (pos.ndim - 1))
        v[1:-1] = (pos[2:] - pos[:-2]) / dt
    return v


def _crossing(t: np.ndarray, c: np.ndarray, j: int, thr: float) -> float:
    """Time between frames j and j+1 where ``c`` crosses ``thr`` (linear)."""
    a, b = c[j], c[j + 1]
    frac = 0.5 if b == a else (a - thr) / (a - b)
    return float(t[j] + np.clip(frac, 0.0, 1.0) * (t[j + 1] - t[j]))


def _all_above(c: np.ndarray, thr: float | np.ndarray) -> bool:
    """Every visible point above its threshold (at least half of the points visible)."""
    ok = np.isfinite(c)
    if ok.sum() * 2 < c.size:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.where(ok, c > thr, True).all())


#: Floor slope: sole points slower than this are at rest on the floor ...
REST_SPEED_MPS = 0.3
#: ... and when their rest positions span this far horizontally (overground), the floor's height is
#: fitted as a plane over them and removed: a runway that is not level in the lab frame (a slope or a
#: vertical axis tilted by a fraction of a degree: ~60 mm over the 12 m of dorn2012) otherwise puts
#: the far stances centimetres above the trial's lowest one. Treadmills (feet within ~1 m) skip it.
FLOOR_FIT_SPAN_M = 2.0


class _Foot:
    """Per-foot signals for the detector."""

    def __init__(self, model: FootModel, markers: MarkerData) -> None:
        self.model = model
        self.pos = model.positions(markers)  # (n, m, 3)
        self.vel = _velocity(self.pos, markers.time_s)
        self.set_floor(None)

    def set_floor(self, slope: np.ndarray | None) -> None:
        """Heights above the floor plane ``z = b * forward + c * left`` (None: a level floor)."""
        self.z = self.pos[:, :, UP].copy()
        if slope is not None:
            self.z -= slope[0] * self.pos[:, :, FORWARD] + slope[1] * self.pos[:, :, LEFT]
        with np.errstate(all="ignore"):
            self.low = np.nanpercentile(self.z, 2, axis=0)  # usual stance level of each point
        self.level = float(np.nanmin(self.low)) if np.isfinite(self.low).any() else np.nan


def floor_slope(feet: list[_Foot]) -> np.ndarray | None:
    """(b, c) of the floor plane through the sole points at rest, each point with its own height
    above the sole (least squares on per-point-centred positions); None when the rest positions
    span less than FLOOR_FIT_SPAN_M (a treadmill) or are too few."""
    xs, ys, zs = [], [], []
    for f in feet:
        with np.errstate(invalid="ignore"):
            rest = np.linalg.norm(f.vel, axis=2) < REST_SPEED_MPS
            for k in range(f.pos.shape[1]):
                r = rest[:, k] & np.isfinite(f.pos[:, k, UP])
                if r.sum() < 5:
                    continue
                p = f.pos[r, k, :]
                xs.append(p[:, FORWARD] - p[:, FORWARD].mean())
                ys.append(p[:, LEFT] - p[:, LEFT].mean())
                zs.append(p[:, UP] - p[:, UP].mean())
    if not xs:
        return None
    allx = np.concatenate([f.pos[:, :, FORWARD][np.linalg.norm(f.vel, axis=2) < REST_SPEED_MPS] for f in feet])
    allx = allx[np.isfinite(allx)]
    if allx.size < 20 or np.percentile(allx, 95) - np.percentile(allx, 5) < FLOOR_FIT_SPAN_M:
        return None
    a = np.column_stack([np.concatenate(xs), np.concatenate(ys)])
    z = np.concatenate(zs)
    sol, *_ = np.linalg.lstsq(a, z, rcond=None)
    return np.asarray(sol, dtype=float)


def _ground_velocity(feet: list[_Foot]) -> float:
    """Forward velocity of the ground (the belt on a treadmill, ~0 overground), from the sole
    points that are at their stance level and not moving vertically."""
    vals = []
    for f in feet:
        near = (f.z - f.low[None, :] < 0.005) & (np.abs(f.vel[:, :, UP]) < 0.1)
        vals.append(f.vel[:, :, FORWARD][near])
    v = np.concatenate(vals) if vals else np.zeros(0)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size >= 5 else 0.0


def _coarse(foot: _Foot, t: np.ndarray, v_ground: float) -> list[tuple[int, int]]:
    rel = foot.vel.copy()
    rel[:, :, FORWARD] -= v_ground
    with np.errstate(invalid="ignore"):
        speed = np.linalg.norm(rel, axis=2)
        grounded = ((foot.z - foot.low[None, :]) < COARSE_CLEARANCE_M) & (speed < COARSE_SPEED_MPS)
    cand = grounded.any(axis=1)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    runs = _runs(cand)
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1] - 1) * dt <= MAX_GAP_S:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [(a, b) for a, b in merged if (b - a) * dt >= 0.5 * MIN_CONTACT_S]


def _last_leave(t: np.ndarray, c: np.ndarray, thr: float, start: int, stop: int) -> float:
    """Last upward crossing of ``thr`` by ``c`` in frames [start, stop] (NaN if none)."""
    for j in range(stop, start, -1):
        if c[j] > thr >= c[j - 1]:
            return _crossing(t, -c, j - 1, -thr)
    return float("nan")


def _refine(
    foot: _Foot, t: np.ndarray, a: int, b: int, lo: int, hi: int, clear_m: float, to_thr: np.ndarray, forefoot: np.ndarray,
    ic_thr: np.ndarray, to_points: np.ndarray | None = None,
) -> tuple[dict[str, Any] | None, str | None]:
    """Initial contact and toe-off of the coarse stance [a, b], searching within [lo, hi].

    ``to_points``: the points that may decide toe-off (None: all); see :func:`toe_off_points`."""
    z = foot.z
    labels = foot.model.labels
    with np.errstate(all="ignore"):
        zmin = np.nanmin(z[a : b + 1], axis=0)
    c = z - zmin[None, :]
    # initial contact: the last frame before the stance with every sole point clear, then the
    # first point to come within clear_m
    j = a
    while j > lo and not _all_above(c[j], ic_thr):
        j -= 1
    if j <= lo:
        return None, "starts before the recording (or a marker gap hides its start)" if lo == 0 else "no airborne frame found before it"
    while j < b and _all_above(c[j + 1], ic_thr):  # the coarse start may still be in the air
        j += 1
    hit = [(k, _crossing(t, c[:, k], j, float(ic_thr[k]))) for k in range(z.shape[1]) if c[j + 1, k] <= ic_thr[k]]
    if not hit:
        return None, "marker gap at initial contact"
    k_ic, ic = min(hit, key=lambda x: x[1])
    # toe-off: heights over each point's loaded (mid-stance) level
    with np.errstate(all="ignore"):
        grounded = c[a : b + 1] < clear_m
        ref = np.array([np.nanmedian(z[a : b + 1, k][grounded[:, k]]) if grounded[:, k].any() else zmin[k] for k in range(z.shape[1])])
    cto = z - ref[None, :]
    mid = (a + b) // 2
    j = max(mid, a)
    while j < hi and not _all_above(cto[j], to_thr):
        j += 1
    if j >= hi:
        return None, "ends after the recording (or a marker gap hides its end)" if hi == len(t) - 1 else "no airborne frame found after it"
    # each point leaves when it last rises through its threshold (j - 1 -> j for the late ones)
    leave = np.array(
        [
            _crossing(t, -cto[:, k], j - 1, -to_thr[k]) if cto[j - 1, k] <= to_thr[k] else _last_leave(t, cto[:, k], to_thr[k], mid, j)
            for k in range(z.shape[1])
        ]
    )
    seen = np.flatnonzero(np.isfinite(leave))
    if to_points is not None and to_points[seen].any():
        seen = seen[to_points[seen]]
    if not seen.size:
        return None, "marker gap at toe-off"
    # the last point to leave, or the second-last when 3+ points cover the forefoot: one marker
    # pushed down by the bending toe box or shoe upper must not hold the contact open
    order = seen[np.argsort(leave[seen])]
    fore = [int(k) for k in order if forefoot[k]]
    k_to = fore[-2] if len(fore) >= 3 else int(order[-1])
    to = float(leave[k_to])
    return {"ic_s": ic, "to_s": to, "ic_landmark": labels[k_ic], "to_landmark": labels[k_to]}, None


def toe_off_points(
    labels: list[str], forefoot: np.ndarray, virtual: set[str] | dict[str, Any], on_sole: np.ndarray | None = None
) -> np.ndarray | None:
    """Which foot points may decide toe-off: the measured markers that stand for the sole under them,
    when two or more such forefoot points exist.

    Two kinds of point are carried by a rigid fit of the foot's markers instead of being measured
    where they are, and the foot bends at the midfoot and the toes during push-off, so both drift
    then: a landmark reconstructed from the standing trial (:mod:`stridelab.kinematics.virtual`,
    listed in ``trial.provenance.extra["virtual_markers"]``), and the sole point under a marker
    more than 3 cm above the sole, placed with the rear foot's pose (``on_sole`` False; see
    :mod:`stridelab.events.foot_model`; None: every point is a marker on the sole). Fukuchi's
    second metatarsal head is both (no MT2 marker while running; reconstructed high on the shoe):
    its sole point sank to the floor's level or below in push-off, and, as one of three forefoot
    points, it made toe-off 6-19 ms early on seven rearfoot feet (docs/validation.md "Rearfoot
    toe-off from metatarsal markers"). None when every point may decide: no such point, or fewer
    than two forefoot points left (a clusters-only foot keeps its landmarks; a foot whose first
    metatarsal marker is reconstructed keeps it, since the lateral fifth metatarsal alone leaves the
    ground before the medial forefoot).
    """
    ok = np.array([lab not in virtual for lab in labels], dtype=bool)
    if on_sole is not None:
        ok &= on_sole
    if ok.all() or (ok & forefoot).sum() < 2:
        return None
    return ok


def detect_marker_contacts(
    trial: Trial,
    method: str = "handsaker2016_clearance",
    contact_clearance_mm: float = 5.0,
    toe_off_angle_deg: float = 10.0,
    heel_clearance_mm: float | None = 2.0,
    toe_off_clearance_mm: float = 5.0,
    heel_impact: bool = True,
    heel_impact_offset_ms: float = DEFAULT_OFFSET_MS,
    toe_segment: bool = True,
    toe_segment_height_mm: float = DEFAULT_JOINT_HEIGHT_M * 1000.0,
    toe_segment_angle_deg: float = DEFAULT_ANGLE_DEG,
    measured_toe_off: bool = True,
) -> ContactEvents:
    """Foot contacts from the foot markers (see the module docstring for the method).

    ``heel_impact``: at 100 Hz or more, a contact whose posterior heel marker shows an impact peak
    with the heel on the ground (a rearfoot or flat landing) takes its initial contact from that peak
    minus ``heel_impact_offset_ms`` (:mod:`stridelab.events.heel_impact`); the clearance rule's elsewhere.
    ``toe_segment``: a foot with a toe-box marker takes its toe-off from the toe segment's turn by
    ``toe_segment_angle_deg`` about an MTP joint ``toe_segment_height_mm`` above the sole
    (:mod:`stridelab.events.toe_segment`) where it is found, the clearance rule's elsewhere.
    ``measured_toe_off``: points carried by a rigid fit (landmarks reconstructed from the standing
    trial, the sole under a high marker) do not decide the clearance rule's toe-off when the foot
    has two or more measured forefoot markers on the sole (:func:`toe_off_points`).

    Raises NoValidResultError (naming the missing markers) when neither foot has usable markers,
    or when no complete contact is found.
    """
    if method not in METHODS:
        raise ValueError(f"unknown marker event method {method!r}; use one of {', '.join(METHODS)}")
    mk = trial.markers
    if mk is None or mk.n_frames < 3:
        raise NoValidResultError("marker events need marker data; this recording has none")
    warnings: list[str] = []
    feet: dict[str, _Foot] = {}
    reasons: list[str] = []
    for side in ("left", "right"):
        model, reason = build_foot_model(trial, side)
        if model is None:
            reasons.append(str(reason))
            continue
        warnings.extend(model.notes)
        feet[side] = _Foot(model, mk)
    if not feet:
        raise NoValidResultError(
            "cannot find foot contacts from markers: " + "; ".join(reasons) + f" (foot landmarks: {', '.join(FOOT_LANDMARKS)}, foot_c1..)"
        )
    for r in reasons:
        warnings.append(f"{r}; only the other foot's contacts are found")
    slope = floor_slope(list(feet.values()))
    if slope is not None:
        for f in feet.values():
            f.set_floor(slope)
    t = mk.time_s
    virtual = set(trial.provenance.extra.get("virtual_markers", {}))
    clear_m = contact_clearance_mm / 1000.0
    heel_m = (contact_clearance_mm if heel_clearance_mm is None else heel_clearance_mm) / 1000.0
    ground_level = min(f.level for f in feet.values() if np.isfinite(f.level)) if any(np.isfinite(f.level) for f in feet.values()) else np.nan
    v_ground = _ground_velocity(list(feet.values()))
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    signals: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    info_feet: dict[str, Any] = {}
    for side, foot in feet.items():
        m = foot.model
        to_thr = toe_off_clearance_mm / 1000.0 + m.behind_pivot_m() * np.sin(np.radians(toe_off_angle_deg))
        forefoot = m.forward_m > 0.5 * m.foot_length_m if m.foot_length_m else np.ones(len(m.labels), dtype=bool)
        on_sole = np.array([k is not None for k in m.sole_marker] + [True] * len(m.toe_names), dtype=bool)
        to_points = toe_off_points(m.labels, forefoot, virtual, on_sole) if measured_toe_off else None
        info_feet[side] = {
            "points": m.labels,
            "foot_length_m": None if m.foot_length_m is None else round(m.foot_length_m, 3),
            "foot_length_from": m.foot_length_from,
            "toe_off_threshold_mm": {lab: round(float(v) * 1000, 1) for lab, v in zip(m.labels, to_thr, strict=True)},
        }
        with np.errstate(all="ignore"):
            signals[f"sole_clearance_{side}_m"] = (t, np.nanmin(foot.z - foot.low[None, :], axis=1))
        if len(feet) == 2 and foot.level - ground_level > NEVER_GROUNDED_M:
            warnings.append(f"{side} foot: never comes down to the ground in this recording (no contact)")
            continue
        coarse = _coarse(foot, t, v_ground)
        heel_name = heel_marker(mk, side) if heel_impact else None
        heel_acc = heel_acceleration(mk, heel_name) if heel_name is not None else None  # None: too slow a camera
        toe_angle = toe_segment_angle(m, mk, toe_segment_height_mm / 1000.0) if toe_segment else None
        for n, (a, b) in enumerate(coarse):
            lo = coarse[n - 1][1] if n > 0 else 0
            hi = coarse[n + 1][0] if n + 1 < len(coarse) else len(t) - 1
            lo = max(lo, int(np.searchsorted(t, t[a] - SEARCH_S)))
            hi = min(hi, int(np.searchsorted(t, t[b] + SEARCH_S)), len(t) - 1)
            if n == 0 and t[a] - t[0] < SEARCH_S:
                lo = 0
            if n + 1 == len(coarse) and t[-1] - t[b] < SEARCH_S:
                hi = len(t) - 1
            ic_thr = np.where(forefoot, clear_m, heel_m)
            ev, why = _refine(foot, t, a, b, lo, hi, clear_m, to_thr, forefoot, ic_thr, to_points)
            if ev is None:
                rejected.append({"side": side, "ic_s": round(float(t[a]), 4), "reason": str(why), "source": "markers"})
                continue
            if heel_name is not None and heel_acc is not None:
                ic_impact = heel_impact_ic(mk, heel_name, heel_acc, ev["ic_s"], ev["to_s"], heel_impact_offset_ms)
                if np.isfinite(ic_impact):
                    ev["ic_s"], ev["ic_landmark"] = ic_impact, f"{heel_name} (impact peak)"
            if toe_angle is not None:
                to_seg = angle_toe_off(t, toe_angle, ev["ic_s"], ev["to_s"], toe_segment_angle_deg)
                if np.isfinite(to_seg):
                    ev["to_s"], ev["to_landmark"] = to_seg, f"{m.toe_names[-1][:2]}toe segment ({toe_segment_angle_deg:g} deg)"
            if ev["to_s"] - ev["ic_s"] < MIN_CONTACT_S:
                rejected.append({"side": side, "ic_s": round(ev["ic_s"], 4), "reason": f"shorter than {MIN_CONTACT_S * 1000:.0f} ms", "source": "markers"})
                continue
            rows.append({"side": side, "source": "markers", **ev})
    contacts = contact_table(rows)
    for side in feet:
        if len(contacts) and not (contacts["side"] == side).any() and not any(w.startswith(f"{side} foot: never") for w in warnings):
            warnings.append(f"{side} foot: no complete contact found from its markers")
    if len(contacts) == 0:
        raise NoValidResultError(
            "no complete foot contact found from the foot markers: the feet never come to rest on the ground "
            "(check that the recording shows running and that the foot markers are labelled)"
        )
    contacts = _drop_overlaps(contacts, rejected)
    contacts = _drop_implausible(contacts, rejected, warnings)
    info: dict[str, Any] = {
        "method": method,
        "contact_clearance_mm": contact_clearance_mm,
        "toe_off_angle_deg": toe_off_angle_deg,
        "heel_clearance_mm": contact_clearance_mm if heel_clearance_mm is None else heel_clearance_mm,
        "toe_off_clearance_mm": toe_off_clearance_mm,
        "heel_impact": heel_impact,
        "heel_impact_offset_ms": heel_impact_offset_ms,
        "toe_segment": toe_segment,
        "toe_segment_height_mm": toe_segment_height_mm,
        "toe_segment_angle_deg": toe_segment_angle_deg,
        "measured_toe_off": measured_toe_off,
        "ground_velocity_mps": round(v_ground, 3),
        "floor_slope_pct": None if slope is None else [round(float(v) * 100, 2) for v in slope],
        "feet": info_feet,
    }
    return ContactEvents(contacts, "markers", info, list(dict.fromkeys(warnings)), rejected, signals)


def _drop_overlaps(contacts: pd.DataFrame, rejected: list[dict[str, Any]]) -> pd.DataFrame:
    """A foot cannot have two overlapping contacts: keep the longer one."""
    keep = np.ones(len(contacts), dtype=bool)
    for side in ("left", "right"):
        idx = np.flatnonzero((contacts["side"] == side).to_numpy())
        for i, j in zip(idx[:-1], idx[1:], strict=True):
            if keep[i] and contacts.at[j, "ic_s"] < contacts.at[i, "to_s"]:
                drop = i if (contacts.at[i, "to_s"] - contacts.at[i, "ic_s"]) < (contacts.at[j, "to_s"] - contacts.at[j, "ic_s"]) else j
                keep[drop] = False
                rejected.append({"side": side, "ic_s": round(float(contacts.at[drop, "ic_s"]), 4), "reason": "overlaps another contact of the same foot", "source": "markers"})
    return contacts[keep].reset_index(drop=True)


#: In steady running, contact times vary by a few percent; one under this fraction of the trial's
#: median comes from a marker artefact (a gap badly filled, a swapped label), not from the runner.
SHORT_CONTACT_FRACTION = 0.6


def _drop_implausible(contacts: pd.DataFrame, rejected: list[dict[str, Any]], warnings: list[str]) -> pd.DataFrame:
    if len(contacts) < 6:
        return contacts
    ct = (contacts["to_s"] - contacts["ic_s"]).to_numpy()
    med = float(np.median(ct))
    bad = ct < SHORT_CONTACT_FRACTION * med
    for i in np.flatnonzero(bad):
        rejected.append(
            {
                "side": contacts.at[i, "side"],
                "ic_s": round(float(contacts.at[i, "ic_s"]), 4),
                "reason": f"contact of {ct[i] * 1000:.0f} ms, under {SHORT_CONTACT_FRACTION:.0%} of the trial's median {med * 1000:.0f} ms (marker artefact?)",
                "source": "markers",
            }
        )
    if bad.any():
        warnings.append(f"{int(bad.sum())} contact(s) much shorter than the others were dropped as marker artefacts; check the foot marker trajectories")
    return contacts[~bad].reset_index(drop=True)

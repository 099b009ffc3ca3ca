"""Running kinematics per step: foot strike, overstriding, joint angles at key instants.

Every value belongs to the step's foot (its row in the step table), at its initial contact (IC) or
over its stance (IC to toe-off) or over the step (IC to the next contact):

* ``foot_strike_angle_deg``: sagittal angle of the foot's anterior axis to the floor at IC, toes up
  positive. The foot frame is level in the standing trial, so this is the foot angle at IC minus
  the standing foot angle of Altman AR, Davis IS (2012) Gait Posture 35:298-300, whose thresholds
  give ``foot_strike_pattern``: rearfoot > 8.0°, midfoot -1.6° to 8.0°, forefoot < -1.6°.
* ``strike_index_pct``: the centre of pressure at contact (first sample with more than 50 N, where
  the plate's COP is trustworthy) along the foot's long axis, from the heel (0 %) to the toe tip
  (100 %) (Cavanagh PR, Lafortune MA 1980, J Biomech 13:397); it is measured in the foot's own
  frame at that instant, so a treadmill belt carrying foot and COP backwards does not matter. The
  toe tip is the toe marker when present, else the heel plus a foot length of 0.152 x height
  (Drillis R, Contini R 1966, in Winter 2009 Fig. 4.1). Without a foot-strike angle the pattern
  comes from the strike index (< 33 % rearfoot, 33-67 % midfoot, > 67 % forefoot).
* ``overstride_m``: horizontal distance along the running direction from the hip joint centre to
  the heel at IC, positive when the heel is ahead; ``overstride_pct_leg`` in % of leg length.
* ``shank_angle_ic_deg``: the shank (knee -> ankle centre, or lateral epicondyle -> lateral
  malleolus) against the vertical at IC in the sagittal plane, positive when the ankle is ahead of
  the knee (Souza RB 2016, Phys Med Rehabil Clin N Am 27:217).
* ``knee_flexion_ic_deg``, ``knee_flexion_peak_deg`` (stance), ``ankle_dorsiflexion_ic_deg``,
  ``hip_flexion_ic_deg``, ``hip_adduction_peak_deg`` (stance),
  ``pelvic_drop_deg`` (peak pelvic obliquity in stance, positive = the other side lower; Bramah C
  et al. 2018, Am J Sports Med 46:3023), ``trunk_lean_deg`` (mean over the step),
  ``elbow_flexion_deg`` (mean over the step, this side's arm) and ``arm_swing_deg`` (range of
  this side's upper-arm angle over the stride to the next contact of the same foot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.forces.grf import COP_MIN_N, Grf
from stridelab.kinematics.model import Kinematics
from stridelab.metrics import foot_strike
from stridelab.model import anthropometrics
from stridelab.model.axes import FORWARD, LEFT, UP
from stridelab.model.columns import Columns, same_kind

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FOOT_LENGTH_PER_HEIGHT = anthropometrics.FOOT_PER_HEIGHT

COLUMNS = (
    "foot_strike_angle_deg",
    "foot_strike_pattern",
    "strike_index_pct",
    "overstride_m",
    "overstride_pct_leg",
    "shank_angle_ic_deg",
    "hip_flexion_ic_deg",
    "knee_flexion_ic_deg",
    "knee_flexion_peak_deg",
    "ankle_dorsiflexion_ic_deg",
    "hip_adduction_peak_deg",
    "pelvic_drop_deg",
    "trunk_lean_deg",
    "elbow_flexion_deg",
    "arm_swing_deg",
)


def _interp_at(t: np.ndarray, x: np.ndarray | None, when: np.ndarray) -> np.ndarray:
    """``x`` at each time of ``when`` (linear; NaN outside the recording or for NaN times)."""
    if x is None:
        return np.full(len(when), np.nan)
    ok = np.isfinite(when)
    out = np.full(len(when), np.nan)
    out[ok] = np.interp(when[ok], t, x, left=np.nan, right=np.nan)
    return out


def _vecs_at(t: np.ndarray, v: np.ndarray, when: np.ndarray) -> np.ndarray:
    return np.stack([_interp_at(t, v[:, k], when) for k in range(3)], axis=1)


def window_reduce(t: np.ndarray, x: np.ndarray | None, a: np.ndarray, b: np.ndarray, how: str) -> np.ndarray:
    """Max, mean or range of ``x`` over the samples of each window [a, b] (NaN ignored; NaN for
    windows with fewer than 2 valid samples or NaN ends)."""
    out = np.full(len(a), np.nan)
    if x is None or len(a) == 0:
        return out
    ok = np.isfinite(a) & np.isfinite(b)
    i = np.searchsorted(t, a[ok])
    j = np.minimum(np.searchsorted(t, b[ok], side="right"), len(t))
    fin = np.isfinite(x)
    cnt = np.concatenate([[0], np.cumsum(fin)])
    n = cnt[j] - cnt[i]
    good = (n >= 2) & (j > i)
    idx = np.stack([i, j], axis=1).ravel()
    idx = np.minimum(idx, len(t) - 1)
    if how == "mean":
        cs = np.concatenate([[0.0], np.cumsum(np.where(fin, x, 0.0))])
        with np.errstate(invalid="ignore", divide="ignore"):
            val = (cs[j] - cs[i]) / n
    else:
        hi = np.fmax.reduceat(np.where(fin, x, np.nan), idx)[::2]
        if how == "max":
            val = hi
        else:
            val = hi - np.fmin.reduceat(np.where(fin, x, np.nan), idx)[::2]
    res = np.full(ok.sum(), np.nan)
    res[good] = val[good]
    out[ok] = res
    return out


def _shank_points(kin: Kinematics, side: str) -> tuple[np.ndarray, np.ndarray] | None:
    pts = kin.body.points
    if f"{side}_kjc" in pts and f"{side}_ajc" in pts:
        return pts[f"{side}_kjc"], pts[f"{side}_ajc"]
    if f"{side}_knee_lat" in pts and f"{side}_ankle_lat" in pts:
        return pts[f"{side}_knee_lat"], pts[f"{side}_ankle_lat"]
    return None


#: The strike index uses the median COP of the samples in the first ``SI_WINDOW_S`` after the
#: force first exceeds ``COP_MIN_N``: single early samples are unreliable even above 50 N.
SI_WINDOW_S = 0.015


def strike_index(kin: Kinematics, grf: Grf, side: str, ic: float, to: float, foot_length_m: float | None) -> float:
    """Strike index (%) of one contact, NaN when the data cannot give it. ``grf`` should be the
    unfiltered plate force (filtering smears the COP at contact)."""
    return float(strike_indices(kin, grf, side, np.array([ic], dtype=float), np.array([to], dtype=float), foot_length_m)[0])


def strike_indices(kin: Kinematics, grf: Grf, side: str, ic: np.ndarray, to: np.ndarray, foot_length_m: float | None) -> np.ndarray:
    """:func:`strike_index` of many contacts of one foot at once."""
    out = np.full(len(ic), np.nan)
    foot = kin.body.get("foot", side)
    heel = kin.body.points.get(f"{side}_heel")
    if foot is None or heel is None or len(ic) == 0:
        return out
    tg = grf.time_s
    loaded = (grf.force_n[:, UP] > COP_MIN_N) & np.isfinite(grf.cop_m[:, 0])
    li = np.flatnonzero(loaded)
    if li.size == 0:
        return out
    a, b = np.searchsorted(tg, ic), np.searchsorted(tg, to)
    pos = np.searchsorted(li, a)  # the first loaded sample at or after each initial contact
    k0 = np.where(pos < li.size, li[np.minimum(pos, li.size - 1)], len(tg))
    has = k0 < b
    if not has.any():
        return out
    k0 = k0[has]
    tk = tg[k0]
    cops = np.empty((len(k0), 3))
    for i, (first, end, t_first) in enumerate(zip(k0.tolist(), b[has].tolist(), tk.tolist(), strict=True)):
        sel = first + np.flatnonzero(loaded[first:end])
        sel = sel[tg[sel] <= t_first + SI_WINDOW_S]
        cops[i] = np.median(grf.cop_m[sel], axis=0)
    x = _vecs_at(kin.time_s, foot.rotation[:, :, FORWARD], tk)
    x[:, UP] = 0.0
    nx = np.sqrt(x[:, FORWARD] ** 2 + x[:, LEFT] ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = x / nx[:, None]
    h = _vecs_at(kin.time_s, heel, tk)
    toe = kin.body.points.get(f"{side}_toe_tip")
    if toe is not None:
        length = np.einsum("ij,ij->i", _vecs_at(kin.time_s, toe, tk) - h, x)
    else:
        length = np.full(len(tk), foot_length_m or np.nan)
    d = cops - h
    si = 100.0 * (d[:, FORWARD] * x[:, FORWARD] + d[:, LEFT] * x[:, LEFT]) / length
    good = np.isfinite(nx) & (nx > 0) & np.isfinite(length) & (length > 0.1)
    out[np.flatnonzero(has)[good]] = si[good]
    return out


def step_metrics(kin: Kinematics, steps: Columns | pd.DataFrame, leg_length_m: float | None, grf: Grf | None = None, height_m: float | None = None) -> Any:
    """The per-step kinematic metrics (``COLUMNS``), one row per row of ``steps`` (a table of the same type).

    ``grf`` (the unfiltered total plate force) gives the strike index."""
    t = kin.time_s
    body = kin.body
    n = len(steps)
    out: dict[str, Any] = {c: np.full(n, np.nan) for c in COLUMNS}
    out["foot_strike_pattern"] = np.full(n, None, dtype=object)
    sides = np.asarray(steps["side"])
    ic_all = np.asarray(steps["ic_s"], dtype=float)
    to_all = np.asarray(steps["to_s"], dtype=float)
    nxt_all = np.asarray(steps["next_ic_s"], dtype=float)
    stride_end = _next_same_side(steps)
    foot_len = FOOT_LENGTH_PER_HEIGHT * height_m if height_m else None
    for side in ("left", "right"):
        m = sides == side
        if not m.any():
            continue
        ic, to, nxt = ic_all[m], to_all[m], nxt_all[m]
        foot = body.get("foot", side)
        if foot is not None and foot.method.startswith("static_level"):
            x = _vecs_at(t, foot.rotation[:, :, FORWARD], ic)
            out["foot_strike_angle_deg"][m] = np.degrees(np.arctan2(x[:, UP], np.hypot(x[:, FORWARD], x[:, LEFT])))
        if grf is not None:
            out["strike_index_pct"][m] = strike_indices(kin, grf, side, ic, to, foot_len)
        heel, hjc = body.points.get(f"{side}_heel"), body.points.get(f"{side}_hjc")
        if heel is not None and hjc is not None:
            d = _interp_at(t, heel[:, FORWARD] - hjc[:, FORWARD], ic)
            out["overstride_m"][m] = d
            if leg_length_m:
                out["overstride_pct_leg"][m] = 100.0 * d / leg_length_m
        sp = _shank_points(kin, side)
        if sp is not None:
            v = _vecs_at(t, sp[1] - sp[0], ic)
            out["shank_angle_ic_deg"][m] = np.degrees(np.arctan2(v[:, FORWARD], -v[:, UP]))

        def g(name: str, side: str = side) -> np.ndarray | None:
            return kin.angles.get(name, {}).get(side)

        out["hip_flexion_ic_deg"][m] = _interp_at(t, g("hip_flexion"), ic)
        out["knee_flexion_ic_deg"][m] = _interp_at(t, g("knee_flexion"), ic)
        out["knee_flexion_peak_deg"][m] = window_reduce(t, g("knee_flexion"), ic, to, "max")
        out["ankle_dorsiflexion_ic_deg"][m] = _interp_at(t, g("ankle_dorsiflexion"), ic)
        out["hip_adduction_peak_deg"][m] = window_reduce(t, g("hip_adduction"), ic, to, "max")
        out["pelvic_drop_deg"][m] = window_reduce(t, g("pelvis_obliquity"), ic, to, "max")
        out["trunk_lean_deg"][m] = window_reduce(t, g("trunk_lean"), ic, nxt, "mean")
        out["elbow_flexion_deg"][m] = window_reduce(t, g("elbow_flexion"), ic, nxt, "mean")
        out["arm_swing_deg"][m] = window_reduce(t, kin.arm_angle.get(side), ic, stride_end[m], "range")
    fsa = out["foot_strike_angle_deg"]
    si = out["strike_index_pct"]
    out["foot_strike_pattern"] = np.array([foot_strike.classify(a, method="altman2012") or foot_strike.classify(b, method="cavanagh1980") for a, b in zip(fsa, si, strict=True)], dtype=object)
    return same_kind(Columns(out).select(COLUMNS), steps)


def _next_same_side(steps: Columns | pd.DataFrame) -> np.ndarray:
    """Initial contact of the next step of the same foot for every row (NaN if none or if a
    contact of the other foot is missing in between)."""
    out = np.full(len(steps), np.nan)
    ic = np.asarray(steps["ic_s"], dtype=float)
    side = np.asarray(steps["side"])
    order = np.argsort(ic)
    for k, i in enumerate(order[:-2]):
        j1, j2 = order[k + 1], order[k + 2]
        if side[j2] == side[i] and side[j1] != side[i]:
            out[i] = ic[j2]
    return out


__all__ = ["COLUMNS", "step_metrics", "strike_index", "strike_indices"]

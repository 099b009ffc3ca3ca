"""Per-contact ground-reaction-force metrics in body weights (BW), and body mass from the forces.

Force: all plates combined, offsets removed, low-pass 50 Hz (the contact events' filter, which
keeps the impact transient). For each contact from initial contact (IC) to toe-off:

* ``peak_vgrf_bw``: peak vertical force.
* ``impact_peak_bw``: the impact transient (Lieberman DE et al. 2010, Nature 463:531): the first
  local maximum above 0.5 BW within the first 30 % of stance, if it is followed, before the
  active peak, by a dip of at least 0.03 BW; empty when there is none (typical of fore-foot
  strikes).
* Loading rate, ``method="milner2006"``: average (``vlr_avg_bw_s``) and peak instantaneous
  (``vlr_inst_bw_s``) slope of the vertical force between 20 % and 80 % of the impact peak (Milner
  CE et al. 2006, Med Sci Sports Exerc 38:323). Without an impact peak, the same 20-80 % window of
  the force at 13 % of stance (the "virtual impact peak" of Blackmore T, Willy RW, Creaby MW 2016,
  J Biomech 49:479; used by Davis IS et al. 2016, Br J Sports Med 50:887); ``vlr_window`` says
  which ("impact_peak" or "13pct_stance").
* ``peak_braking_bw`` / ``peak_propulsive_bw``: largest backward / forward horizontal force
  (positive numbers); ``braking_impulse_bws`` / ``propulsive_impulse_bws``: time integrals of the
  backward / forward force over the contact (BW·s, positive).
* Stiffness (:mod:`stridelab.kinetics.stiffness`): measured (``vertical_stiffness_kn_m``,
  ``leg_stiffness_kn_m``, with ``com_drop_cm``) and the Morin 2005 model from contact and flight
  times (``..._morin_kn_m``).

Body mass, when not given (``method="mean_force"``): the mean vertical force over whole strides
(from one initial contact to a later one of the same foot) divided by g; over whole strides of
steady running the body's vertical momentum does not change, so the mean force equals body weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.forces.grf import G, Grf
from stridelab.kinetics.stiffness import com_drop_from_force, from_forces
from stridelab.metrics.stiffness import morin2005
from stridelab.model.axes import FORWARD, UP
from stridelab.model.columns import Columns, same_kind

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LOADING_CUTOFF_HZ = 50.0
IMPACT_WINDOW_FRAC = 0.30
IMPACT_DIP_BW = 0.03
VIRTUAL_IMPACT_FRAC = 0.13

COLUMNS = (
    "peak_vgrf_bw",
    "impact_peak_bw",
    "vlr_avg_bw_s",
    "vlr_inst_bw_s",
    "vlr_window",
    "peak_braking_bw",
    "peak_propulsive_bw",
    "braking_impulse_bws",
    "propulsive_impulse_bws",
    "com_drop_cm",
    "vertical_stiffness_kn_m",
    "leg_stiffness_kn_m",
    "vertical_stiffness_morin_kn_m",
    "leg_stiffness_morin_kn_m",
)


def estimate_mass(grf: Grf, contacts: Columns | pd.DataFrame) -> tuple[float, int] | None:
    """(mass_kg, n_whole_strides) from the mean vertical force over whole strides, or None."""
    best: tuple[float, int, float] | None = None
    for side in ("left", "right"):
        ic = np.sort(np.asarray(contacts["ic_s"], dtype=float)[np.asarray(contacts["side"]) == side])
        if len(ic) < 2:
            continue
        a, b = np.searchsorted(grf.time_s, [ic[0], ic[-1]])
        if b - a < 10:
            continue
        span = ic[-1] - ic[0]
        m = float(np.mean(grf.force_n[a:b, UP]) / G)
        if best is None or span > best[2]:
            best = (m, len(ic) - 1, span)
    return (best[0], best[1]) if best is not None else None


def _crossing(t: np.ndarray, x: np.ndarray, level: float) -> float:
    """First time ``x`` reaches ``level`` (linear interpolation), NaN if never."""
    above = np.flatnonzero(x >= level)
    if above.size == 0:
        return float("nan")
    k = int(above[0])
    if k == 0:
        return float(t[0])
    x0, x1 = x[k - 1], x[k]
    return float(t[k - 1] + (level - x0) / (x1 - x0) * (t[k] - t[k - 1]))


def impact_peak(t: np.ndarray, fz: np.ndarray, bw: float) -> int | None:
    """Index (into the contact's samples) of the impact peak, or None."""
    n = len(fz)
    if n < 5:
        return None
    i_act = int(np.argmax(fz))
    lim = min(i_act, int(np.ceil(IMPACT_WINDOW_FRAC * n)))
    if lim <= 1:
        return None
    # the first local maximum above 0.5 BW before the active peak (within the window)
    mid = fz[1:lim]
    cand = np.flatnonzero((mid >= fz[: lim - 1]) & (mid > fz[2 : lim + 1]) & (mid > 0.5 * bw))
    if cand.size == 0:
        return None
    i = int(cand[0]) + 1
    dip = float(np.min(fz[i : i_act + 1]))
    return i if fz[i] - dip >= IMPACT_DIP_BW * bw else None


def loading_rate(t: np.ndarray, fz: np.ndarray, bw: float, i_peak: int | None) -> tuple[float, float, str, float | None]:
    """(average, instantaneous peak loading rate in BW/s, window name, impact peak in BW)."""
    if i_peak is not None:
        f_ref, t_ref, window, ip = float(fz[i_peak]), float(t[i_peak]), "impact_peak", float(fz[i_peak]) / bw
    else:
        t_ref = float(t[0] + VIRTUAL_IMPACT_FRAC * (t[-1] - t[0]))
        f_ref, window, ip = float(np.interp(t_ref, t, fz)), "13pct_stance", None
    m = t <= t_ref + 1e-12
    t20, t80 = _crossing(t[m], fz[m], 0.2 * f_ref), _crossing(t[m], fz[m], 0.8 * f_ref)
    if not (np.isfinite(t20) and np.isfinite(t80)) or t80 <= t20 or f_ref <= 0:
        return float("nan"), float("nan"), window, ip
    avg = 0.6 * f_ref / (t80 - t20) / bw
    w = (t >= t20) & (t <= t80)
    slope = np.gradient(fz, t)
    inst = float(np.max(slope[w])) / bw if w.sum() >= 1 else float("nan")
    return float(avg), inst, window, ip


def contact_metrics(
    grf: Grf, steps: Columns | pd.DataFrame, mass_kg: float, speed_mps: float | None, leg_length_m: float | None
) -> Any:
    """The per-step force metrics (``COLUMNS``), one row per row of ``steps`` (a table of the same type)."""
    bw = mass_kg * G
    t = grf.time_s
    fz, fx = grf.force_n[:, UP], grf.force_n[:, FORWARD]
    n = len(steps)
    out: dict[str, Any] = {c: np.full(n, np.nan) for c in COLUMNS}
    window: list[str | None] = [None] * n
    ic_all, to_all = np.asarray(steps["ic_s"], dtype=float), np.asarray(steps["to_s"], dtype=float)
    nxt_all = np.asarray(steps["next_ic_s"], dtype=float) if "next_ic_s" in steps else np.full(n, np.nan)
    fl_all = np.asarray(steps["flight_ms"], dtype=float) if "flight_ms" in steps else np.full(n, np.nan)
    first, stop = np.searchsorted(t, ic_all), np.searchsorted(t, to_all)
    nxt_i = np.searchsorted(t, nxt_all)
    dt = 1.0 / grf.rate_hz
    done = np.zeros(n, dtype=bool)
    for k in range(n):
        a, b = int(first[k]), int(stop[k])
        if b - a < 5 or a == 0 or b >= len(t):
            continue
        done[k] = True
        tt, z, x = t[a:b], fz[a:b], fx[a:b]
        zmax = float(z.max())
        out["peak_vgrf_bw"][k] = zmax / bw
        ipk = impact_peak(tt, z, bw)
        avg, inst, window[k], ip = loading_rate(tt, z, bw, ipk)
        out["vlr_avg_bw_s"][k], out["vlr_inst_bw_s"][k] = avg, inst
        if ip is not None:
            out["impact_peak_bw"][k] = ip
        out["peak_braking_bw"][k] = max(0.0, -float(x.min())) / bw
        out["peak_propulsive_bw"][k] = max(0.0, float(x.max())) / bw
        out["braking_impulse_bws"][k] = float(-np.sum(np.minimum(x, 0.0)) * dt) / bw
        out["propulsive_impulse_bws"][k] = float(np.sum(np.maximum(x, 0.0)) * dt) / bw
        if np.isfinite(nxt_all[k]):
            dy = com_drop_from_force(fz, grf.rate_hz, mass_kg, a, b, int(nxt_i[k]))
            if np.isfinite(dy) and dy > 0:
                s = from_forces(zmax, dy, float(to_all[k] - ic_all[k]), speed_mps, leg_length_m)
                out["com_drop_cm"][k] = dy * 100
                out["vertical_stiffness_kn_m"][k], out["leg_stiffness_kn_m"][k] = s.k_vert_kn_m, s.k_leg_kn_m
    if speed_mps is not None and leg_length_m is not None:
        use = done & np.isfinite(fl_all)
        if use.any():
            m = morin2005(
                contact_time_s=to_all[use] - ic_all[use], flight_time_s=np.maximum(fl_all[use], 0.0) / 1000.0,
                mass_kg=mass_kg, leg_length_m=leg_length_m, speed_mps=speed_mps,
            )
            out["vertical_stiffness_morin_kn_m"][use], out["leg_stiffness_morin_kn_m"][use] = m["k_vert_kn_m"], m["k_leg_kn_m"]
    rows: list[dict[str, Any]] = [{c: out[c][k] for c in COLUMNS} for k in range(n)]
    for k in range(n):
        rows[k]["vlr_window"] = window[k]
    return same_kind(Columns.from_rows(rows, COLUMNS), steps)


__all__ = ["COLUMNS", "LOADING_CUTOFF_HZ", "contact_metrics", "estimate_mass", "impact_peak", "loading_rate"]

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

from typing import Any

import numpy as np
import pandas as pd

from stridelab.kinetics.grf import G, Grf
from stridelab.kinetics.stiffness import com_drop_from_force, from_forces, morin2005
from stridelab.model.axes import FORWARD, UP

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


def estimate_mass(grf: Grf, contacts: pd.DataFrame) -> tuple[float, int] | None:
    """(mass_kg, n_whole_strides) from the mean vertical force over whole strides, or None."""
    best: tuple[float, int, float] | None = None
    for side in ("left", "right"):
        ic = np.sort(contacts.loc[contacts["side"] == side, "ic_s"].to_numpy(float))
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
    for i in range(1, lim):
        if fz[i] >= fz[i - 1] and fz[i] > fz[i + 1] and fz[i] > 0.5 * bw:
            dip = float(np.min(fz[i : i_act + 1]))
            if fz[i] - dip >= IMPACT_DIP_BW * bw:
                return i
            return None
    return None


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
    grf: Grf, steps: pd.DataFrame, mass_kg: float, speed_mps: float | None, leg_length_m: float | None
) -> pd.DataFrame:
    """The per-step force metrics (``COLUMNS``), one row per row of ``steps``."""
    bw = mass_kg * G
    t = grf.time_s
    fz, fx = grf.force_n[:, UP], grf.force_n[:, FORWARD]
    rows: list[dict[str, Any]] = []
    for row in steps.itertuples(index=False):
        r: dict[str, Any] = {c: np.nan for c in COLUMNS}
        r["vlr_window"] = None
        a, b = np.searchsorted(t, [row.ic_s, row.to_s])
        if b - a < 5 or a == 0 or b >= len(t):
            rows.append(r)
            continue
        tt, z, x = t[a:b], fz[a:b], fx[a:b]
        r["peak_vgrf_bw"] = float(z.max()) / bw
        ipk = impact_peak(tt, z, bw)
        avg, inst, window, ip = loading_rate(tt, z, bw, ipk)
        r.update(vlr_avg_bw_s=avg, vlr_inst_bw_s=inst, vlr_window=window, impact_peak_bw=ip if ip is not None else np.nan)
        dt = 1.0 / grf.rate_hz
        r["peak_braking_bw"] = max(0.0, -float(x.min())) / bw
        r["peak_propulsive_bw"] = max(0.0, float(x.max())) / bw
        r["braking_impulse_bws"] = float(-np.sum(np.minimum(x, 0.0)) * dt) / bw
        r["propulsive_impulse_bws"] = float(np.sum(np.maximum(x, 0.0)) * dt) / bw
        tc = float(row.to_s - row.ic_s)
        nxt = getattr(row, "next_ic_s", np.nan)
        if np.isfinite(nxt):
            c = int(np.searchsorted(t, nxt))
            dy = com_drop_from_force(fz, grf.rate_hz, mass_kg, int(a), int(b), c)
            if np.isfinite(dy) and dy > 0:
                s = from_forces(float(z.max()), dy, tc, speed_mps, leg_length_m)
                r.update(com_drop_cm=dy * 100, vertical_stiffness_kn_m=s.k_vert_kn_m, leg_stiffness_kn_m=s.k_leg_kn_m)
        fl = getattr(row, "flight_ms", np.nan)
        if speed_mps is not None and leg_length_m is not None and np.isfinite(fl):
            m = morin2005(tc, max(float(fl), 0.0) / 1000.0, speed_mps, mass_kg, leg_length_m)
            r.update(vertical_stiffness_morin_kn_m=m.k_vert_kn_m, leg_stiffness_morin_kn_m=m.k_leg_kn_m)
        rows.append(r)
    return pd.DataFrame(rows, columns=list(COLUMNS), index=steps.index)


__all__ = ["COLUMNS", "LOADING_CUTOFF_HZ", "contact_metrics", "estimate_mass", "impact_peak", "loading_rate"]

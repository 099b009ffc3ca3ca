"""Physics baseline: the sinusoidal vertical force of the spring-mass model from contact and flight time.

Morin JB, Dalleau G, Kyröläinen H, Jeannin T, Belli A (2005) A simple method for measuring
stiffness during running. J Appl Biomech 21:167-180: over a step of steady running the mean
vertical force equals body weight, and modelling the contact force as a half sine gives

    F_max / BW = pi / 2 * (t_flight / t_contact + 1),     F(t) = F_max sin(pi t / t_contact).

It has no fitted parameter, so it needs no training data; a step's predicted curve comes from it,
and the loading rate of that curve (the same 20-80 % window as measured forces,
:func:`stridelab.kinetics.loading.loading_rate`) is its ``vlr_avg_bw_s``.
"""

from __future__ import annotations

import numpy as np

METHOD = "morin2005"


def morin_peak_bw(contact_s: np.ndarray, flight_s: np.ndarray) -> np.ndarray:
    """Peak vertical force in body weights (``F_max / BW``; NaN where contact time is not positive)."""
    tc = np.asarray(contact_s, dtype=float)
    tf = np.maximum(np.asarray(flight_s, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tc > 0, np.pi / 2 * (tf / tc + 1.0), np.nan)


def morin_curve_bw(contact_s: np.ndarray, flight_s: np.ndarray, n: int = 51) -> np.ndarray:
    """(steps, n) force over the contact (0 to 100 %) in body weights: the half sine."""
    peak = morin_peak_bw(contact_s, flight_s)
    return peak[:, None] * np.sin(np.pi * np.linspace(0.0, 1.0, n))[None, :]


def curve_vlr_bw_s(curve_bw: np.ndarray, contact_s: np.ndarray) -> np.ndarray:
    """Average loading rate (BW/s) of force curves sampled evenly over each contact.

    Uses :func:`stridelab.kinetics.loading.loading_rate` (Milner 2006 window of the impact peak, or
    the 13 %-of-stance window of Blackmore 2016 when the curve has none), exactly as for measured force.
    """
    from stridelab.kinetics.loading import impact_peak, loading_rate

    curve_bw = np.atleast_2d(np.asarray(curve_bw, dtype=float))
    tc = np.broadcast_to(np.asarray(contact_s, dtype=float), (curve_bw.shape[0],))
    out = np.full(curve_bw.shape[0], np.nan)
    frac = np.linspace(0.0, 1.0, curve_bw.shape[1])
    for k in range(curve_bw.shape[0]):
        if not (np.isfinite(tc[k]) and tc[k] > 0 and np.isfinite(curve_bw[k]).all()):
            continue
        t = frac * tc[k]
        out[k] = loading_rate(t, curve_bw[k], 1.0, impact_peak(t, curve_bw[k], 1.0))[0]
    return out


def morin_predict(contact_s: np.ndarray, flight_s: np.ndarray) -> dict[str, np.ndarray]:
    """``peak_vgrf_bw``, ``vlr_avg_bw_s`` and ``curve_bw`` of the sinusoid for each step."""
    curve = morin_curve_bw(contact_s, flight_s)
    return {"peak_vgrf_bw": morin_peak_bw(contact_s, flight_s), "vlr_avg_bw_s": curve_vlr_bw_s(curve, contact_s), "curve_bw": curve}


__all__ = ["METHOD", "curve_vlr_bw_s", "morin_curve_bw", "morin_peak_bw", "morin_predict"]

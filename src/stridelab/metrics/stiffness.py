"""Spring-mass stiffness from contact and flight times: Morin's sine-wave model.

Morin JB, Dalleau G, Kyröläinen H, Jeannin T, Belli A (2005) A simple method for measuring
stiffness during running. J Appl Biomech 21:167-180. The vertical ground reaction force is
modelled as a half sine over contact, so that, with contact time ``tc``, flight time ``tf``, body
mass ``m``, leg length ``L`` and speed ``v``:

* peak force ``Fmax = m g (pi / 2) (tf / tc + 1)``;
* centre-of-mass vertical displacement ``dy = Fmax tc^2 / (m pi^2) - g tc^2 / 8`` (down, positive);
* leg compression ``dL = L - sqrt(L^2 - (v tc / 2)^2) + dy``;
* vertical stiffness ``k_vert = Fmax / dy``; leg stiffness ``k_leg = Fmax / dL``.

This is the one implementation of the model; ``stridelab.kinetics.stiffness.morin2005`` is a scalar
view of it for force-plate trials, so that every modality reports the same metric.
"""

from __future__ import annotations

import numpy as np

G = 9.80665


def morin2005(
    contact_s: np.ndarray | float,
    flight_s: np.ndarray | float,
    mass_kg: float,
    leg_length_m: float | None = None,
    speed_mps: np.ndarray | float | None = None,
) -> dict[str, np.ndarray]:
    """Morin et al. (2005) model quantities, vectorised. NaN where inputs are missing or the model
    does not apply (flight < 0 or contact <= 0). Keys: ``fmax_n``, ``dy_m``, ``dl_m``,
    ``k_vert_kn_m``, ``k_leg_kn_m``."""
    tc = np.asarray(contact_s, dtype=float)
    tf = np.asarray(flight_s, dtype=float)
    ok = (tc > 0) & (tf >= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fmax = np.where(ok, mass_kg * G * (np.pi / 2) * (tf / tc + 1), np.nan)
        dy = fmax * tc**2 / (mass_kg * np.pi**2) - G * tc**2 / 8
        k_vert = fmax / dy / 1000.0
        if leg_length_m is not None and speed_mps is not None:
            v = np.asarray(speed_mps, dtype=float)
            half = v * tc / 2
            dl = leg_length_m - np.sqrt(np.where(half < leg_length_m, leg_length_m**2 - half**2, np.nan)) + dy
            k_leg = fmax / dl / 1000.0
        else:
            dl = np.full_like(fmax, np.nan)
            k_leg = np.full_like(fmax, np.nan)
    return {"fmax_n": fmax, "dy_m": dy, "dl_m": dl, "k_vert_kn_m": k_vert, "k_leg_kn_m": k_leg}

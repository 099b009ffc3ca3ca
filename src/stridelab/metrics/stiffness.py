"""Spring-mass stiffness from contact and flight times: Morin's sine-wave model.

Morin JB, Dalleau G, Kyröläinen H, Jeannin T, Belli A (2005) A simple method for measuring
stiffness during running. J Appl Biomech 21:167-180. The vertical ground reaction force is
modelled as a half sine over contact, so that, with contact time ``tc``, flight time ``tf``, body
mass ``m``, leg length ``L`` and speed ``v``:

* peak force ``Fmax = m g (pi / 2) (tf / tc + 1)``;
* centre-of-mass vertical displacement ``dy = Fmax tc^2 / (m pi^2) - g tc^2 / 8`` (down, positive);
* leg compression ``dL = L - sqrt(L^2 - (v tc / 2)^2) + dy``;
* vertical stiffness ``k_vert = Fmax / dy``; leg stiffness ``k_leg = Fmax / dL``.

This is the one implementation of the model (keyword-only, so that no caller can swap two of the
five numbers): force plates (:mod:`stridelab.kinetics.loading`), IMUs (:mod:`stridelab.metrics.imu`)
and any other modality report the same metric. It lives with the metrics, below kinematics and
kinetics, because it needs nothing but the five numbers.
"""

from __future__ import annotations

import numpy as np

G = 9.80665


def morin2005(
    *,
    contact_time_s: np.ndarray | float,
    flight_time_s: np.ndarray | float,
    mass_kg: float,
    leg_length_m: float | None = None,
    speed_mps: np.ndarray | float | None = None,
) -> dict[str, np.ndarray]:
    """Morin et al. (2005) model quantities, vectorised over contacts (scalars give 0-d arrays).

    Keys: ``fmax_n``, ``dy_m``, ``dl_m``, ``k_vert_kn_m``, ``k_leg_kn_m``. NaN where the model does not
    apply: contact time <= 0, flight time < 0 or mass <= 0 (every key); no leg length or speed, a
    leg length <= 0, a negative speed, or a leg shorter than half the distance run in contact
    (``dl_m`` and ``k_leg_kn_m``).
    """
    tc = np.asarray(contact_time_s, dtype=float)
    tf = np.asarray(flight_time_s, dtype=float)
    ok = (tc > 0) & (tf >= 0) & (mass_kg > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fmax = np.where(ok, mass_kg * G * (np.pi / 2) * (tf / tc + 1), np.nan)
        dy = fmax * tc**2 / (mass_kg * np.pi**2) - G * tc**2 / 8
        k_vert = np.where(dy > 0, fmax / dy / 1000.0, np.nan)
        if leg_length_m is not None and speed_mps is not None and leg_length_m > 0:
            v = np.asarray(speed_mps, dtype=float)
            half = v * tc / 2
            fits = (v >= 0) & (half < leg_length_m)
            dl = np.where(fits, leg_length_m - np.sqrt(np.where(fits, leg_length_m**2 - half**2, np.nan)) + dy, np.nan)
            k_leg = np.where(dl > 0, fmax / dl / 1000.0, np.nan)
        else:
            dl = np.full_like(fmax, np.nan)
            k_leg = np.full_like(fmax, np.nan)
    return {"fmax_n": fmax, "dy_m": dy, "dl_m": dl, "k_vert_kn_m": k_vert, "k_leg_kn_m": k_leg}


__all__ = ["G", "morin2005"]

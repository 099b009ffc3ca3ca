"""Vertical and leg stiffness of the spring-mass model of running.

Two methods (``method=``):

* ``"morin2005"``: the sine-wave model of Morin JB, Dalleau G, Kyröläinen H, Jeannin T, Belli A
  (2005) A simple method for measuring stiffness during running. J Appl Biomech 21:167-180. From
  contact time ``tc``, flight time ``tf``, speed ``v``, body mass ``m`` and leg length ``L``:
  ``Fmax = m g (pi / 2) (tf / tc + 1)``; ``dy = Fmax tc² / (m pi²) - g tc² / 8``;
  ``dL = L - sqrt(L² - (v tc / 2)²) + dy``; ``k_vert = Fmax / dy``; ``k_leg = Fmax / dL``.
  A pure function of five numbers, so any modality (force plate, IMU, watch) can use it: its one
  implementation is :func:`stridelab.metrics.stiffness.morin2005` (keyword-only).
* ``"forces"``: measured peak vertical force and the centre of mass's downward displacement
  during contact, from double integration of the vertical force (Cavagna GA 1975, J Appl Physiol
  39:174; McMahon TA, Cheng GC 1990, J Biomech 23 Suppl 1:65): the vertical velocity of the centre
  of mass over a step is taken to average zero (steady running), ``dy`` is its drop from initial
  contact to its lowest point, and ``dL = dy + L - sqrt(L² - (v tc / 2)²)`` (Farley CT, Gonzalez O
  1996, J Biomech 29:181).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

G = 9.80665


@dataclass(frozen=True)
class Stiffness:
    """Spring-mass quantities of one contact (SI units; stiffness in kN/m)."""

    fmax_n: float
    dy_m: float
    dl_m: float
    k_vert_kn_m: float
    k_leg_kn_m: float


def _leg_compression(dy: float, leg_length_m: float, speed_mps: float, tc: float) -> float:
    half = 0.5 * speed_mps * tc
    if not np.isfinite(half) or half >= leg_length_m:
        return float("nan")
    return float(leg_length_m - np.sqrt(leg_length_m**2 - half**2) + dy)


def com_drop_from_force(fz_n: np.ndarray, rate_hz: float, mass_kg: float, i_ic: int, i_to: int, i_next: int) -> float:
    """Downward displacement (m, positive) of the centre of mass from initial contact to its
    lowest point in contact, by double integration of the vertical force over one step
    (samples ``i_ic`` .. ``i_next``), with the step's mean vertical velocity set to zero."""
    if not (0 <= i_ic < i_to < i_next <= len(fz_n)):
        return float("nan")
    dt = 1.0 / rate_hz
    acc = fz_n[i_ic:i_next] / mass_kg - G
    v = np.concatenate([[0.0], np.cumsum(0.5 * (acc[1:] + acc[:-1]) * dt)])
    v -= v.mean()
    y = np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * dt)])
    stance = y[: i_to - i_ic + 1]
    return float(-stance.min()) if stance.size else float("nan")


def from_forces(fmax_n: float, dy_m: float, contact_time_s: float, speed_mps: float | None, leg_length_m: float | None) -> Stiffness:
    """Stiffness from a measured peak force and centre-of-mass drop (see module docstring)."""
    kv = fmax_n / dy_m / 1000.0 if dy_m > 0 else float("nan")
    dl = float("nan")
    if speed_mps is not None and leg_length_m is not None and leg_length_m > 0:
        dl = _leg_compression(dy_m, leg_length_m, speed_mps, contact_time_s)
    kl = fmax_n / dl / 1000.0 if dl > 0 else float("nan")
    return Stiffness(float(fmax_n), float(dy_m), dl, float(kv), float(kl))


__all__ = ["Stiffness", "com_drop_from_force", "from_forces"]

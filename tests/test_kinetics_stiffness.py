"""Spring-mass stiffness: the Morin 2005 model against numerical integration of its own force
(synthetic sine-wave force), and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stridelab.kinetics.stiffness import Stiffness, com_drop_from_force, from_forces
from stridelab.metrics.stiffness import morin2005


def _morin(tc: float, tf: float, v: float, m: float, leg: float) -> Stiffness:
    r = {k: float(x) for k, x in morin2005(contact_time_s=tc, flight_time_s=tf, speed_mps=v, mass_kg=m, leg_length_m=leg).items()}
    return Stiffness(**r)


@pytest.mark.parametrize("tc,tf,v", [(0.25, 0.12, 3.5), (0.30, 0.08, 2.5), (0.18, 0.14, 5.5)])
def test_morin_displacement_equals_integrated_sine_force(tc: float, tf: float, v: float) -> None:
    m, leg = 68.0, 0.95
    s = _morin(tc, tf, v, m, leg)
    # synthetic: the model's own half-sine force over contact, zero in flight, 10 kHz
    rate = 10000.0
    t = np.arange(0.0, tc + tf, 1 / rate)
    fz = np.where(t < tc, s.fmax_n * np.sin(np.pi * t / tc), 0.0)
    i_to = int(round(tc * rate))
    dy = com_drop_from_force(fz, rate, m, 0, i_to, len(t))
    assert dy == pytest.approx(s.dy_m, rel=2e-3)
    assert s.k_vert_kn_m == pytest.approx(s.fmax_n / s.dy_m / 1000)
    assert s.dl_m == pytest.approx(leg - math.sqrt(leg**2 - (v * tc / 2) ** 2) + s.dy_m)
    assert s.k_leg_kn_m < s.k_vert_kn_m
    # the same numbers through the force-based path
    f = from_forces(s.fmax_n, dy, tc, v, leg)
    assert f.k_leg_kn_m == pytest.approx(s.k_leg_kn_m, rel=3e-3)


def test_morin_rejects_impossible_inputs() -> None:
    for args in ((0.0, 0.1, 3.0, 70.0, 0.9), (0.2, -0.1, 3.0, 70.0, 0.9), (0.2, 0.1, 3.0, 0.0, 0.9)):
        assert math.isnan(_morin(*args).k_vert_kn_m) and math.isnan(_morin(*args).k_leg_kn_m)
    # a leg shorter than half the distance travelled in contact cannot be compressed
    assert math.isnan(_morin(0.4, 0.1, 6.0, 70.0, 0.5).k_leg_kn_m)
    assert math.isnan(_morin(0.2, 0.1, -3.0, 70.0, 0.9).k_leg_kn_m) and math.isnan(_morin(0.2, 0.1, 3.0, 70.0, 0.0).k_leg_kn_m)


def test_morin_is_keyword_only_and_one_implementation() -> None:
    """The call that gave 8.10 from one copy and 1.18 kN/m from the other cannot be written any more."""
    import stridelab.kinetics.stiffness as kin

    with pytest.raises(TypeError):
        morin2005(0.25, 0.12, 3.5, 68.0, 0.95)  # type: ignore[misc]
    assert not hasattr(kin, "morin2005") and not hasattr(kin, "morin2005_many")
    # Morin et al. 2005 worked values: tc 0.25 s, tf 0.12 s, 68 kg -> Fmax = m g (pi/2)(tf/tc + 1)
    r = morin2005(contact_time_s=0.25, flight_time_s=0.12, mass_kg=68.0)
    assert float(r["fmax_n"]) == pytest.approx(68.0 * 9.80665 * math.pi / 2 * 1.48)
    assert math.isnan(float(r["k_leg_kn_m"]))

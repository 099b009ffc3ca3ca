"""Spring-mass stiffness: the Morin 2005 model against numerical integration of its own force
(synthetic sine-wave force), and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stridelab.kinetics.stiffness import com_drop_from_force, from_forces, morin2005


@pytest.mark.parametrize("tc,tf,v", [(0.25, 0.12, 3.5), (0.30, 0.08, 2.5), (0.18, 0.14, 5.5)])
def test_morin_displacement_equals_integrated_sine_force(tc: float, tf: float, v: float) -> None:
    m, leg = 68.0, 0.95
    s = morin2005(tc, tf, v, m, leg)
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
        assert math.isnan(morin2005(*args).k_vert_kn_m)
    # a leg shorter than half the distance travelled in contact cannot be compressed
    assert math.isnan(morin2005(0.4, 0.1, 6.0, 70.0, 0.5).k_leg_kn_m)

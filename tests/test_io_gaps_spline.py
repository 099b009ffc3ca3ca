"""The numpy not-a-knot spline of the gap filler against scipy's CubicSpline (its reference)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from stridelab.io.gaps import fill_gaps, not_a_knot_spline
from stridelab.model.trial import QualityLog


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 20])
def test_matches_scipy_not_a_knot(n: int) -> None:
    rng = np.random.default_rng(n)
    x = np.cumsum(rng.uniform(0.5, 2.0, n))
    y = rng.normal(size=(n, 3))
    xq = np.linspace(x[0], x[-1], 57)
    ref = CubicSpline(x, y, axis=0)(xq)
    np.testing.assert_allclose(not_a_knot_spline(x, y, xq), ref, rtol=1e-9, atol=1e-9)


def test_fill_gaps_matches_scipy_on_a_synthetic_marker() -> None:
    """Synthetic trajectory (a smooth curve at 150 Hz) with a 6-frame interior gap."""
    t = np.arange(300) / 150.0
    pos = np.stack([np.sin(2 * np.pi * 1.4 * t), np.cos(2 * np.pi * 2.8 * t), t], axis=1)[:, None, :]
    holed = pos.copy()
    holed[100:106] = np.nan
    q = QualityLog()
    filled = fill_gaps(holed, ["m"], 150.0, 0.1, q)
    idx = np.r_[90:100, 106:116]
    ref = CubicSpline(idx, pos[idx, 0, :], axis=0)(np.arange(100, 106))
    np.testing.assert_allclose(filled[100:106, 0, :], ref, atol=1e-12)
    assert np.max(np.abs(filled[100:106, 0] - pos[100:106, 0])) < 5e-3  # 1-m, 2.8-Hz curve over a 40-ms gap
    assert q.of_kind("gap_filled")[0]["frames"] == 6

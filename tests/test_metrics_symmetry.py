"""Symmetry angle (Zifchock et al. 2008) against its definition and the symmetry index."""

from __future__ import annotations

import math

import pytest

from stridelab.metrics.symmetry import symmetry_angle_pct


def test_definition() -> None:
    assert symmetry_angle_pct(250.0, 250.0) == 0.0
    # |45 - atan(2) in degrees| / 90 x 100
    assert symmetry_angle_pct(2.0, 1.0) == pytest.approx(abs(45 - math.degrees(math.atan(2.0))) / 90 * 100)
    assert symmetry_angle_pct(237.0, 233.0) == pytest.approx(symmetry_angle_pct(233.0, 237.0))


def test_about_the_symmetry_index_over_pi_for_small_differences() -> None:
    left, right = 237.0, 233.0
    si = 100 * (left - right) / (0.5 * (left + right))
    assert symmetry_angle_pct(left, right) == pytest.approx(si / math.pi, rel=1e-3)


@pytest.mark.parametrize(("left", "right"), [(None, 1.0), (1.0, 0.0), (-5.0, 10.0), (float("nan"), 1.0)])
def test_undefined(left: float | None, right: float | None) -> None:
    assert symmetry_angle_pct(left, right) is None

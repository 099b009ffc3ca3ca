"""The one foot-strike classifier: its cited thresholds (data) and their boundaries, and every
modality's pattern coming from it."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stridelab.metrics import foot_strike
from stridelab.metrics.foot_strike import classify


def test_thresholds_are_the_cited_ones() -> None:
    assert foot_strike.FSA_REARFOOT_DEG == 8.0 and foot_strike.FSA_FOREFOOT_DEG == -1.6  # Altman & Davis 2012
    assert foot_strike.SI_REARFOOT_PCT == pytest.approx(100 / 3) and foot_strike.SI_FOREFOOT_PCT == pytest.approx(200 / 3)
    assert "Altman" in foot_strike.METHODS["altman2012"] and "Cavanagh" in foot_strike.METHODS["cavanagh1980"]


@pytest.mark.parametrize(
    ("value", "method", "expected"),
    [(8.01, "altman2012", "rearfoot"), (8.0, "altman2012", "midfoot"), (-1.6, "altman2012", "midfoot"), (-1.61, "altman2012", "forefoot"),
     (33.0, "cavanagh1980", "rearfoot"), (34.0, "cavanagh1980", "midfoot"), (66.0, "cavanagh1980", "midfoot"), (67.0, "cavanagh1980", "forefoot")],
)
def test_boundaries(value: float, method: str, expected: str) -> None:
    assert classify(value, method=method) == expected


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=False, allow_infinity=False, min_value=-90, max_value=90))
def test_classes_are_ordered_by_angle(a: float, b: float) -> None:
    """A larger foot-strike angle (toes higher) is never a more forefoot class; not finite gives None."""
    order = {"forefoot": 0, "midfoot": 1, "rearfoot": 2}
    ca = classify(a)
    if not math.isfinite(a):
        assert ca is None
        return
    cb = classify(b)
    assert ca is not None and cb is not None
    if a <= b:
        assert order[ca] <= order[cb]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown foot-strike method"):
        classify(1.0, method="lieberman2010")


def test_modalities_use_the_one_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    """The IMU foot metrics take their pattern from this module (a changed threshold shows there)."""
    from stridelab.metrics.imu_foot import strike_pattern

    assert strike_pattern(5.0) == "midfoot"
    monkeypatch.setattr(foot_strike, "FSA_REARFOOT_DEG", 4.0)
    assert strike_pattern(5.0) == "rearfoot"

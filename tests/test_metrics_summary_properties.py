"""Properties of the per-side summaries (hypothesis): symmetry indices are bounded, antisymmetric
under a swap of sides and zero for equal sides; the contact-time balance is in [0, 100] and swaps
to its complement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stridelab.metrics.summary import summarise

positive = st.lists(st.floats(1.0, 1e3), min_size=1, max_size=8)


def _steps(left: list[float], right: list[float]) -> pd.DataFrame:
    sides = ["left"] * len(left) + ["right"] * len(right)
    gct = np.array(left + right)
    return pd.DataFrame({"side": sides, "gct_ms": gct, "step_time_ms": gct * 1.5, "flight_ms": gct * 0.5})


@settings(max_examples=100, deadline=None)
@given(positive, positive)
def test_symmetry_and_balance_bounds(left: list[float], right: list[float]) -> None:
    s = summarise(_steps(left, right), None)
    swapped = summarise(_steps(right, left), None)
    for key in ("gct_ms", "step_time_ms", "flight_ms"):
        si = s["symmetry_pct"][key]
        assert -200.0 < si < 200.0
        assert swapped["symmetry_pct"][key] == pytest.approx(-si, abs=1e-9)
    bal = s["summary"]["gct_balance_left_pct"]
    assert 0.0 < bal < 100.0 and swapped["summary"]["gct_balance_left_pct"] == pytest.approx(100.0 - bal)
    assert (bal > 50) == (np.mean(left) > np.mean(right)) or np.isclose(np.mean(left), np.mean(right))


@settings(max_examples=50, deadline=None)
@given(positive)
def test_equal_sides_are_symmetric(values: list[float]) -> None:
    s = summarise(_steps(values, values), None)
    assert s["symmetry_pct"]["gct_ms"] == pytest.approx(0.0, abs=1e-9)
    assert s["summary"]["gct_balance_left_pct"] == pytest.approx(50.0)

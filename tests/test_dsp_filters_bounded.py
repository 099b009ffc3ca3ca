"""Filtering a long recording in groups of channels (bounded work buffers) changes no number (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.dsp import filters
from stridelab.dsp.filters import lowpass


@pytest.mark.parametrize("shape", [(1500, 7, 3), (999, 2), (400, 1)])
def test_grouped_channels_give_identical_results(shape: tuple[int, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(size=shape), axis=0)  # SYNTHETIC random walks
    whole = lowpass(x, 150.0, 10.0)
    monkeypatch.setattr(filters, "WORK_BYTES", 1)  # one channel per group
    grouped = lowpass(x, 150.0, 10.0)
    np.testing.assert_array_equal(grouped, whole)
    monkeypatch.setattr(filters, "WORK_BYTES", 3 * 4 * 8 * 2048)  # three channels per group
    np.testing.assert_array_equal(lowpass(x, 150.0, 10.0), whole)

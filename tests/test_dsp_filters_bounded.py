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


@pytest.mark.parametrize("gap", [False, True])
def test_out_receives_identical_values(gap: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.normal(size=(1200, 9)), axis=0)  # SYNTHETIC random walks
    if gap:
        x[100:130, 2] = np.nan  # a gap: filtered in runs, then copied into out
    whole = lowpass(x, 150.0, 10.0)
    monkeypatch.setattr(filters, "WORK_BYTES", 2 * 4 * 8 * 2048)  # two channels per group, straight into out
    out = np.full_like(x, -1.0)
    assert lowpass(x, 150.0, 10.0, out=out) is out
    np.testing.assert_array_equal(out, whole)
    with pytest.raises(ValueError, match="C-contiguous"):
        lowpass(x, 150.0, 10.0, out=np.empty((9, 1200)).T)

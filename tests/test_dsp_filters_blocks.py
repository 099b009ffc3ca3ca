"""A channel longer than filters.BLOCK_SAMPLES is low-pass filtered in overlapping blocks (issue 12):
the values of filtering it whole, to rounding, gaps (NaN) included. Real data: the bundled RBDS001
treadmill force plate (300 Hz) tiled 8 times end to end (the joins are not real data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.dsp import filters
from stridelab.dsp.filters import block_margin, lowpass
from stridelab.io import read_trial


@pytest.fixture(scope="module")
def force(example_dir: Path) -> np.ndarray:
    f = read_trial(example_dir / "RBDS001runT35.c3d").forceplates[0].force_n
    return np.concatenate([f] * 8)  # 4 min, 72,000 samples


def test_blocks_give_the_whole_channel_s_values(force: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = lowpass(force, 300.0, 50.0)
    monkeypatch.setattr(filters, "BLOCK_SAMPLES", 5000)
    blocks = lowpass(force, 300.0, 50.0)
    assert not np.array_equal(blocks, whole)  # the block path ran (rounding differs)
    assert np.max(np.abs(blocks - whole)) < 1e-9  # newtons, of forces up to ~1,600 N


def test_blocks_with_gaps(force: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    x = force.copy()
    x[1000:1010] = np.nan
    x[30000:30500, 1] = np.nan
    whole = lowpass(x, 300.0, 12.0)
    monkeypatch.setattr(filters, "BLOCK_SAMPLES", 4000)
    blocks = lowpass(x, 300.0, 12.0)
    assert np.array_equal(np.isnan(blocks), np.isnan(whole))
    assert np.nanmax(np.abs(blocks - whole)) < 1e-9


def test_short_channels_are_filtered_whole(force: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = lowpass(force[:3000], 300.0, 50.0)
    monkeypatch.setattr(filters, "BLOCK_SAMPLES", 3000)
    np.testing.assert_array_equal(lowpass(force[:3000], 300.0, 50.0), whole)


def test_margin_is_24_over_the_cut_off_for_the_usual_order() -> None:
    assert block_margin(150.0, 12.0) == 300 and block_margin(300.0, 50.0) == 144

"""Properties of the zero-lag Butterworth low-pass (hypothesis): linearity, unit gain at 0 Hz, and
NaN masks (missing samples stay missing; each finite run is filtered on its own)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from stridelab.dsp import lowpass

FS = 200.0
signals = arrays(np.float64, st.integers(16, 300), elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False))
cutoffs = st.floats(1.0, 90.0)


@settings(max_examples=60, deadline=None)
@given(signals, st.floats(-10, 10), st.floats(-10, 10), st.integers(0, 2**32 - 1), cutoffs)
def test_linear(x: np.ndarray, a: float, b: float, seed: int, fc: float) -> None:
    y = np.random.default_rng(seed).normal(0, 100, x.size)
    lhs = lowpass(a * x + b * y, FS, fc)
    rhs = a * lowpass(x, FS, fc) + b * lowpass(y, FS, fc)
    scale = 1 + np.abs(a) * np.abs(x).max() + np.abs(b) * np.abs(y).max()
    assert np.allclose(lhs, rhs, atol=1e-9 * scale)


@settings(max_examples=40, deadline=None)
@given(st.integers(16, 300), st.floats(-1e3, 1e3), cutoffs)
def test_constant_passes_unchanged(n: int, c: float, fc: float) -> None:
    assert np.allclose(lowpass(np.full(n, c), FS, fc), c, atol=1e-9 * (1 + abs(c)))


@settings(max_examples=60, deadline=None)
@given(signals, st.lists(st.tuples(st.integers(0, 299), st.integers(1, 40)), max_size=4), cutoffs)
def test_nan_mask_kept_and_runs_filtered_alone(x: np.ndarray, gaps: list[tuple[int, int]], fc: float) -> None:
    x = x.copy()
    for start, length in gaps:
        x[start : start + length] = np.nan
    out = lowpass(np.stack([x, 2 * x], axis=1), FS, fc)  # two channels with the same gaps
    assert np.array_equal(np.isnan(out[:, 0]), np.isnan(x)) and np.array_equal(np.isnan(out[:, 1]), np.isnan(x))
    ok = np.isfinite(x)
    edges = np.diff(np.concatenate(([0], ok.astype(np.int8), [0])))
    for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        alone = lowpass(x[s:e], FS, fc) if e - s >= 4 else x[s:e]  # runs under 4 samples are left as they are
        assert np.allclose(out[s:e, 0], alone, atol=1e-9 * (1 + np.abs(x[s:e]).max()))
        assert np.allclose(out[s:e, 1], 2 * alone, atol=2e-9 * (1 + np.abs(x[s:e]).max()))

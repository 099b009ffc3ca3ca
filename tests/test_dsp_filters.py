import numpy as np
import pytest
import scipy.signal as ss

from stridelab.dsp import lowpass


@pytest.mark.parametrize("fs,fc", [(300.0, 50.0), (150.0, 10.0), (2000.0, 50.0), (200.0, 6.0)])
def test_lowpass_matches_scipy_sosfiltfilt_away_from_the_ends(fs: float, fc: float) -> None:
    rng = np.random.default_rng(1)
    t = np.arange(int(10 * fs)) / fs
    x = 400 * np.sin(2 * np.pi * 2.7 * t) + rng.normal(0, 30, t.size) + 800 * ((t % 0.7) < 0.25)
    ours = lowpass(x, fs, fc)
    ref = ss.sosfiltfilt(ss.butter(2, fc, fs=fs, output="sos"), x)
    edge = int(2 * fs / fc) + 10
    assert np.max(np.abs(ours - ref)[edge:-edge]) < 1e-6 * np.max(np.abs(ref))


def test_lowpass_is_zero_lag_and_vectorised() -> None:
    fs = 200.0
    t = np.arange(2000) / fs
    x = np.stack([np.sin(2 * np.pi * 1.0 * t), np.cos(2 * np.pi * 1.5 * t)], axis=1)
    y = lowpass(x, fs, 20.0)
    assert y.shape == x.shape
    # a 1-1.5 Hz sine passes a 20 Hz low-pass unchanged: no delay, no attenuation
    assert np.max(np.abs(y - x)[100:-100]) < 1e-3


def test_lowpass_keeps_nan_and_filters_each_segment() -> None:
    fs = 100.0
    x = np.sin(np.arange(500) / 10.0)
    x[200:210] = np.nan
    y = lowpass(x, fs, 10.0)
    assert np.isnan(y[200:210]).all()
    assert np.isfinite(y[:200]).all() and np.isfinite(y[210:]).all()


def test_lowpass_refuses_cutoff_above_nyquist() -> None:
    with pytest.raises(ValueError, match="Nyquist"):
        lowpass(np.zeros(100), 100.0, 60.0)


def test_lowpass_with_gaps_filters_each_channel_run_alone(example_dir) -> None:  # type: ignore[no-untyped-def]
    """Real markers with synthetic gaps: filtering the channels together (grouped by their missing
    samples) gives bit for bit what filtering every finite run of every channel alone gives."""
    from stridelab.io import read_trial

    mk = read_trial(example_dir / "RBDS001runT35.c3d").markers
    assert mk is not None
    x = mk.positions_m[:1500].reshape(1500, -1).copy()
    rng = np.random.default_rng(2)
    x[rng.random(1500) < 0.01, :9] = np.nan
    x[100:130, 9:18] = np.nan
    x[:50, 30:33] = np.nan
    x[:, 40:43] = np.nan
    x[700:702, 50] = np.nan
    y = lowpass(x, mk.rate_hz, 12.0)
    for j in range(x.shape[1]):
        ok = np.isfinite(x[:, j])
        assert np.array_equal(np.isfinite(y[:, j]), ok)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], ok.astype(int), [0]))))
        for s, e in zip(edges[::2], edges[1::2], strict=True):
            alone = lowpass(x[s:e, j], mk.rate_hz, 12.0) if e - s >= 4 else x[s:e, j]
            assert np.array_equal(y[s:e, j], alone)

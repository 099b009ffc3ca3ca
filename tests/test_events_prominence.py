"""The numpy prominence peaks (stridelab.events.prominence) are scipy.signal.find_peaks' peaks: on
SYNTHETIC signals with plateaus, ties and NaN, and on the real trunk accelerometers as the
``freefall_steps`` contact method filters them."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import find_peaks, peak_prominences

from stridelab.dsp import lowpass
from stridelab.events.prominence import find_peaks_prominence, local_maxima
from stridelab.events.prominence import peak_prominences as our_prominences


def _freefall_peaks(up_g: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """(scipy, ours) on the signal as events.imu_sacrum.step_contacts filters it."""
    s = lowpass(np.asarray(up_g, dtype=float), rate_hz, min(5.0, 0.4 * rate_hz))
    d = max(int(0.22 * rate_hz), 1)
    return find_peaks(s, distance=d, prominence=0.3)[0], find_peaks_prominence(s, distance=d, prominence=0.3)


def test_synthetic_signals_equal_scipy() -> None:
    """SYNTHETIC: random, integer-valued (plateaus and ties), rounded random walks and NaN."""
    rng = np.random.default_rng(12)
    for trial in range(600):
        n = int(rng.integers(1, 150))
        kind = trial % 4
        if kind == 0:
            x = rng.normal(size=n)
        elif kind == 1:
            x = rng.integers(0, 4, size=n).astype(float)
        elif kind == 2:
            x = np.round(np.cumsum(rng.normal(size=n)), 1)
        else:
            x = rng.integers(0, 5, size=n).astype(float)
            x[rng.random(n) < 0.1] = np.nan
        d = float(rng.choice([1, 1.5, 2, 3, 7, 20]))
        p = float(rng.choice([0.0, 0.3, 1.0, 2.5]))
        want = find_peaks(x, distance=d, prominence=p)[0]
        assert np.array_equal(find_peaks_prominence(x, d, p), want), (x.tolist(), d, p)
        lm = find_peaks(x)[0]
        assert np.array_equal(local_maxima(x), lm)
        if kind != 3 and lm.size:
            np.testing.assert_array_equal(our_prominences(x, lm), peak_prominences(x, lm)[0])


def test_plateaus_edges_and_bad_distance() -> None:
    x = np.array([0.0, 2, 2, 2, 1, 3, 3, 0, 5, 5])  # plateau peaks at their middle; a plateau at the end is no peak
    assert local_maxima(x).tolist() == find_peaks(x)[0].tolist() == [2, 5]
    assert find_peaks_prominence(np.zeros(2), 1, 0.0).size == 0
    with pytest.raises(ValueError, match="distance"):
        find_peaks_prominence(x, 0.5, 0.1)


def test_real_sacral_accelerometer_rows(shared_data: Path) -> None:
    """The real sacral accelerometer (Alcantara et al. 2022): 31 conditions x 2480 samples at 500 Hz,
    and the raw Shimmer clip (512 Hz, m/s^2): identical peaks."""
    folder = shared_data / "wearable" / "sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_one_sub.csv", delimiter=",")
    n_peaks = 0
    for row in acc:
        want, got = _freefall_peaks(row[:2480], 500.0)
        assert np.array_equal(got, want)
        n_peaks += want.size
    assert n_peaks > 31 * 10  # about 14 steps in each 5-s condition
    clip = np.loadtxt(folder / "Sample_test_data.csv", delimiter=",", skiprows=1)
    for axis in range(3):
        want, got = _freefall_peaks(clip[:, axis] / 9.81, 512.0)
        assert np.array_equal(got, want)


@pytest.mark.slow
def test_real_actigraph_run(shared_data: Path) -> None:
    """The real 25-min ActiGraph hip and ankle run (100 Hz, g): identical peaks on every axis."""
    with gzip.open(shared_data / "wearable" / "accel" / "acc_running.csv.gz", "rt") as f:
        loc = np.loadtxt(f, delimiter=",", skiprows=1, usecols=0, dtype=str)
    with gzip.open(shared_data / "wearable" / "accel" / "acc_running.csv.gz", "rt") as f:
        xyz = np.loadtxt(f, delimiter=",", skiprows=1, usecols=(2, 3, 4))
    for where in ("left_hip", "left_ankle"):
        for axis in range(3):
            want, got = _freefall_peaks(xyz[loc == where, axis], 100.0)
            assert want.size > 100 and np.array_equal(got, want)

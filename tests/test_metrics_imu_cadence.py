"""Cadence of a whole recording from a trunk accelerometer (``running_cadence_spm``), and what
``stridelab analyze`` reports for a trunk-only accelerometer (REAL: the sacral set of Alcantara et
al. 2022; validation/sacral_grf_analyze.py has all 31 conditions)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stridelab as sl
from stridelab.metrics.imu_cadence import running_cadence_spm


def test_running_windows_and_standing() -> None:
    rate = 100.0
    t = np.arange(0, 40, 1 / rate)
    # SYNTHETIC: 10 s standing, then 30 s at 2.8 steps/s with a slow drift of the step rate
    f = 2.8 + 0.05 * np.sin(2 * np.pi * t / 30)
    x = np.sin(2 * np.pi * np.cumsum(f) / rate)
    running = t >= 10
    x[~running] = 0.01 * np.random.default_rng(0).normal(size=int((~running).sum()))
    cad = running_cadence_spm(x, rate, running)
    assert cad is not None and abs(cad - 60 * 2.8) < 2.0
    # shorter than a window: the longest running stretch
    short = running_cadence_spm(x[1000:1500], rate, np.ones(500, bool))
    assert short is not None and abs(short - 60 * float(np.mean(f[1000:1500]))) < 2.0
    assert running_cadence_spm(x, rate, np.zeros(x.size, bool)) is None


@pytest.mark.slow
def test_analyze_reports_the_autocorrelation_cadence_of_a_sacral_accelerometer(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "wearable" / "sacral_grf"
    if not folder.is_dir():
        pytest.skip("wearable/sacral_grf is not in the real data folder")
    acc = np.loadtxt(folder / "Accelerometer_one_sub.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_one_sub.csv", delimiter=",")
    n = grf.shape[1]
    for i in (2, 12, 13):  # conditions whose median step cadence from the contacts was 2 % off
        v, ap = acc[i, :n], acc[i, n:]
        df = pd.DataFrame({"time_s": np.arange(n) / 500.0, "location": "sacrum", "acc_x": ap, "acc_y": np.random.default_rng(i).normal(0, 0.02, n), "acc_z": v})
        path = tmp_path / f"c{i}.csv"
        path.write_text("# stridelab-imu 1\n# acc_unit=g\n" + df.to_csv(index=False), encoding="utf-8")
        doc = sl.analyze(sl.read(path)).to_json()
        up = np.flatnonzero((grf[i][:-1] <= 0.1) & (grf[i][1:] > 0.1)) / 500.0
        ref = 60.0 * (up.size - 1) / (up[-1] - up[0])
        assert doc["summary"]["cadence_spm"] == pytest.approx(ref, rel=0.01)
        assert "moenilssen2004" in doc["provenance"]["methods"]["cadence"]

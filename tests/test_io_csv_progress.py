"""Long CSV files read in chunks behind a progress bar give the same trial as one read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stridelab.io.csv_progress as cp
from stridelab import progress
from stridelab.io.imu import read_actigraph, read_imu_long, write_imu_long
from stridelab.model.trial import ImuData


def _same(a: dict[str, ImuData], b: dict[str, ImuData]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k].time_s, b[k].time_s)
        np.testing.assert_array_equal(a[k].acc_mps2, b[k].acc_mps2)


def test_long_layout_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    t = np.arange(0, 30, 0.01)
    # SYNTHETIC sensor, only the reading is tested
    sensors = {"sacrum": ImuData("sacrum", 100.0, t, np.column_stack([rng.normal(0, 1, t.size), rng.normal(0, 1, t.size), 9.81 + rng.normal(0, 3, t.size)]))}
    path = tmp_path / "run.csv.gz"
    write_imu_long(path, sensors, {"synthetic": "true"})
    whole = read_imu_long(path)
    monkeypatch.setattr(progress, "shown", lambda: True)
    monkeypatch.setattr(cp, "MIN_BYTES", 0)
    monkeypatch.setattr(cp, "CHUNK_ROWS", 997)
    _same(whole.imu, read_imu_long(path).imu)


@pytest.mark.slow
def test_real_actigraph_export_in_chunks(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shared_data / "wearable" / "accel" / "acc_running.csv.gz"
    whole = read_actigraph(path)
    monkeypatch.setattr(progress, "shown", lambda: True)
    monkeypatch.setattr(cp, "MIN_BYTES", 0)
    _same(whole.imu, read_actigraph(path).imu)

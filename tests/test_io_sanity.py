"""Sanity before numbers (stridelab.io.sanity): time base, physical ranges, corrupt samples.

Real data: the first 10 s of the Fukuchi text exports (markers 150 Hz, forces 300 Hz) and the
small watch file; the IMU dropout test edits a SYNTHETIC IMU trial built in the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InvalidInputError
from stridelab.io import read_trial
from stridelab.io.assemble import RawMocap, RawPlate
from stridelab.io.sanity import (
    check_rate,
    check_raw,
    check_time_column,
    check_time_order,
    check_trial,
    clean_text,
)
from stridelab.model.trial import ImuData, Trial


@pytest.fixture(scope="module")
def t25(fukuchi: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("t25")
    out = {}
    for key, name, rows in (("markers", "RBDS001runT25markers.txt", 1500), ("forces", "RBDS001runT25forces.txt", 3000)):
        with open(fukuchi / name) as fh:
            (d / name).write_text("".join(next(fh) for _ in range(rows + 1)))
        out[key] = d / name
    return out


def test_rates_and_time_columns() -> None:
    check_rate(150.0, "a.c3d")
    for bad in (0.0, -1.0, float("inf"), float("nan"), 1e30):
        with pytest.raises(InvalidInputError, match="outside 1-100000 Hz"):
            check_rate(bad, "a.c3d")
    with pytest.raises(InvalidInputError, match="milliseconds"):
        check_rate(0.15, "a.txt")
    t = np.arange(300) / 150.0
    check_time_column(t, 150.0, "a.trc")
    with pytest.raises(InvalidInputError, match=r"declared marker rate 1000 Hz disagrees with the time column \(150 Hz\)"):
        check_time_column(t, 1000.0, "a.trc")
    with pytest.raises(InvalidInputError, match="looks like milliseconds"):
        check_time_column(t * 1000, 150.0, "a.trc")
    bad = t.copy()
    bad[100] = np.nan
    with pytest.raises(InvalidInputError, match="1 of the 300 marker time values are missing"):
        check_time_column(bad, 150.0, "a.mot")
    back = t.copy()
    back[200:] -= 1.0
    with pytest.raises(InvalidInputError, match="goes backwards at row 201"):
        check_time_column(back, 150.0, "a.mot")
    with pytest.raises(InvalidInputError, match="goes backwards"):
        check_time_order(back, "imu.csv")


def _raw(pos: np.ndarray, plates: list[RawPlate] | None = None) -> RawMocap:
    n = pos.shape[0]
    return RawMocap([f"m{i}" for i in range(pos.shape[1])], pos, 150.0, np.arange(n) / 150.0, "mm", "x.trc", "trc", plates or [])


def _plate(n: int, rate: float, fz: float) -> RawPlate:
    f = np.zeros((n, 3))
    f[:, 2] = fz
    return RawPlate("plate1", rate, np.arange(n) / rate, f, np.zeros((n, 3)), np.zeros((n, 3)))


def test_corrupt_samples_are_set_missing_and_wrong_forces_refused() -> None:
    pos = np.random.default_rng(0).normal(0, 500, (300, 4, 3))
    pos[120, 2] = [3e38, 3e38, 3e38]
    pos[121, 0, 1] = np.inf
    raw = _raw(pos)
    warns = check_raw(raw)
    assert len(warns) == 1 and "2 marker samples in 2 frames" in warns[0]
    assert np.isnan(raw.positions[120, 2]).all() and np.isnan(raw.positions[121, 0]).all()
    assert np.isfinite(raw.positions[122]).all()
    check_raw(_raw(pos, [_plate(600, 300.0, 1500.0)]))
    with pytest.raises(InvalidInputError, match="force units or calibration are wrong"):
        check_raw(_raw(pos, [_plate(600, 300.0, 1.5e6)]))
    with pytest.raises(InvalidInputError, match="the markers last 1.99 s but the forces"):
        check_raw(_raw(pos, [_plate(1200, 300.0, 1500.0)]))  # a 300-Hz plate read as 150 Hz doubles


def test_labels_that_are_not_utf8_become_text() -> None:
    broken = b"R.\xffASIS".decode("utf-8", "surrogateescape")
    fixed = clean_text(broken)
    assert fixed.encode("utf-8") and fixed.startswith("R.") and fixed.endswith("ASIS")
    raw = _raw(np.zeros((10, 1, 3)) + 1.0)
    raw.names = [broken]
    assert any("Latin-1" in w for w in check_raw(raw))


def test_a_3e38_frame_does_not_flip_the_vertical_axis(t25: dict[str, Path], tmp_path: Path) -> None:
    lines = t25["markers"].read_text().splitlines()
    cells = lines[700].split("\t")
    lines[700] = "\t".join([cells[0]] + ["3e38"] * (len(cells) - 1))
    bad = tmp_path / "m.txt"
    bad.write_text("\n".join(lines) + "\n")
    clean = read_trial(t25["markers"], forces=t25["forces"])
    tr = read_trial(bad, forces=t25["forces"])
    assert tr.provenance.axes_in == clean.provenance.axes_in
    assert any("impossible coordinates" in w for w in tr.quality.warnings)


def test_forces_rate_that_disagrees_with_the_markers_is_refused(t25: dict[str, Path]) -> None:
    with pytest.raises(InvalidInputError, match="forces-rate-hz"):
        read_trial(t25["markers"], forces=t25["forces"], forces_rate_hz=150.0)


def test_short_imu_dropouts_are_filled_long_ones_left() -> None:
    rate = 100.0
    t = np.arange(1000) / rate
    acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0 * t])
    acc[100] = np.nan  # a 10-ms dropout: filled
    acc[500:560] = np.nan  # 0.6 s: left missing
    tr = Trial(imu={"sacrum": ImuData("sacrum", rate, t, acc)})
    check_trial(tr, "imu.csv")
    a = tr.imu["sacrum"].acc_mps2
    assert np.isfinite(a[100]).all() and np.isclose(a[100, 0], np.sin(t[100]), atol=1e-3)
    assert np.isnan(a[500:560]).all()
    assert any("1 samples in 1 dropouts" in w for w in tr.quality.warnings)
    tr.imu["sacrum"].acc_mps2 = acc * 1000
    with pytest.raises(InvalidInputError, match="units are wrong"):
        check_trial(tr, "imu.csv")

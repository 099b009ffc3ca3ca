"""IMU readers on real data: the ActiGraph export, the long layout (CSV, CSV.gz, Parquet), units,
locations and sniffing. Long-layout files are written from virtual sensors of the real Fukuchi
trial (synthetic signals) or from slices of the real ActiGraph recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.cli.main import main as cli
from stridelab.errors import InvalidInputError, UsageError
from stridelab.io import detect_format, read_trial
from stridelab.io.imu import G, write_imu_long
from stridelab.model.trial import ImuData

ACC = ("wearable", "accel", "acc_running.csv.gz")


@pytest.fixture(scope="module")
def actigraph(shared_data: Path) -> Path:
    return shared_data.joinpath(*ACC)


@pytest.fixture(scope="module")
def real_slice(actigraph: Path) -> pd.DataFrame:
    """20 s of the real hip and ankle recording (the run's start), as the long layout in g."""
    df = pd.read_csv(actigraph, nrows=300000)
    t = (pd.to_datetime(df["date_time"]) - pd.to_datetime(df["date_time"]).min()).dt.total_seconds()
    out = pd.DataFrame({"time_s": t, "location": df["loc_id"], "acc_x": df["x"], "acc_y": df["y"], "acc_z": df["z"]})
    return out[(out["time_s"] >= 60) & (out["time_s"] < 80)].reset_index(drop=True)


def _write_csv(path: Path, df: pd.DataFrame, header: str = "") -> Path:
    path.write_text(header + df.to_csv(index=False), encoding="utf-8")
    return path


def test_actigraph_export(actigraph: Path) -> None:
    assert detect_format(actigraph) == "actigraph"
    t = read_trial(actigraph, start_s=60, end_s=120)
    assert set(t.imu) == {"hip", "left_ankle"}
    hip = t.imu["hip"]
    assert hip.rate_hz == 100.0 and hip.gyr_radps is None
    assert hip.time_s[0] == pytest.approx(60.0, abs=0.011) and hip.time_s[-1] <= 120.0
    # g converted to m/s²: the trunk's mean specific force is gravity
    assert np.linalg.norm(hip.acc_mps2.mean(axis=0)) == pytest.approx(G, rel=0.05)
    assert any("lower-back" in w for w in t.quality.warnings)
    assert t.provenance.format == "actigraph" and t.provenance.extra["imu_metadata"]["start"].startswith("2018-10-25")


def test_long_layout_round_trip(tmp_path: Path, real_slice: pd.DataFrame) -> None:
    t = real_slice["time_s"].to_numpy()
    hip = real_slice[real_slice["location"] == "left_hip"]
    s = ImuData("sacrum", 100.0, hip["time_s"].to_numpy(), hip[["acc_x", "acc_y", "acc_z"]].to_numpy() * G, np.zeros((len(hip), 3)) + 0.1)
    for name in ("a.csv", "a.csv.gz", "a.parquet"):
        f = tmp_path / name
        write_imu_long(f, {"sacrum": s}, {"synthetic": "false", "note": "slice"})
        assert detect_format(f) == "imu"
        back = read_trial(f)
        b = back.imu["sacrum"]
        assert b.rate_hz == 100.0 and b.time_s.size == s.time_s.size
        np.testing.assert_allclose(b.acc_mps2, s.acc_mps2, rtol=1e-5, atol=1e-4)
        assert back.provenance.extra["imu_metadata"]["note"] == "slice"
    assert t.size > 0


def test_units_declared_checked_and_inferred(tmp_path: Path, real_slice: pd.DataFrame) -> None:
    one = real_slice[real_slice["location"] == "left_hip"].drop(columns="location")
    # declared g and in g: fine
    ok = read_trial(_write_csv(tmp_path / "g.csv", one, "# acc_unit=g\n"), location="sacrum")
    assert np.linalg.norm(ok.imu["sacrum"].acc_mps2.mean(axis=0)) == pytest.approx(G, rel=0.05)
    # declared m/s² but the data are in g: refused, naming the likely unit
    with pytest.raises(InvalidInputError, match="about 1 g"):
        read_trial(_write_csv(tmp_path / "wrong.csv", one, "# acc_unit=m/s^2\n"), location="sacrum")
    # undeclared but unmistakable: inferred with a warning
    t = read_trial(_write_csv(tmp_path / "undeclared.csv", one), location="sacrum")
    assert any("look like g" in w for w in t.quality.warnings)
    # undeclared and implausible (scaled by 5): refused
    bad = one.copy()
    bad[["acc_x", "acc_y", "acc_z"]] *= 5
    with pytest.raises(InvalidInputError, match="declare acc_unit"):
        read_trial(_write_csv(tmp_path / "odd.csv", bad), location="sacrum")
    # unknown unit name
    with pytest.raises(InvalidInputError, match="not a unit"):
        read_trial(_write_csv(tmp_path / "unit.csv", one, "# acc_unit=furlong\n"), location="sacrum")


def test_gyro_units_as_columns(tmp_path: Path, real_slice: pd.DataFrame) -> None:
    one = real_slice[real_slice["location"] == "left_ankle"].drop(columns="location").copy()
    n = len(one)
    rate = np.sin(np.linspace(0, 40 * np.pi, n)) * 600.0  # deg/s, a plausible foot/shank swing
    one["gyr_x"], one["gyr_y"], one["gyr_z"] = rate, 0.2 * rate, 0.0
    one["acc_unit"], one["gyr_unit"] = "g", "deg/s"
    t = read_trial(_write_csv(tmp_path / "cols.csv", one), location="left_ankle")
    assert np.max(np.abs(t.imu["left_ankle"].gyr_radps[:, 0])) == pytest.approx(np.deg2rad(600), rel=0.01)
    one["gyr_unit"] = "rad/s"
    with pytest.raises(InvalidInputError, match="deg/s"):
        read_trial(_write_csv(tmp_path / "radps.csv", one), location="left_ankle")


def test_locations_and_location_option(tmp_path: Path, real_slice: pd.DataFrame) -> None:
    multi = _write_csv(tmp_path / "multi.csv", real_slice, "# acc_unit=g\n")
    t = read_trial(multi)
    assert set(t.imu) == {"hip", "left_ankle"}
    with pytest.raises(UsageError, match="only for single-sensor"):
        read_trial(multi, location="sacrum")
    single = _write_csv(tmp_path / "single.csv", real_slice[real_slice["location"] == "left_hip"].drop(columns="location"), "# acc_unit=g\n")
    with pytest.raises(UsageError, match="--location"):
        read_trial(single)
    bad = real_slice.replace({"left_hip": "left_elbow"})
    with pytest.raises(InvalidInputError, match="unknown sensor location 'left_elbow'"):
        read_trial(_write_csv(tmp_path / "bad.csv", bad, "# acc_unit=g\n"))


def test_uneven_sampling_and_gaps(tmp_path: Path, real_slice: pd.DataFrame) -> None:
    one = real_slice[real_slice["location"] == "left_hip"].drop(columns="location").reset_index(drop=True)
    one = one.drop(index=range(500, 560)).reset_index(drop=True)  # a 0.6 s hole
    t = read_trial(_write_csv(tmp_path / "gap.csv", one, "# acc_unit=g\n"), location="sacrum")
    s = t.imu["sacrum"]
    assert s.rate_hz == 100.0 and np.isnan(s.acc_mps2[:, 0]).sum() >= 50
    assert any("gaps" in w for w in t.quality.warnings)


def test_cli_bad_imu_file_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "broken.csv"
    f.write_text("# acc_unit=g\ntime_s,location,acc_x,acc_y,acc_z\n0,left_foot,1,2\n", encoding="utf-8")
    code = cli(["analyze", str(f)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1 and err[0].startswith("stridelab: error:")

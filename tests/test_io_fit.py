"""FIT reader on the real watch files of ../shared/data/wearable (and labelled SYNTHETIC files written
with garmin-fit-sdk's encoder for what no real file shows: multisport, implausible values, cadence
written as steps/min)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stridelab.analysis import analyze
from stridelab.errors import NotRunningError, NoValidResultError
from stridelab.io import read_trial
from stridelab.io.fit_decode import crc16, decode_fit
from stridelab.io.fit_messages import message_columns
from stridelab.io.fit_synth import write_synthetic_run

REAL = ["activity-small-fenix2-run.fit", "developer-types-sample.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-bike.fit", "garmin-fenix-5-walk.fit"]
BAD = ["activity-settings-corruptheader.fit", "activity-settings-nodata.fit", "activity-unexpected-eof.fit"]


@pytest.fixture(scope="module")
def fitdir(shared_data: Path) -> Path:
    return shared_data / "wearable" / "fit"


@pytest.mark.parametrize("name", REAL + [f"../fit_bad/{b}" for b in BAD])
def test_decoder_matches_garmin_sdk_on_every_record_value(fitdir: Path, name: str) -> None:
    from garmin_fit_sdk import Decoder, Stream

    path = fitdir / name
    msgs, _errors = Decoder(Stream.from_file(str(path))).read(convert_datetimes_to_dates=False, merge_heart_rates=False)
    sdk = msgs["record_mesgs"]
    ours = message_columns(decode_fit(path.read_bytes()), 20)
    assert len(ours["_seq"]) == len(sdk) > 0
    n_checked = 0
    for fname, col in ours.items():
        if fname.startswith(("_", "f")) or col.dtype == object:
            continue
        ref = np.array([r.get(fname, np.nan) if isinstance(r.get(fname), (int, float)) else np.nan for r in sdk], float)
        np.testing.assert_allclose(col, ref, rtol=1e-12, equal_nan=True, err_msg=fname)
        n_checked += int(np.isfinite(ref).sum())
    assert n_checked > 5 * len(sdk)


def test_crc16_matches_the_files_own_checksum(fitdir: Path) -> None:
    data = (fitdir / "garmin-fenix-5-run.fit").read_bytes()
    assert crc16(data[:-2]) == int.from_bytes(data[-2:], "little")


def test_fenix2_run_running_dynamics_and_cadence_rule(fitdir: Path) -> None:
    t = read_trial(fitdir / "activity-small-fenix2-run.fit")
    r = t.records
    assert r is not None and len(r) == 2809 and t.environment == "overground"
    fit = t.provenance.extra["fit"]
    assert "x2" in fit["cadence_rule"] and fit["sources"]["gct_ms"].startswith("record.stance_time")
    run = r[r["state"] == "run"]
    # strides/min doubled to steps/min; vertical oscillation in cm
    assert 150 < run["cadence_spm"].median() < 185
    assert 8 < run["vertical_oscillation_cm"].median() < 13
    assert t.laps is not None and len(t.laps) == 4 and set(r["lap"]) <= {0, 1, 2, 3}
    # walking start (cadence 112 steps/min, stance 531 ms) is walking, not an implausible run
    assert r["state"].iloc[0] in ("walk", "stop")


def test_fenix5_duty_factor_from_the_watch_equals_ours(fitdir: Path) -> None:
    """The watch's stance_time_percent must equal stance time / stride time computed from its cadence:
    checks the strides->steps rule and our units together."""
    t = read_trial(fitdir / "garmin-fenix-5-run.fit")
    r = t.records
    assert r is not None
    run = r[(r["state"] == "run") & r["gct_pct"].notna()]
    ours = run["gct_ms"] * run["cadence_spm"] / 120000.0 * 100.0
    # records are not all written at the same instant for every field: agree in the median (x1 would give ~77 %)
    assert np.median(np.abs(ours - run["gct_pct"])) < 0.6
    # step length x cadence = speed (steps/min), within GPS noise
    implied = run["step_length_m"] * run["cadence_spm"] / 60.0
    assert np.median(np.abs(implied - run["speed_mps"])) < 0.25
    assert t.subject.mass_kg == 68.0 and t.subject.sources["mass_kg"] == "FIT user profile"


def test_stryd_developer_fields_by_name_with_sources(fitdir: Path) -> None:
    t = read_trial(fitdir / "developer-types-sample.fit")
    r = t.records
    assert r is not None
    src = t.provenance.extra["fit"]["sources"]
    assert "Form Power" in src["form_power_w"] and "Leg Spring Stiffness" in src["leg_spring_stiffness_kn_m"]
    # the Stryd 'Speed' developer field overlaps the native speed: native used, developer kept beside it
    assert src["speed_mps"].startswith("record.") and "developer field 'Speed'" in src["speed_mps_dev"]
    run = r[r["state"] == "run"]
    assert 5 < run["leg_spring_stiffness_kn_m"].median() < 20
    assert 40 < run["form_power_w"].median() < 150
    assert abs(run["speed_mps"].median() - run["speed_mps_dev"].median()) < 0.15
    # Stryd writes 0 before it locks on: zero is missing, not a 0 ms contact
    assert np.isnan(r["gct_ms"].iloc[0])


@pytest.mark.parametrize("name,sport", [("garmin-fenix-5-bike.fit", "cycling"), ("garmin-fenix-5-walk.fit", "walking")])
def test_not_a_run_is_refused_by_name(fitdir: Path, name: str, sport: str) -> None:
    with pytest.raises(NotRunningError, match=sport):
        read_trial(fitdir / name)


@pytest.mark.parametrize("name,offset", [("activity-settings-corruptheader.fit", 771), ("activity-settings-nodata.fit", 783), ("activity-unexpected-eof.fit", 751)])
def test_damaged_files_salvage_records_and_say_where(shared_data: Path, name: str, offset: int) -> None:
    t = read_trial(shared_data / "wearable" / "fit_bad" / name)
    assert t.records is not None and len(t.records) == 14
    assert any(f"byte {offset}" in w and "damaged" in w for w in t.quality.warnings)
    # the 14 salvaged records are a standing start (speed < 0.4 m/s): no running to summarise
    with pytest.raises(NoValidResultError, match="byte"):
        analyze(t)


def test_truncated_real_run_keeps_what_decodes(fitdir: Path, tmp_path: Path) -> None:
    data = (fitdir / "activity-small-fenix2-run.fit").read_bytes()
    cut = tmp_path / "cut.fit"
    cut.write_bytes(data[: len(data) // 2])
    t = read_trial(cut)
    assert t.records is not None and 1300 < len(t.records) < 1500
    assert any("truncated" in w for w in t.quality.warnings)
    # no session summary left: sport inferred from the data, and said so
    assert any("names no sport" in w for w in t.quality.warnings)
    a = analyze(t)
    assert 150 < a.summary["cadence_spm"] < 185


def test_corrupt_byte_is_caught_by_the_checksum(fitdir: Path, tmp_path: Path) -> None:
    data = bytearray((fitdir / "garmin-fenix-5-run.fit").read_bytes())
    data[3000] ^= 0x01  # inside a data message: decodes, but the CRC no longer matches
    bad = tmp_path / "flip.fit"
    bad.write_bytes(bytes(data))
    t = read_trial(bad)
    assert any("checksum does not match" in w for w in t.quality.warnings)


def test_synthetic_multisport_implausible_and_overlap(tmp_path: Path) -> None:
    """SYNTHETIC: cycling, transition, then a run with planted 700 ms contacts, 400 steps/min, 30 cm."""
    p = tmp_path / "synthetic_multisport.fit"
    truth = write_synthetic_run(
        p, sessions=(("cycling", 300), ("transition", 60), ("running", 900)), implausible_at={"gct_ms": [500, 501], "cadence_spm": [600], "vertical_oscillation_cm": [700]}
    )
    t = read_trial(p)
    r = t.records
    assert r is not None and len(r) == 900 and r["time_s"].iloc[0] == 360.0
    assert any("multisport" in w for w in t.quality.warnings)
    flagged = {i["metric"]: i for i in t.quality.items if i.get("kind") == "fit_implausible"}
    assert flagged["gct_ms"]["n_records"] == 2 and flagged["cadence_spm"]["n_records"] == 1 and flagged["vertical_oscillation_cm"]["n_records"] == 1
    a = analyze(t)
    run = slice(360, 1260)
    good = np.ones(900, bool)
    good[[500 - 360, 501 - 360]] = False
    assert a.summary["gct_ms"] == pytest.approx(np.median(truth.gct_ms[run][good]), abs=1.0)
    assert a.summary["gct_ms"] < 300 and a.summary["vertical_oscillation_cm"] < 10
    assert "Ground Time" in t.provenance.extra["fit"]["sources"]["gct_ms_dev"]


def test_synthetic_cadence_already_in_steps(tmp_path: Path) -> None:
    """SYNTHETIC: a writer that put steps/min in the strides field is detected and not doubled."""
    p = tmp_path / "synthetic_steps.fit"
    write_synthetic_run(p, duration_s=300, cadence_in_steps=True, developer=False)
    t = read_trial(p)
    assert t.records is not None
    assert "x1" in t.provenance.extra["fit"]["cadence_rule"]
    assert 160 < t.records["cadence_spm"].median() < 180


def test_cli_fit_json_contract_and_report(fitdir: Path, tmp_path: Path) -> None:
    from stridelab.cli.main import main

    out, rep = tmp_path / "r.json", tmp_path / "r.html"
    assert main(["analyze", str(fitdir / "activity-small-fenix2-run.fit"), "--json", str(out), "--report", str(rep), "-q"]) == 0
    d = json.loads(out.read_text())
    assert d["contacts"] == [] and d["steps"] == []
    assert 150 < d["summary"]["cadence_spm"] < 185 and d["summary"]["flight_ms"] > 0
    ts = d["timeseries"]
    assert len(ts["time_s"]) == len(ts["cadence_spm"]) == 2809 and "grade_pct" in ts
    assert d["fatigue"]["available"] and "km" in d["fatigue"]["windows"]
    html = rep.read_text()
    assert "Over time" in html and "Fatigue" in html
    assert main(["analyze", str(fitdir / "garmin-fenix-5-bike.fit"), "-q"]) == 3
    assert main(["analyze", str(fitdir.parent / "fit_bad" / "activity-unexpected-eof.fit"), "-q"]) == 4

"""Injury-risk flags from the evidence table. The measurements here are synthetic (hand-made
numbers around each threshold), to check the rules, not the metrics."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from stridelab.errors import InvalidInputError
from stridelab.risk import DISCLAIMER, Measurement, evaluate, flag_status, load_evidence
from stridelab.risk.flags import same_source_both_sides

D1, D2, D3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def synthetic(date: dt.date, speed: float | None = 3.5, source: str = "mocap", contacts: str = "left:forces|right:forces", **metrics: float) -> Measurement:
    return Measurement(date, source, speed, contacts, dict(metrics))


def by_id(flags: list) -> dict:
    return {f.rule.id: f for f in flags}


def test_evidence_table_is_complete_and_careful() -> None:
    rules = load_evidence()
    assert len(rules) >= 8 and len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.strength in ("prospective", "retrospective", "expert")
        assert r.citation and r.threshold_source and r.sentence
        assert "cause" not in r.sentence.lower()
    assert "not a diagnosis" in DISCLAIMER and "clinician" in DISCLAIMER


def test_flag_raised_only_beyond_threshold_and_in_speed_range() -> None:
    rules = load_evidence()
    f = by_id(evaluate(rules, synthetic(D1, vlr_avg_bw_s=75.0, cadence_spm=165.0)))
    assert f["high_vertical_loading_rate"].raised and not f["low_cadence_for_speed"].raised
    f = by_id(evaluate(rules, synthetic(D1, vlr_avg_bw_s=65.0, cadence_spm=150.0)))
    assert not f["high_vertical_loading_rate"].raised and f["low_cadence_for_speed"].raised
    # outside the rule's speed range: not evaluated at all (loading rate rises with speed)
    assert "high_vertical_loading_rate" not in by_id(evaluate(rules, synthetic(D1, speed=4.5, vlr_avg_bw_s=95.0)))
    assert "high_vertical_loading_rate" not in by_id(evaluate(rules, synthetic(D1, speed=None, vlr_avg_bw_s=95.0)))


def test_flags_only_from_inputs_that_measure_the_metric() -> None:
    rules = load_evidence()
    # a loading rate from an IMU (e.g. a predicted force) is not a force-plate measurement
    assert "high_vertical_loading_rate" not in by_id(evaluate(rules, synthetic(D1, source="imu", vlr_avg_bw_s=90.0)))
    # left/right from two different kinds of sensor: no asymmetry flag
    mixed = "left:imu:left_foot:kink|right:imu:sacrum:peaks"
    assert "contact_time_asymmetry" not in by_id(evaluate(rules, synthetic(D1, source="imu", contacts=mixed, gct_ms_symmetry_pct=20.0)))
    same = "left:imu:left_foot:kink|right:imu:right_foot:kink"
    assert by_id(evaluate(rules, synthetic(D1, source="imu", contacts=same, gct_ms_symmetry_pct=-20.0)))["contact_time_asymmetry"].raised
    assert same_source_both_sides("left:forces|right:forces")
    assert not same_source_both_sides("left:forces")
    assert not same_source_both_sides("left:imu:sacrum:x|right:imu:sacrum:x")


def test_new_persistent_resolved() -> None:
    rules = load_evidence()
    hist = [synthetic(D1, cadence_spm=165.0, overstride_m=0.20, pelvic_drop_deg=9.0), synthetic(D2, cadence_spm=150.0, overstride_m=0.21, pelvic_drop_deg=6.0)]
    st = {f.rule.id: f.status for f in flag_status(rules, hist)}
    assert st == {"low_cadence_for_speed": "new", "overstriding": "persistent", "contralateral_pelvic_drop": "resolved"}
    # status compares sessions at matched speed only: a raised flag at a new speed is "new"
    hist2 = [synthetic(D1, speed=2.5, cadence_spm=150.0), synthetic(D2, speed=3.5, cadence_spm=150.0)]
    assert {f.rule.id: f.status for f in flag_status(rules, hist2)} == {"low_cadence_for_speed": "new"}
    hist3 = [synthetic(D1, cadence_spm=150.0), synthetic(D2, speed=2.5, cadence_spm=170.0), synthetic(D3, cadence_spm=151.0)]
    assert {f.rule.id: f.status for f in flag_status(rules, hist3)} == {"low_cadence_for_speed": "persistent"}
    j = flag_status(rules, hist)[0].to_json()
    assert set(j) == {"id", "metric", "value", "threshold", "direction", "evidence", "citation", "strength", "status"}


def test_user_thresholds(tmp_path: Path) -> None:
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("id,threshold\nlow_cadence_for_speed,170\n")
    rules = load_evidence(csv_file)
    f = by_id(evaluate(rules, synthetic(D1, cadence_spm=165.0)))["low_cadence_for_speed"]
    assert f.raised and f.rule.threshold == 170 and "t.csv" in f.rule.threshold_source
    js = tmp_path / "t.json"
    js.write_text(json.dumps({"overstriding": 0.3}))
    assert not by_id(evaluate(load_evidence(js), synthetic(D1, overstride_m=0.2)))["overstriding"].raised
    js.write_text(json.dumps({"no_such_flag": 1}))
    with pytest.raises(InvalidInputError, match="unknown flag"):
        load_evidence(js)
    csv_file.write_text("id,threshold\nlow_cadence_for_speed,abc\n")
    with pytest.raises(InvalidInputError):
        load_evidence(csv_file)

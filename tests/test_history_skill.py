"""Skill scores over time in the runner's history, against the skill model's MDC95.
The records are synthetic (hand-made trials with known scores) to check the rules."""

from __future__ import annotations

import datetime as dt

import pytest

from stridelab.history import history_document, skill_over_time
from stridelab.history.record import RunnerRecord, TrialRecord
from stridelab.skill.model import load_model

MODEL = load_model()
NAME = MODEL.card["name"]
MDC = {g: v["mdc95"] for g, v in MODEL.reliability.items()}


def trial(day: int, speed: float | None, model: str = NAME, **groups: float) -> TrialRecord:
    t = TrialRecord(dt.date(2026, 1, 1) + dt.timedelta(days=day), "mocap", f"synthetic_{day}_{speed}", speed, None, "0")
    t.metrics = {"speed_mps": speed or 0.0}
    t.scores = {f"group:{g.replace('_', ' ')}": v for g, v in groups.items()}
    t.score_model = model
    return t


def test_changes_beyond_the_model_mdc_are_marked() -> None:
    knee = MDC["knee"]
    rec = RunnerRecord("S", "", [
        trial(0, 3.5, knee=40.0, hip_and_pelvis=50.0),
        trial(10, 3.5, knee=40.0 + 0.5 * knee, hip_and_pelvis=50.0),
        trial(20, 3.6, knee=40.0 + 2.0 * knee, hip_and_pelvis=50.0),
        trial(20, 2.5, knee=10.0, hip_and_pelvis=90.0),  # another speed: not compared with the others
        trial(30, 3.5, "another model", knee=99.0),
    ])
    doc = skill_over_time(rec, MODEL)
    assert doc["model"] == NAME and doc["mdc95"]["knee"] == pytest.approx(knee)
    s = doc["sessions"]
    assert [e["date"] for e in s] == ["2026-01-01", "2026-01-11", "2026-01-21", "2026-01-21", "2026-01-31"]
    assert s[0]["change_from_previous"] is None and s[0]["groups"]["knee"] == 40.0
    c = s[1]["change_from_previous"]["knee"]
    assert c["change"] == pytest.approx(0.5 * knee) and c["beyond_mdc"] is False
    c = s[2]["change_from_previous"]["knee"]
    assert c["change"] == pytest.approx(1.5 * knee) and c["beyond_mdc"] is True
    assert s[2]["change_from_first"]["knee"]["beyond_mdc"] is True
    assert s[2]["change_from_first"]["hip and pelvis"]["beyond_mdc"] is False
    assert s[2]["change_from_previous"]["skill_value"]["change"] is None  # no skill value stored: none compared
    assert s[3]["speed_mps"] == 2.5 and s[3]["change_from_previous"] is None
    assert s[4]["change_from_previous"] is None and "no MDC" in s[4]["note"]


def test_history_document_adds_skill_only_when_asked() -> None:
    rec = RunnerRecord("S", "", [trial(0, 3.5, knee=40.0), trial(9, 3.5, knee=80.0)])
    assert list(history_document(rec)) == ["runner", "sessions", "changes", "flags", "disclaimer"]
    doc = history_document(rec, skill=True)
    assert doc["skill"]["sessions"][1]["change_from_previous"]["knee"]["beyond_mdc"] is (40.0 > MDC["knee"])

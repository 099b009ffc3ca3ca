"""Change over time: MDC, speed matching, trends and the history document. The records here are
synthetic (hand-made trials with known values), to check the arithmetic and the rules."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from stridelab.history import changes, compare_sessions, history_document, trend
from stridelab.history.change import runner_mdc
from stridelab.history.mdc import Z95, mdc95, reference_mdc
from stridelab.history.record import RunnerRecord, TrialRecord


def trial(day: int, speed: float | None, halves: tuple[float, float] | None = None, source: str = "mocap", **metrics: float) -> TrialRecord:
    t = TrialRecord(dt.date(2026, 1, 1) + dt.timedelta(days=day), source, f"synthetic_{day}_{speed}", speed, "left:forces|right:forces", "0")
    t.metrics = {"speed_mps": speed or 0.0, **metrics}
    if halves is not None:
        t.halves = ({"cadence_spm": halves[0]}, {"cadence_spm": halves[1]})
    return t


def test_mdc_formulas() -> None:
    d = [1.0, -1.0, 2.0, -2.0]
    sd = float(np.std(d, ddof=1))
    assert mdc95(d, "split_half") == pytest.approx(Z95 * sd / math.sqrt(2))  # halves hold half the steps each
    assert mdc95(d, "repeated_sessions") == pytest.approx(Z95 * math.sqrt(2.5))  # 1.96 x RMS of the differences
    assert mdc95([1.0, 1.0, 1.0], "repeated_sessions") == pytest.approx(Z95)  # a steady trend is not read as zero noise
    assert mdc95([1.0]) is None
    ref = reference_mdc("mocap")
    assert ref["cadence_spm"] > 0 and "gct_ms" in ref and reference_mdc("watch") == {}


def test_change_at_matched_speed_only() -> None:
    ref = reference_mdc()["cadence_spm"]
    rec = RunnerRecord("S", "", [trial(0, 3.5, cadence_spm=160.0), trial(30, 3.6, cadence_spm=160.0 + 2 * ref)])
    (c,) = changes(rec, "cadence_spm")
    assert c.speed_matched and c.change == pytest.approx(2 * ref) and c.mdc == pytest.approx(ref) and c.beyond_noise
    rec = RunnerRecord("S", "", [trial(0, 3.5, cadence_spm=160.0), trial(30, 3.55, cadence_spm=160.0 + 0.5 * ref)])
    assert not changes(rec, "cadence_spm")[0].beyond_noise
    rec = RunnerRecord("S", "", [trial(0, 2.5, cadence_spm=150.0), trial(30, 4.5, cadence_spm=175.0)])
    (c,) = changes(rec, "cadence_spm")
    assert not c.speed_matched and c.change is None and not c.beyond_noise
    assert set(c.to_json()) == {"metric", "baseline", "latest", "change", "mdc", "beyond_noise", "speed_matched"}
    # several speeds in both sessions: the pair at the same speed is compared
    rec = RunnerRecord("S", "", [trial(0, 2.5, cadence_spm=150.0), trial(0, 3.5, cadence_spm=160.0), trial(30, 3.5, cadence_spm=161.0)])
    (c,) = changes(rec, "cadence_spm")
    assert c.speed_matched and c.baseline == 160.0
    assert changes(RunnerRecord("S", "", [trial(0, 3.5, cadence_spm=160.0)])) == []


def test_runner_mdc_from_own_trials_when_enough() -> None:
    halves = [(160.0, 161.0), (162.0, 161.0), (158.0, 160.0), (161.0, 161.5), (159.0, 158.0)]
    rec = RunnerRecord("S", "", [trial(i * 7, 3.5, h, cadence_spm=sum(h) / 2) for i, h in enumerate(halves)])
    mdc, basis = runner_mdc(rec, "cadence_spm", "mocap")
    means = [sum(h) / 2 for h in halves]
    split = mdc95([a - b for a, b in halves], "split_half")
    repeated = mdc95([b - a for a, b in zip(means, means[1:], strict=False)], "repeated_sessions")  # weekly sessions, matched speed
    assert split is not None and repeated is not None
    ref = reference_mdc()["cadence_spm"]
    assert mdc == pytest.approx(max(split, repeated, ref))  # the largest, most cautious estimate
    assert ("this runner" in basis) == (max(split, repeated) > ref)
    few = RunnerRecord("S", "", [trial(0, 3.5, (160.0, 161.0), cadence_spm=160.5)])
    assert "reference" in runner_mdc(few, "cadence_spm", "mocap")[1]
    # a steady real trend over close sessions does not shrink the MDC below the reference
    trend_rec = RunnerRecord("S", "", [trial(i * 7, 3.5, cadence_spm=160.0 + i) for i in range(8)])
    assert runner_mdc(trend_rec, "cadence_spm", "mocap")[0] >= ref  # type: ignore[operator]
    assert runner_mdc(few, "cadence_spm", "watch")[0] is None


def test_trend_with_confidence_interval() -> None:
    rng = np.random.default_rng(1)
    rec = RunnerRecord("S", "", [trial(d, 3.5, cadence_spm=160.0 + 0.1 * d + rng.normal(0, 0.3)) for d in range(0, 300, 15)])
    tr = trend(rec, "cadence_spm")
    assert tr is not None and tr.n_sessions == 20
    assert tr.ci95[0] < 3.0 < tr.ci95[1] and tr.ci95[0] > 0  # true slope 0.1/day = 3 per 30 days
    assert trend(RunnerRecord("S", "", rec.trials[:2]), "cadence_spm") is None
    # trials at another speed are left out of the trend
    mixed = RunnerRecord("S", "", [*rec.trials, trial(400, 2.5, cadence_spm=100.0)])
    assert trend(mixed, "cadence_spm", 3.5).slope_per_30d == pytest.approx(tr.slope_per_30d)  # type: ignore[union-attr]


def test_compare_sessions_and_document() -> None:
    rec = RunnerRecord("S", "", [trial(0, 3.5, cadence_spm=150.0, vlr_avg_bw_s=60.0), trial(10, 3.5, cadence_spm=155.0, vlr_avg_bw_s=80.0),
                                 trial(20, 3.5, cadence_spm=165.0, vlr_avg_bw_s=65.0)])
    side = {c.metric: c for c in compare_sessions(rec, dt.date(2026, 1, 11), dt.date(2026, 1, 21))}
    assert side["cadence_spm"].change == pytest.approx(10.0) and side["cadence_spm"].baseline_date == dt.date(2026, 1, 11)
    doc = history_document(rec)
    assert list(doc) == ["runner", "sessions", "changes", "flags", "disclaimer"]
    assert set(doc["sessions"][0]) == {"date", "source", "metrics"} and doc["sessions"][0]["date"] == "2026-01-01"
    st = {f["id"]: f["status"] for f in doc["flags"]}
    assert st == {"low_cadence_for_speed": "resolved", "high_vertical_loading_rate": "resolved"}
    only = history_document(rec, "cadence_spm")
    assert all(set(s["metrics"]) <= {"cadence_spm", "speed_mps"} for s in only["sessions"])
    assert [c["metric"] for c in only["changes"]] == ["cadence_spm"]


def test_weekly_load_and_its_flag() -> None:
    from stridelab.history.load import load_measurements, weekly_load

    def run(day: int, km: float) -> TrialRecord:  # synthetic watch runs, ``day`` days after Thursday 2026-01-01
        return trial(day, 3.0, source="watch", distance_km=km, duration_min=km * 5.5)

    # weeks from Monday 2026-01-05: 10 km, 12 km (+20 %), 18 km (+50 %), a gap, then 30 km
    runs = [run(4, 10.0), run(11, 6.0), run(13, 6.0), run(18, 9.0), run(20, 9.0), run(32, 30.0)]
    rec = RunnerRecord("S", "", runs)
    weeks = weekly_load(rec)
    assert [w.distance_km for w in weeks] == [10.0, 12.0, 18.0, 30.0] and weeks[1].n_runs == 2
    changes_pct = [m.metrics["weekly_distance_change_pct"] for m in load_measurements(rec)]
    assert changes_pct == pytest.approx([20.0, 50.0])  # no change across the week without runs
    doc = history_document(RunnerRecord("S", "", runs[:5]))
    (f,) = [f for f in doc["flags"] if f["id"] == "sudden_weekly_distance_increase"]
    assert f["status"] == "new" and f["value"] == pytest.approx(50.0) and f["strength"] == "prospective"

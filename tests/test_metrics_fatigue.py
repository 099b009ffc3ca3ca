"""Fatigue and drift: DFA and PELT on labelled SYNTHETIC series of known answer, the speed-matched
trend on a SYNTHETIC run with a planted drift, and the whole analysis on the real watch runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.io import read_trial
from stridelab.io.fit_synth import write_synthetic_run
from stridelab.metrics.fatigue import dfa_alpha, drift_analysis, from_records, from_steps, pelt
from stridelab.metrics.fatigue.dfa import synthetic_noise
from stridelab.metrics.fatigue.trend import fit_trend, t_quantile_975
from stridelab.metrics.records import derive


@pytest.mark.parametrize("beta,alpha", [(0.0, 0.5), (1.0, 1.0), (2.0, 1.5)])
def test_dfa_on_synthetic_noise_of_known_alpha(beta: float, alpha: float) -> None:
    """SYNTHETIC: white (0.5), 1/f (1.0) and Brownian (1.5) noise, 4096 samples, 5 seeds."""
    got = [dfa_alpha(synthetic_noise(4096, beta, np.random.default_rng(s))).alpha_ for s in range(5)]
    assert np.mean(got) == pytest.approx(alpha, abs=0.08)
    assert np.std(got) < 0.08


def test_dfa_white_noise_from_rng_and_too_short() -> None:
    rng = np.random.default_rng(1)
    assert dfa_alpha(rng.normal(size=2048)).alpha_ == pytest.approx(0.5, abs=0.08)
    with pytest.raises(ValueError):
        dfa_alpha(rng.normal(size=20))


def test_pelt_finds_planted_mean_shifts_and_nothing_in_noise() -> None:
    """SYNTHETIC: 60 'minutes' with shifts at 20 and 45; then pure noise."""
    rng = np.random.default_rng(3)
    x = np.r_[np.zeros(20), np.full(25, 3.0), np.full(15, -1.0)] + rng.normal(0, 1, 60)
    cps = pelt(x)
    assert len(cps) == 2 and abs(cps[0] - 20) <= 2 and abs(cps[1] - 45) <= 2
    false = sum(len(pelt(np.random.default_rng(s).normal(0, 1, 60))) for s in range(20))
    assert false <= 2


def test_t_quantile() -> None:
    assert t_quantile_975(10) == pytest.approx(2.2281, abs=2e-3)
    assert t_quantile_975(30) == pytest.approx(2.0423, abs=1e-3)
    assert t_quantile_975(1e9) == pytest.approx(1.96, abs=1e-3)


def test_trend_separates_time_from_speed() -> None:
    """SYNTHETIC: runner slows over an hour; contact time rises 8 ms/h at constant speed and falls
    35 ms per m/s. The raw trend mixes both; the adjusted one recovers 8 within its CI."""
    rng = np.random.default_rng(7)
    h = np.arange(60) / 60.0
    v = 3.5 - 0.5 * h + rng.normal(0, 0.1, 60)
    y = 240 + 8.0 * h - 35.0 * (v - 3.5) + rng.normal(0, 2.0, 60)
    adj = fit_trend(h, y, v, None, 3.5)
    raw = fit_trend(h, y, None, None, None, adjust=False)
    assert adj is not None and raw is not None
    assert adj.ci95_[0] < 8.0 < adj.ci95_[1] and "speed" in adj.terms
    assert raw.slope_per_h_ > 20  # confounded by the slowing


def test_planted_drift_recovered_from_a_synthetic_fit_run(tmp_path: Path) -> None:
    """SYNTHETIC FIT: 40 min at varying speed over hills, contact time +6 ms/h at matched speed."""
    p = tmp_path / "synthetic_drift.fit"
    write_synthetic_run(p, duration_s=2400, gct_drift_ms_per_h=6.0, developer=False, seed=2)
    t = read_trial(p)
    assert t.records is not None
    table, _ = derive(t.records, t.provenance.extra["fit"]["sources"])
    res = drift_analysis(from_records(table))
    tr = res.trends["gct_ms"]["adjusted"]
    assert tr["ci95"][0] < 6.0 < tr["ci95"][1]
    assert tr["ci95"][1] - tr["ci95"][0] < 6.0
    assert "speed" in tr["terms"] and "grade" in tr["terms"]
    assert tr["coefficients"]["per_speed"] == pytest.approx(-35.0, abs=6.0)


def test_real_fenix2_run_windows_trends(shared_data: Path) -> None:
    t = read_trial(shared_data / "wearable" / "fit" / "activity-small-fenix2-run.fit")
    assert t.records is not None
    table, _ = derive(t.records, t.provenance.extra["fit"]["sources"])
    res = drift_analysis(from_records(table))
    assert res.available and res.variability is None  # records: no per-stride data, no DFA
    assert set(res.windows) == {"lap", "km", "5min"}
    assert len(res.windows["km"]) == 10 and len(res.windows["lap"]) == 4
    km = res.windows["km"]
    assert {"speed_mps", "grade_pct", "gct_ms_matched_change_pct"} <= set(km.columns)
    # contact time falls with speed in this real run, as in every running study
    assert res.trends["gct_ms"]["adjusted"]["coefficients"]["per_speed"] < 0
    for m, tr in res.trends.items():
        a = tr["adjusted"]
        assert a["ci95"][0] <= a["slope_per_h"] <= a["ci95"][1], m


def test_short_run_gets_no_drift_but_says_why(shared_data: Path) -> None:
    t = read_trial(shared_data / "wearable" / "fit" / "garmin-fenix-5-run.fit")
    assert t.records is not None
    table, _ = derive(t.records, t.provenance.extra["fit"]["sources"])
    res = drift_analysis(from_records(table))
    assert not res.available and "min" in str(res.reason)


def test_per_step_table_gives_stride_variability_and_dfa() -> None:
    """SYNTHETIC per-step table (the shape IMU analyses produce): 1200 strides per side, stride
    intervals of white noise: DFA alpha ~0.5; a 300-stride table gets no alpha, with a note."""
    rng = np.random.default_rng(5)
    n = 2400
    step_t = 0.35 + rng.normal(0, 0.006, n)
    ic = np.cumsum(step_t)
    steps = pd.DataFrame({
        "side": np.where(np.arange(n) % 2 == 0, "left", "right"),
        "ic_s": ic,
        "step_time_ms": step_t * 1000,
        "step_length_m": 1.1 + rng.normal(0, 0.02, n),
        "gct_ms": 240 + rng.normal(0, 5, n),
    })
    res = drift_analysis(from_steps(steps))
    assert res.available and res.variability is not None
    left = res.variability["sides"]["left"]
    assert left["dfa_alpha"] == pytest.approx(0.5, abs=0.12)
    assert 0.5 < left["cv_pct"] < 5
    short = drift_analysis(from_steps(steps.iloc[:600]), min_duration_s=60)
    assert short.variability is not None and short.variability["sides"]["left"]["dfa_alpha"] is None

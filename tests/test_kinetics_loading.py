"""Force metrics in body weights: synthetic force curves with known answers (labelled synthetic)
and the real treadmill recordings of RBDS001."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stridelab as sl
from stridelab.forces.grf import G, Grf
from stridelab.kinetics.loading import contact_metrics, impact_peak, loading_rate

MASS = 70.0
BW = MASS * G


def _synthetic_grf(fz_bw: np.ndarray, fx_bw: np.ndarray, rate: float) -> Grf:
    n = len(fz_bw)
    f = np.zeros((n, 3))
    f[:, 2], f[:, 0] = fz_bw * BW, fx_bw * BW
    return Grf(np.arange(n) / rate, rate, f, np.full((n, 3), np.nan), np.zeros(n))


def test_impact_peak_and_loading_rate_of_a_synthetic_rearfoot_curve() -> None:
    rate, tc = 1000.0, 0.25
    t = np.arange(0, tc, 1 / rate)
    active = 2.4 * np.sin(np.pi * t / tc)
    ramp = np.minimum(t / 0.025, 1.0) * 1.6  # 64 BW/s up to 1.6 BW at 25 ms
    fz = np.where(t <= 0.025, ramp, np.maximum(1.6 - 20 * (t - 0.025), active))
    i = impact_peak(t, fz * BW, BW)
    assert i is not None and fz[i] == pytest.approx(1.6, abs=0.01)
    avg, inst, window, ip = loading_rate(t, fz * BW, BW, i)
    assert window == "impact_peak" and ip == pytest.approx(1.6, abs=0.01)
    assert avg == pytest.approx(64.0, rel=0.02) and inst == pytest.approx(64.0, rel=0.05)


def test_loading_rate_without_impact_peak_uses_13_percent_of_stance() -> None:
    rate, tc = 2000.0, 0.24
    t = np.arange(0, tc, 1 / rate)
    fz = 2.5 * np.sin(np.pi * t / tc)  # synthetic forefoot-like curve
    assert impact_peak(t, fz * BW, BW) is None
    avg, inst, window, ip = loading_rate(t, fz * BW, BW, None)
    f_ref = 2.5 * np.sin(0.13 * np.pi)
    t20, t80 = (tc / np.pi * np.arcsin(k * f_ref / 2.5) for k in (0.2, 0.8))
    assert window == "13pct_stance" and ip is None
    assert avg == pytest.approx(0.6 * f_ref / (t80 - t20), rel=0.01)


def test_braking_and_propulsive_impulses_of_a_synthetic_step() -> None:
    rate, tc = 1000.0, 0.25
    t = np.arange(0, 0.5, 1 / rate)
    st = t < tc
    fz = np.where(st, 2.5 * np.sin(np.pi * t / tc), 0.0)
    fx = np.where(st, -0.4 * np.sin(2 * np.pi * t / tc), 0.0)  # braking then propulsion
    g = _synthetic_grf(fz, fx, rate)
    steps = pd.DataFrame({"side": ["left"], "ic_s": [0.0005], "to_s": [tc], "next_ic_s": [np.nan], "flight_ms": [np.nan]})
    r = contact_metrics(g, steps, MASS, 3.0, 0.9).iloc[0]
    expect = 0.4 * tc / np.pi  # integral of one half-sine lobe
    assert r["braking_impulse_bws"] == pytest.approx(expect, rel=0.02)
    assert r["propulsive_impulse_bws"] == pytest.approx(expect, rel=0.02)
    assert r["peak_braking_bw"] == pytest.approx(0.4, rel=0.01) and r["peak_vgrf_bw"] == pytest.approx(2.5, rel=0.01)


@pytest.mark.parametrize("files", [("RBDS001runT35.c3d", None), ("RBDS001runT25markers.txt", "RBDS001runT25forces.txt")])
def test_real_treadmill_forces(fukuchi: Path, files: tuple[str, str | None]) -> None:
    kw = {"forces": fukuchi / files[1]} if files[1] else {}
    t = sl.read(fukuchi / files[0], static=fukuchi / "RBDS001static.c3d", **kw)
    a = sl.analyze(t, sl.AnalysisOptions(height_m=1.81))
    assert a.trial.subject.mass_kg == pytest.approx(62.0, rel=0.05)  # RBDSinfo.txt: 62 kg
    assert "estimated from the mean vertical force" in a.trial.subject.sources["mass_kg"]
    assert t.subject.mass_kg is None  # the caller's trial is left as it was
    s = a.summary
    assert 2.0 < s["peak_vgrf_bw"] < 3.0
    assert s["vlr_window"] == "13pct_stance"  # this runner has no impact transient
    assert 15 < s["vlr_avg_bw_s"] < 80
    assert s["braking_impulse_bws"] == pytest.approx(s["propulsive_impulse_bws"], rel=0.15)  # steady speed
    assert 15 < s["vertical_stiffness_kn_m"] < 40 and 6 < s["leg_stiffness_kn_m"] < 15
    assert s["leg_stiffness_morin_kn_m"] == pytest.approx(s["leg_stiffness_kn_m"], rel=0.2)

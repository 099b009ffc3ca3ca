"""Predicted loading from IMUs: physics baseline, features, the real sacral reader, the shipped model, the stage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.forces.grf import G as G_KINETICS
from stridelab.learn.dataset import StepDataset
from stridelab.loading.alcantara import true_steps
from stridelab.loading.features import TIMING, feature_names, timing
from stridelab.loading.model import LinearGrf, MorinBaseline, load_shipped
from stridelab.loading.physics import curve_vlr_bw_s, morin_curve_bw, morin_peak_bw


def test_morin_peak_is_the_half_sine_whose_mean_over_the_step_is_body_weight() -> None:
    tc, tf = np.array([0.25]), np.array([0.12])
    peak = morin_peak_bw(tc, tf)
    assert peak[0] == pytest.approx(np.pi / 2 * (0.12 / 0.25 + 1))
    curve = morin_curve_bw(tc, tf, n=2001)[0]
    mean_over_step = np.trapezoid(curve, dx=0.25 / 2000) / (0.25 + 0.12)
    assert mean_over_step == pytest.approx(1.0, rel=1e-3)
    vlr = curve_vlr_bw_s(curve[None, :], tc)[0]
    assert 10 < vlr < 200


def _half_sines(n_steps: int = 8, rate: float = 500.0) -> np.ndarray:
    """A SYNTHETIC force signal: half sines of 0.25 s contact, 0.12 s flight, peak 2.5 BW."""
    t = np.arange(int(n_steps * 0.37 * rate)) / rate
    ph = (t + 0.05) % 0.37
    return np.where(ph < 0.25, 2.5 * np.sin(np.pi * ph / 0.25), 0.0)


def test_true_steps_from_force() -> None:
    st = true_steps(_half_sines())
    assert 5 <= len(st) <= 8
    assert st["peak_vgrf_bw"].to_numpy() == pytest.approx(2.5, abs=0.01)
    assert (st["to_s"] - st["ic_s"]).to_numpy() == pytest.approx(0.25, abs=0.01)
    assert st["flight_ms"].to_numpy() == pytest.approx(120, abs=10)


def test_timing_features_and_names() -> None:
    st = pd.DataFrame({"ic_s": [0.0, 0.37], "to_s": [0.25, 0.62], "flight_ms": [120.0, 120.0], "step_time_ms": [370.0, 370.0]})
    f = timing(st)
    assert list(f.columns) == list(TIMING)
    assert f["duty"].to_numpy() == pytest.approx(0.25 / 0.37)
    assert set(TIMING) <= set(feature_names("trunk")) and set(TIMING) <= set(feature_names("shank"))
    with pytest.raises(ValueError):
        feature_names("wrist")


def test_linear_model_round_trips_through_json_and_recovers_a_linear_truth() -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    y = pd.DataFrame({"peak_vgrf_bw": 2 + 0.3 * x["a"], "vlr_avg_bw_s": 60 - 5 * x["b"]})
    ds = StepDataset(x, y, np.repeat(np.arange(10), 20), curves=np.tile(np.sin(np.linspace(0, np.pi, 51)), (200, 1)))
    m = LinearGrf(0.01).fit(ds)
    back = LinearGrf.from_dict(m.to_dict())
    np.testing.assert_allclose(back.predict(ds), y.to_numpy(), atol=1e-3)
    assert back.predict_curve(ds).shape == (200, 51)
    assert MorinBaseline().predict(StepDataset(pd.DataFrame({"gct_s": [0.25], "flight_s": [0.12]}), pd.DataFrame(index=[0]), np.array(["r"]))).shape == (1, 2)


def test_shipped_models_load_offline_with_their_cards() -> None:
    from stridelab.loading.stage import _model

    shipped = load_shipped()
    assert set(shipped["models"]) == {"trunk", "shank"}
    for entry in shipped["models"].values():
        card = entry["card"]
        assert "SYNTHETIC" in card["data"]["source"]
        assert card["must_not_use_for"] and card["errors"]["peak_vgrf_bw"]["n_runners"] >= 15
        assert "leave one runner out" in card["split"]
        m = _model(entry)
        assert len(entry["feature_min"]) == len(m.features_)
    assert "real_test" in shipped["models"]["trunk"]


@pytest.fixture(scope="module")
def virtual_imu(example_dir: Path):  # type: ignore[no-untyped-def]
    import stridelab as sl
    from stridelab.synth.imu import synthesize_imu

    tr = sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    return synthesize_imu(tr, ("left_shank", "right_shank", "sacrum"), noise=1.0, mount_deg=30.0, seed=3, rate_hz=200.0)


def _analyze(v, locs, **opts):  # type: ignore[no-untyped-def]
    import stridelab as sl
    from stridelab.synth.imu import VirtualImu, to_trial

    sub = VirtualImu({k: v.sensors[k] for k in locs}, v.contacts, metadata=v.metadata)
    tr = to_trial(sub)
    if "mass_kg" in opts:
        tr.subject.mass_kg = opts["mass_kg"]
    return sl.analyze(tr, sl.AnalysisOptions(**opts))


def test_stage_adds_predicted_loading_marked_as_predicted(virtual_imu) -> None:  # type: ignore[no-untyped-def]
    a = _analyze(virtual_imu, ["sacrum", "left_shank", "right_shank"], speed_mps=3.5)
    st = a.steps
    ok = st["peak_vgrf_bw"].notna()
    assert ok.mean() > 0.8
    assert st.loc[ok, "peak_vgrf_bw"].between(1.5, 3.5).all() and st.loc[ok, "vlr_avg_bw_s"].between(10, 200).all()
    assert st.loc[ok, "loading_source"].str.startswith("predicted:stridelab-grf-shank").all()
    sec = a.to_json()["predicted_loading"]
    assert sec["predicted"] is True and sec["sensors"] == {"left": "left_shank", "right": "right_shank"}
    assert len(sec["curve"]["left"]["mean"]) == 51
    assert any("PREDICTED" in w for w in a.warnings)
    assert not any("speed" in w and "loading" in w for w in a.warnings)  # 3.5 m/s is inside the training range
    assert "peak_vgrf_n" not in st.columns  # no mass, no newtons


def test_stage_warns_outside_the_training_range_and_gives_newtons_with_mass(virtual_imu) -> None:  # type: ignore[no-untyped-def]
    a = _analyze(virtual_imu, ["sacrum"], speed_mps=6.0, mass_kg=62.0)
    st = a.steps
    assert st["loading_source"].dropna().str.startswith("predicted:stridelab-grf-trunk").all()
    assert (st["peak_vgrf_n"] / st["peak_vgrf_bw"]).dropna().to_numpy() == pytest.approx(62.0 * G_KINETICS)
    assert any("outside the loading model's training range" in w and "6.00 m/s" in w for w in a.warnings)
    a2 = _analyze(virtual_imu, ["sacrum"])
    assert any("speed unknown" in w for w in a2.warnings)


@pytest.mark.slow
def test_virtual_training_rows_pair_imu_steps_with_force(shared_data: Path) -> None:
    from stridelab.loading.virtual import trial_rows, trial_specs

    spec = next(s for s in trial_specs(shared_data) if s.runner == "RBDS001")
    rows = trial_rows(spec)
    for kind in ("trunk", "shank"):
        x, meta, y, w = rows[kind]
        assert meta["matched"].mean() > 0.9 and (meta["runner"] == "RBDS001").all()
        peak = y[meta["matched"].to_numpy(), 0]
        assert 1.8 < np.median(peak) < 3.5
        assert w.shape[0] == len(x) and w.shape[2] == 48


@pytest.mark.slow
def test_sequence_model_learns_and_stops_early_on_validation_runners() -> None:
    pytest.importorskip("torch")
    from stridelab.loading.sequence import SequenceGrf

    rng = np.random.default_rng(0)
    n = 120
    amp = rng.uniform(1.5, 3.0, n)  # SYNTHETIC: the window's amplitude is the target
    w = amp[:, None, None] * np.sin(np.linspace(0, np.pi, 48))[None, None, :] + rng.normal(0, 0.05, (n, 2, 48))
    x = pd.DataFrame({"gct_s": rng.uniform(0.2, 0.3, n), "flight_s": rng.uniform(0.08, 0.14, n)})
    y = pd.DataFrame({"peak_vgrf_bw": amp, "vlr_avg_bw_s": 30 * amp})
    ds = StepDataset(x, y, np.repeat(np.arange(12), 10), windows=w)
    tr, va = ds.subset(np.arange(100)), ds.subset(np.arange(100, 120))
    m = SequenceGrf(epochs=25, patience=4, lr=3e-3, threads=1).fit(tr, va)
    assert 1 <= m.best_epoch_ <= len(m.history_) <= 25
    err = np.sqrt(np.mean((m.predict(va)[:, 0] - va.y["peak_vgrf_bw"].to_numpy()) ** 2))
    assert err < 0.5 * float(np.std(amp))

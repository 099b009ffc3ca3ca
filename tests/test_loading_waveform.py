"""The sacral waveform model (stridelab.loading.waveform): features, the PCA ridge, and the shipped trunk model."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from stridelab.learn.dataset import StepDataset
from stridelab.learn.evaluate import cross_validate, rmse
from stridelab.learn.splits import check_disjoint
from stridelab.loading.features import TIMING, WINDOW_N
from stridelab.loading.model import load_shipped
from stridelab.loading.waveform import (
    PcaRidgeGrf,
    impulse_features,
    trunk_inputs,
    wave_names,
    waveform_features,
)

ROOT = Path(__file__).resolve().parents[1]
FR = np.linspace(-0.1, 1.1, WINDOW_N)


def _windows(peaks: np.ndarray, fwd: np.ndarray | None = None) -> np.ndarray:
    """SYNTHETIC trunk windows: a half sine of the given peak (g) over contact, 0 g in flight."""
    shape = np.where((FR >= 0) & (FR <= 1), np.sin(np.pi * np.clip(FR, 0, 1)), 0.0)
    up = peaks[:, None] * shape[None, :]
    fw = np.zeros_like(up) if fwd is None else fwd[:, None] * np.cos(np.pi * np.clip(FR, 0, 1))[None, :]
    return np.stack([up, fw], axis=1)


def test_waveform_features_resample_the_contact_to_fixed_instants() -> None:
    w = _windows(np.array([2.0, 3.0]))
    f = waveform_features(w)
    assert list(f.columns) == wave_names() and len(wave_names()) == 32
    assert f["wu_f000"].to_numpy() == pytest.approx(0.0, abs=0.02)  # IC
    assert f["wu_f100"].to_numpy() == pytest.approx(0.0, abs=0.02)  # toe-off
    mid = f[[c for c in f.columns if c.startswith("wu_")]].max(axis=1).to_numpy()
    assert mid == pytest.approx([2.0, 3.0], rel=0.02)
    with pytest.raises(ValueError):
        waveform_features(w[:, :1, :])
    with pytest.raises(ValueError):
        waveform_features(w[:, :, :20])


def test_impulse_features_of_a_perfect_sensor() -> None:
    """A SYNTHETIC sensor that reads F/BW of a Morin half sine: its gain is 1 and the rescaled peak is the peak."""
    tc, tf = 0.25, 0.12
    peak = np.pi / 2 * (tf / tc + 1)
    f = impulse_features(_windows(np.array([peak, 1.1 * peak])), np.array([tc / (tc + tf)] * 2))
    assert f["impulse_gain"].to_numpy() == pytest.approx([1.0, 1.1], rel=0.01)
    assert f["impulse_peak_bw"].to_numpy() == pytest.approx([peak, peak], rel=0.01)  # a 10 % gain error is removed


def _toy(n_runners: int = 12, per: int = 30, seed: int = 0) -> StepDataset:
    """SYNTHETIC steps: the peak force is the window's amplitude plus a runner offset the model cannot see."""
    rng = np.random.default_rng(seed)
    n = n_runners * per
    amp = rng.uniform(1.8, 3.0, n)
    fwd = rng.normal(0.3, 0.1, n)
    w = _windows(amp, fwd) + rng.normal(0, 0.02, (n, 2, WINDOW_N))
    tim = pd.DataFrame({"gct_s": rng.uniform(0.2, 0.3, n), "flight_s": rng.uniform(0.05, 0.15, n)})
    tim["step_s"] = tim["gct_s"] + tim["flight_s"]
    tim["duty"] = tim["gct_s"] / tim["step_s"]
    tim["morin_peak_bw"] = np.pi / 2 * (tim["flight_s"] / tim["gct_s"] + 1)
    groups = np.repeat([f"R{i:02d}" for i in range(n_runners)], per)
    offset = np.repeat(rng.normal(0, 0.1, n_runners), per)
    y = pd.DataFrame({"peak_vgrf_bw": amp + offset, "vlr_avg_bw_s": 30 * amp})
    curves = (amp + offset)[:, None] * np.sin(np.linspace(0, np.pi, 51))[None, :]
    return StepDataset(trunk_inputs(tim, w), y, groups, windows=w, curves=curves)


def test_pca_ridge_learns_the_waveform_and_round_trips_through_json() -> None:
    ds = _toy()
    m = PcaRidgeGrf(n_pc=4, alpha=1.0).fit(ds)
    assert m.components_.shape == (4, 32) and m.explained_[0] > 0.5
    p = m.predict(ds)
    assert rmse(ds.y["peak_vgrf_bw"].to_numpy(), p[:, 0]) < 0.15
    back = PcaRidgeGrf.from_dict(m.to_dict())
    np.testing.assert_allclose(back.predict(ds), p, rtol=1e-10)
    np.testing.assert_allclose(back.predict_curve(ds), m.predict_curve(ds), rtol=1e-10)
    assert back.predict_curve(ds).shape == (len(ds), 51)
    assert m.features_ == list(TIMING) + wave_names()


def test_pca_ridge_cross_validation_never_sees_a_test_runner_and_reports_the_test_error() -> None:
    """Out-of-fold predictions equal a refit without the test runner; the training error is lower, and is not what is reported."""
    ds = _toy()
    res = cross_validate(ds, lambda p: PcaRidgeGrf(**p), [{"n_pc": 2, "alpha": 10.0}, {"n_pc": 6, "alpha": 1.0}], n_splits=4, seed=3)
    for (train, test), params in zip(res.folds, res.params_, strict=True):
        check_disjoint(ds.groups, train, test)
        again = PcaRidgeGrf(**params).fit(ds.subset(train)).predict(ds.subset(test))
        np.testing.assert_allclose(res.pred[test], again, rtol=1e-9)
    test_err = res.rmse("peak_vgrf_bw")
    assert test_err == pytest.approx(rmse(ds.y["peak_vgrf_bw"].to_numpy(), res.pred[:, 0]))
    assert np.mean(res.train_rmse_) < test_err  # the runner offsets are learnable only on training runners


def test_target_split_takes_the_loading_rate_from_the_second_model() -> None:
    from stridelab.loading.model import LinearGrf, TargetSplitGrf
    from stridelab.loading.stage import _model

    ds = _toy()
    a = PcaRidgeGrf(n_pc=4, alpha=1.0).fit(ds)
    b = LinearGrf(10.0, list(TIMING)).fit(ds)
    m = TargetSplitGrf(a, b)
    p = m.predict(ds)
    np.testing.assert_allclose(p[:, 0], a.predict(ds)[:, 0])
    np.testing.assert_allclose(p[:, 1], b.predict(ds)[:, 1])
    np.testing.assert_allclose(m.predict_curve(ds), a.predict_curve(ds))
    assert m.features_ == a.features_
    back = _model({"method": "pca_ridge", "model": a.to_dict(), "vlr_model": {"model": b.to_dict()}})
    np.testing.assert_allclose(back.predict(ds), p, rtol=1e-10)


def test_shipped_trunk_model_is_the_waveform_model_with_its_card() -> None:
    from stridelab.loading.model import LinearGrf, TargetSplitGrf
    from stridelab.loading.stage import _model

    entry = load_shipped()["models"]["trunk"]
    assert entry["method"] == "pca_ridge"
    m = _model(entry)
    assert len(entry["feature_min"]) == len(m.features_)
    peak = m.peak_model if isinstance(m, TargetSplitGrf) else m
    assert isinstance(peak, PcaRidgeGrf)
    if isinstance(m, TargetSplitGrf):  # loading rate from a simpler ridge, not worse for it (validation/loading_sacrum.py)
        assert isinstance(m.vlr_model, LinearGrf) and set(m.vlr_model.features_) <= set(TIMING)
    card = entry["card"]
    assert "SYNTHETIC" in card["data"]["source"] and "leave one runner out" in card["split"]
    assert card["errors"]["peak_vgrf_bw"]["n_runners"] == 20
    assert card["errors"]["peak_vgrf_bw"]["rmse"] <= 0.15
    assert set(card["errors"]["vlr_avg_bw_s"]["by_strike"]) == {"rearfoot", "non-rearfoot"}
    # the reported error is the test-runner error, not the (lower) training error of the final model
    assert entry["train_peak_rmse"] < card["errors"]["peak_vgrf_bw"]["rmse"]
    before = card["comparison"]["ridge timing (shipped before)"]
    assert entry["real_test"]["peak_vgrf_bw"]["rmse"] <= before["real_end_to_end_peak_rmse"]


def _validation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("loading_sacrum", ROOT / "validation" / "loading_sacrum.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_shipped_trunk_model_reproduces_its_real_sensor_figures(shared_data: Path) -> None:
    """REAL sacral set: the shipped model's predictions give the card's errors, force-timed and end to end."""
    from stridelab.loading.stage import _model

    val = _validation()
    entry = load_shipped()["models"]["trunk"]
    m = _model(entry)
    for key, timed in (("real_test_force_timed", "force"), ("real_test", "sensor")):
        tab = val.real_table(timed)
        got = val.real_errors(m, m.features_, tab)
        for t in ("peak_vgrf_bw", "vlr_avg_bw_s"):
            assert got[t]["n_steps"] == entry[key][t]["n_steps"]
            assert got[t]["rmse"] == pytest.approx(entry[key][t]["rmse"], rel=1e-6)


@pytest.mark.slow
def test_shipped_trunk_model_reproduces_its_virtual_figures(shared_data: Path) -> None:
    """SYNTHETIC virtual sacrum: the shipped model's training error, and the leave-one-runner-out error of its recipe."""
    from stridelab.loading.stage import _model

    val = _validation()
    entry = load_shipped()["models"]["trunk"]
    m = _model(entry)
    m = getattr(m, "peak_model", m)  # the peak force model
    ds, _ = val.virtual_sacrum()
    d = StepDataset(ds.X[m.features_], ds.y, ds.groups, ds.meta, None, ds.curves)
    assert rmse(d.y["peak_vgrf_bw"].to_numpy(), m.predict(d)[:, 0]) == pytest.approx(entry["train_peak_rmse"], rel=1e-6)
    lo = cross_validate(d, lambda p: PcaRidgeGrf(other=m.other, **p), val.PCA_GRID, n_splits=None, seed=1)
    assert lo.rmse("peak_vgrf_bw") == pytest.approx(entry["card"]["errors"]["peak_vgrf_bw"]["rmse"], rel=1e-6)
    refit = PcaRidgeGrf(other=m.other, **val._mode(lo.params_)).fit(d)
    np.testing.assert_allclose(refit.predict(d), m.predict(d), rtol=1e-6)
    vlr = entry["card"]["errors"]["vlr_avg_bw_s"]["rmse"]
    if entry.get("vlr_model"):  # the loading rate's model: its own leave-one-runner-out error is the card's, and not above the peak model's
        from stridelab.loading.model import LinearGrf

        dt = StepDataset(ds.X[list(TIMING)], ds.y, ds.groups, ds.meta, None, ds.curves)
        lv = cross_validate(dt, lambda p: LinearGrf(p["alpha"], list(TIMING)), [{"alpha": a} for a in val.ALPHAS], n_splits=None, seed=1)
        assert lv.rmse("vlr_avg_bw_s") == pytest.approx(vlr, rel=1e-6)
        assert vlr <= lo.rmse("vlr_avg_bw_s")
    else:
        assert lo.rmse("vlr_avg_bw_s") == pytest.approx(vlr, rel=1e-6)


def test_stage_warns_when_the_sacral_sensor_has_an_offset(example_dir: Path) -> None:
    """Virtual sensors (SYNTHETIC) of the bundled real trial: the sacrum as made (0.98 g), and with a +0.15 g offset."""
    import stridelab as sl
    from stridelab.model.trial import ImuData
    from stridelab.synth.imu import synthesize_imu, to_trial

    tr = sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    v = synthesize_imu(tr, ("sacrum",), noise=1.0, mount_deg=30.0, seed=5, rate_hz=200.0)
    clean = sl.analyze(to_trial(v), sl.AnalysisOptions(speed_mps=3.5))
    assert clean.steps["loading_source"].dropna().str.contains("pca-ridge").all()
    assert not any("mean specific force" in w for w in clean.warnings)
    s = v.sensors["sacrum"]
    up = np.nanmean(s.acc_mps2, axis=0)
    shifted = to_trial(v)
    shifted.imu["sacrum"] = ImuData("sacrum", s.rate_hz, s.time_s, s.acc_mps2 + 0.15 * 9.80665 * up / np.linalg.norm(up), s.gyr_radps)
    off = sl.analyze(shifted, sl.AnalysisOptions(speed_mps=3.5))
    assert any("sacrum: its mean specific force over the recording is 1.13 g" in w for w in off.warnings)

"""Sparse-group lasso, runner-wise cross-validation without leakage, stability selection."""

from __future__ import annotations

import numpy as np
import pytest

from _skill_toy import toy_population
from stridelab.skill import learn
from stridelab.skill.features import FeatureExtractor, runner_data
from stridelab.skill.learn import DesignCache, LearnConfig, cross_validate
from stridelab.skill.sgl import _prox, lambda_max, sgl_solve
from stridelab.skill.stability import stability_selection

ANG = ["hip_flexion", "knee_flexion", "ankle_dorsiflexion", "hip_adduction"]


def test_sgl_orthonormal_design_is_the_proximal_operator() -> None:
    rng = np.random.default_rng(0)
    c = rng.normal(size=9)
    gidx = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    onehot = np.eye(3)[gidx]
    for alpha in (0.0, 0.5, 1.0):
        lam = 0.4
        b = sgl_solve(np.eye(9), c, gidx, lam, alpha, tol=1e-10, max_iter=5000)
        expected = _prox(c[None], np.array(alpha * lam), (1 - alpha) * lam * np.sqrt(3.0) * np.ones(3), onehot)[0]
        np.testing.assert_allclose(b, expected, atol=1e-8)


def test_sgl_optimality_and_lambda_max() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 8))
    y = x[:, 0] - 0.5 * x[:, 4] + rng.normal(0, 0.5, 60)
    x = (x - x.mean(0)) / x.std(0)
    y = y - y.mean()
    g, c = x.T @ x / 60, x.T @ y / 60
    gidx = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    lmax = lambda_max(c, gidx, 0.5)
    assert not np.any(sgl_solve(g, c, gidx, lmax * 1.001, 0.5))
    assert np.any(sgl_solve(g, c, gidx, lmax * 0.95, 0.5))
    lam = 0.2 * lmax
    b = sgl_solve(g, c, gidx, lam, 0.5, tol=1e-10, max_iter=20000)

    def obj(beta: np.ndarray) -> float:
        pen = sum(np.sqrt(2) * np.linalg.norm(beta[gidx == k]) for k in range(4))
        return 0.5 * beta @ g @ beta - c @ beta + lam * (0.5 * pen + 0.5 * np.abs(beta).sum())

    for _ in range(50):
        assert obj(b) <= obj(b + rng.normal(0, 0.01, 8)) + 1e-12


def test_cross_validation_never_lets_a_held_out_runner_into_a_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    pop, _ = toy_population(n=40)
    data = runner_data(pop, ANG)
    y = pop.target("pace")
    calls: list[tuple[set[int], set[int], set[str]]] = []
    real_fit = FeatureExtractor.fit

    def spy_make(d, train, test, cfg, components=None):  # type: ignore[no-untyped-def]
        seen: list[set[str]] = []

        def spy_fit(self, dd):  # type: ignore[no-untyped-def]
            seen.append(set(dd.ids))
            return real_fit(self, dd)

        monkeypatch.setattr(FeatureExtractor, "fit", spy_fit)
        out = real_make(d, train, test, cfg, components)
        monkeypatch.setattr(FeatureExtractor, "fit", real_fit)
        calls.append((set(train.tolist()), set(test.tolist()), seen[0]))
        return out

    real_make = learn.make_design
    monkeypatch.setattr(learn, "make_design", spy_make)
    cross_validate(data, y, LearnConfig(angles=ANG), n_folds=4)
    assert calls
    outer = None
    for train, test, fitted in calls:
        assert not train & test  # features, scaling and PCA fitted without the held-out runners
        assert fitted == {data.ids[i] for i in train}
        if len(test) >= 8:  # an outer fold (inner folds of ~30 training runners hold out ~6)
            outer = (train, test)
        elif outer is not None:
            assert train <= outer[0] and not train & outer[1]  # inner CV sees outer-training runners only


def _held_out_predictions_ignore_their_targets(data, y, cfg) -> bool:  # type: ignore[no-untyped-def]
    """True when changing the targets of one fold's runners leaves their out-of-fold predictions unchanged."""
    fold = learn.kfold(len(y), 5, np.random.default_rng(cfg.seed))[0]
    y2 = y.copy()
    y2[fold] = np.random.default_rng(9).normal(10.0, 5.0, len(fold))  # extreme, unrelated targets
    a = cross_validate(data, y, cfg, n_folds=5).predictions[0, fold]
    b = cross_validate(data, y2, cfg, n_folds=5).predictions[0, fold]
    return bool(np.allclose(a, b, atol=1e-9))


@pytest.mark.slow
def test_held_out_targets_never_reach_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any step fitted with the held-out runners' targets (selection, lambda, scaling) would fail this."""
    pop, _ = toy_population(n=50, seed=3)
    data = runner_data(pop, ANG)
    y = pop.target("pace")
    cfg = LearnConfig(angles=ANG)
    assert _held_out_predictions_ignore_their_targets(data, y, cfg)
    # the same check catches a pipeline that leaks (here: fits on training + held-out runners)
    real = learn.fit_pipelines

    def leaky(data, y, train, cfg, test=None, cache=None, rng=None):  # type: ignore[no-untyped-def]
        both = np.union1d(train, test) if test is not None else train
        pipes = real(data, y, both, cfg, test=None, cache=None, rng=rng)
        for p in pipes:
            p.design = learn.make_design(data, both, test, cfg, p.design.extractor.components_)
        return pipes

    monkeypatch.setattr(learn, "fit_pipelines", leaky)
    assert not _held_out_predictions_ignore_their_targets(data, y, cfg)


@pytest.mark.slow
def test_planted_groups_are_found_and_null_groups_are_not() -> None:
    pop, truth = toy_population(n=200, seed=7)
    data = runner_data(pop, ANG)
    y = pop.target("pace")
    cfg = LearnConfig(angles=ANG, alpha=0.9)
    cache = DesignCache()
    cv = cross_validate(data, y, cfg, n_folds=5, cache=cache)
    assert cv.r > 0.4
    st = stability_selection(data, y, cfg, n_pairs=10, ev=4.0, cache=cache)
    assert set(truth["planted_groups"]) <= set(st.stable_groups)
    assert "hip and pelvis" not in st.stable_groups and "stability" not in st.stable_groups

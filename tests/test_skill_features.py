"""Features (offset invariance, timings, fPCA) and data-quality checks."""

from __future__ import annotations

import numpy as np
import pytest

from _skill_toy import toy_source
from stridelab.skill.features import FeatureExtractor, runner_data
from stridelab.skill.fpca import FPCA
from stridelab.skill.population import Population
from stridelab.skill.quality import check_population
from stridelab.skill.synthetic import _shift_curves

ANG = ["hip_flexion", "knee_flexion", "ankle_dorsiflexion", "hip_adduction"]


def test_features_do_not_depend_on_constant_offsets() -> None:
    pop = toy_source()
    shifted = Population(
        "shifted", [r.with_curves({a: {s: v + 7.5 for s, v in per.items()} for a, per in r.curves.items()}) for r in pop.runners]
    )
    d0, d1 = runner_data(pop, ANG), runner_data(shifted, ANG)
    ex = FeatureExtractor(ANG).fit(d0)
    np.testing.assert_allclose(ex.transform(d0), ex.transform(d1), atol=1e-9)
    ex2 = FeatureExtractor(ANG).fit(d1)  # fitted on offset data: same features
    np.testing.assert_allclose(ex.transform(d0), ex2.transform(d1), atol=1e-9)


def test_timing_feature_follows_a_time_shift_across_the_cycle_end() -> None:
    pop = toy_source()
    d = runner_data(pop, ANG)
    ex = FeatureExtractor(ANG).fit(d)
    j = ex.names_.index("ankle_dorsiflexion.shift_pct")
    x0 = ex.transform(d)
    for shift in (3.0, -7.5, 46.0):  # later, earlier, and most of the way round the cycle
        d2 = runner_data(pop, ANG)
        d2.curves["ankle_dorsiflexion"] = _shift_curves(d2.curves["ankle_dorsiflexion"], np.full(len(d2), shift))
        x1 = ex.transform(d2)
        np.testing.assert_allclose(x1[:, j] - x0[:, j], shift, atol=0.4)  # linear interpolation of the shift smooths a little
    assert np.all(np.abs(x0[:, j]) < 5)  # the toy runners differ by about 2 % of the stride


def test_peak_prominence_sees_a_local_change_of_the_peak_not_a_broad_one() -> None:
    pop = toy_source()
    d = runner_data(pop, ANG)
    ex = FeatureExtractor(ANG).fit(d)
    j = ex.names_.index("knee_flexion.max_prom_deg")
    x0 = ex.transform(d)
    c = d.curves["knee_flexion"]
    t = np.arange(101)
    peak = c[:, :100].argmax(axis=1)
    d.curves["knee_flexion"] = c + 5.0 * np.exp(-0.5 * ((t[None, :] - peak[:, None]) / 3.0) ** 2)  # +5 deg at the peak only
    np.testing.assert_allclose(ex.transform(d)[:, j] - x0[:, j], 5.0 * (1 - np.exp(-0.5 * (10 / 3.0) ** 2)), atol=0.05)
    d.curves["knee_flexion"] = c + 4.0  # a constant offset: no change
    np.testing.assert_allclose(ex.transform(d)[:, j], x0[:, j], atol=1e-9)


def test_number_of_components_explains_the_variance_and_can_be_fixed() -> None:
    rng = np.random.default_rng(0)
    t = np.linspace(0, 2 * np.pi, 101)
    scores = rng.normal(size=(60, 2)) * [10.0, 4.0]
    curves = 20 + scores[:, :1] * np.sin(t) + scores[:, 1:] * np.cos(2 * t) + rng.normal(0, 0.05, (60, 101))
    pop = Population.from_curves({f"SYN{i}": {"knee_flexion": {"right": curves[i][None, :]}} for i in range(60)}, name="synthetic")
    d = runner_data(pop, ["knee_flexion"])
    ex = FeatureExtractor(["knee_flexion"], fpc_variance=0.99).fit(d)
    assert ex.components_ == {"knee_flexion": 2}
    assert ex.names_[:3] == ["knee_flexion.pc1", "knee_flexion.pc2", "knee_flexion.rom_deg"]
    fixed = FeatureExtractor(["knee_flexion"], components={"knee_flexion": 5}).fit(d)
    assert fixed.components_ == {"knee_flexion": 5} and fixed.transform(d).shape[1] == len(fixed.names_)
    again = FeatureExtractor.from_dict(ex.to_dict())
    np.testing.assert_allclose(again.transform(d), ex.transform(d), atol=1e-5)


def test_fpca_reconstructs_rank_k_curves() -> None:
    rng = np.random.default_rng(0)
    basis = np.stack([np.sin(np.linspace(0, 2 * np.pi * (k + 1), 101)) for k in range(3)])
    x = rng.normal(size=(40, 3)) @ basis + 5
    f = FPCA(3).fit(x)
    np.testing.assert_allclose(f.inverse(f.transform(x)), x, atol=1e-8)
    assert f.explained_ratio_.sum() == pytest.approx(1.0)


def test_quality_interpolates_short_gaps_and_drops_outliers() -> None:
    pop = toy_source(n_runners=3, n_strides=12)
    r = pop.runners[0]
    k = r.curves["knee_flexion"]["right"]
    k[0, 40:43] = np.nan  # short gap: interpolated
    k[1, 0:3] = np.nan  # gap at the start: stride dropped
    k[2] += 40 * np.sin(np.linspace(0, 6 * np.pi, 101))  # outlier stride
    pop.runners[1] = pop.runners[1].with_curves({a: {"right": v["right"][:3]} for a, v in pop.runners[1].curves.items()})
    clean, rep = check_population(pop)
    assert rep.strides_interpolated == 1 and rep.strides_dropped_gap == 1 and rep.strides_dropped_outlier >= 1
    assert pop.runners[1].id in rep.runners_excluded
    assert clean.runner(r.id).n_strides() <= 10
    assert np.isfinite(clean.runner(r.id).curves["knee_flexion"]["right"]).all()


def test_runner_data_uses_the_other_side_with_a_warning() -> None:
    pop = toy_source(n_runners=2)
    r = pop.runners[0]
    pop.runners[0] = r.with_curves({**r.curves, "knee_flexion": {"left": r.curves["knee_flexion"]["right"]}})
    d = runner_data(pop, ANG)
    assert any("left side" in w for w in d.warnings[0])


def test_quality_checks_each_side_with_its_own_strides() -> None:
    """Recordings give the two sides different numbers of strides: both sides are checked and kept."""
    pop = toy_source(n_runners=2, n_strides=12)
    r = pop.runners[0]
    right_only, _ = check_population(pop.subset([r.id]), min_strides=5)
    n_right = right_only.runners[0].curves["knee_flexion"]["right"].shape[0]
    both = {a: {"right": v["right"], "left": v["right"][:9] + 1.0} for a, v in r.curves.items()}
    both["knee_flexion"]["left"][2, 50:] += 30.0  # a jump of 30 deg within 1 % of the stride: a left stride dropped
    pop.runners[0] = r.with_curves(both)
    clean, rep = check_population(pop, min_strides=5)
    c = clean.runner(r.id).curves
    assert c["knee_flexion"]["right"].shape[0] == n_right  # the right side is checked as before
    assert c["hip_flexion"]["left"].shape[0] == c["knee_flexion"]["left"].shape[0] <= 8  # a left stride goes for every angle
    assert rep.strides_dropped_implausible == 1


def test_scoring_applies_the_quality_checks_with_a_warning() -> None:
    from _skill_toy import toy_population
    from stridelab.skill.fit import FitOptions, fit_model
    from stridelab.skill.population import Population
    from stridelab.skill.score import clean_for_scoring, score_population

    pop, _ = toy_population(n=40, seed=5, n_strides=12)
    model = fit_model(pop, FitOptions(n_permutations=0, n_repeats=1, n_pairs=3, n_boot=10, learning_fractions=()))
    r = pop.runners[0]
    kept = check_population(Population("one", [r]), min_strides=2)[0].runners[0].curves["hip_flexion"]["right"]
    k = next(i for i, row in enumerate(r.curves["hip_flexion"]["right"]) if any(np.array_equal(row, q) for q in kept))
    bad = {a: {"right": v["right"].copy()} for a, v in r.curves.items()}
    bad["hip_flexion"]["right"][k, 30:] += 40.0  # a Cardan flip in a stride that passed the checks
    cleaned, warns = clean_for_scoring(model, Population("one", [r.with_curves(bad)]))
    assert not any(np.array_equal(row, bad["hip_flexion"]["right"][k]) for row in cleaned.runners[0].curves["hip_flexion"]["right"])
    assert any("right strides left out by the quality checks" in w for w in warns[r.id])
    clean = score_population(model, Population("one", [r]))[0]
    flipped = score_population(model, Population("one", [r.with_curves(bad)]))[0]
    assert any("left out by the quality checks" in w for w in flipped["warnings"])
    assert flipped["skill_value"] == pytest.approx(clean["skill_value"], abs=15)

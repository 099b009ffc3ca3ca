"""The SYNTHETIC population generator: labels, sizes, effects planted in curve space."""

from __future__ import annotations

import numpy as np
import pytest

from _skill_toy import BASE, toy_source
from stridelab.skill.synthetic import PlantedEffects, SyntheticGenerator, _periodic_gp_basis, _shift_curves


def test_labelled_synthetic_and_any_size() -> None:
    gen = SyntheticGenerator().fit(toy_source(), list(BASE))
    pop, truth = gen.sample(37, n_strides=5, seed=2)
    assert pop.synthetic and pop.name.startswith("synthetic-") and all(r.id.startswith("SYN") for r in pop.runners)
    assert any("SYNTHETIC" in n for n in pop.notes)
    assert len(pop) == 37 and pop.runners[0].curves["knee_flexion"]["right"].shape == (5, 101)
    assert truth["planted_groups"] == ["knee", "ankle and foot"]


def test_effects_are_planted_in_the_curves() -> None:
    gen = SyntheticGenerator(coupling="by_group", residual_sd_deg=0.0).fit(toy_source(), list(BASE))
    none, _ = gen.sample_means(400, PlantedEffects(knee_swing_deg=0, ankle_shift_pct=0), np.random.default_rng(0))
    eff = PlantedEffects(knee_swing_deg=5.0, ankle_shift_pct=3.0, shared_ability=True)
    m, z = gen.sample_means(400, eff, np.random.default_rng(0))
    knee = m[:, gen._slice("knee_flexion")] - none[:, gen._slice("knee_flexion")]
    t_peak = 40 + int(np.argmax(gen.mean_[gen._slice("knee_flexion")][40:]))
    np.testing.assert_allclose(knee[:, t_peak], 5.0 * z, atol=1e-9)  # +5 deg per SD at the swing peak
    ank = none[:, gen._slice("ankle_dorsiflexion")]
    np.testing.assert_allclose(m[:, gen._slice("ankle_dorsiflexion")], _shift_curves(ank, -3.0 * z), atol=1e-9)


def test_shift_is_a_circular_time_shift() -> None:
    t = np.linspace(0, 2 * np.pi, 101)
    c = np.sin(t)[None, :]
    s = _shift_curves(c, np.array([25.0]))
    np.testing.assert_allclose(s[0], np.sin(t - np.pi / 2), atol=2e-3)


def test_oracle_ceiling_is_below_rho() -> None:
    gen = SyntheticGenerator().fit(toy_source(), list(BASE))
    r = gen.oracle_r(PlantedEffects(rho=0.6), n=1500, method="linear")
    assert 0.3 < r <= 0.62


@pytest.mark.slow
def test_bayes_oracle_is_the_best_predictor() -> None:
    """The posterior mean is at least as good as the best linear predictor, never better than rho, and
    equal to it when the planted effect is linear in the curves (the knee bump alone)."""
    gen = SyntheticGenerator(coupling="by_group").fit(toy_source(), list(BASE))
    both = PlantedEffects(rho=0.8)
    bayes, linear = gen.oracle_r(both, n=1000, seed=1), gen.oracle_r(both, n=6000, seed=1, method="linear")
    assert linear - 0.03 <= bayes <= 0.8
    knee = PlantedEffects(ankle_shift_pct=0.0, rho=0.8)
    assert abs(gen.oracle_r(knee, n=1500, seed=2) - gen.oracle_r(knee, n=20000, seed=2, method="linear")) < 0.03


def test_matern_residual_varies_in_every_direction() -> None:
    """The squared-exponential residual is numerically low-rank (no natural variation in most directions
    of the curve space); the Matern 5/2 residual is not."""
    ev = {k: np.sort(np.linalg.eigvalsh(b @ b.T))[::-1] for k in ("matern52", "squared_exponential") for b in [_periodic_gp_basis(101, 8.0, k)]}
    assert ev["squared_exponential"][30] < 1e-6 < 1e-4 < ev["matern52"][30]
    assert abs(np.trace(_periodic_gp_basis(101, 8.0) @ _periodic_gp_basis(101, 8.0).T) / 101 - 1.0) < 1e-9

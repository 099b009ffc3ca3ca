"""SYNTHETIC toy populations for the skill tests (no real data needed)."""

from __future__ import annotations

import numpy as np

from stridelab.skill.population import Population
from stridelab.skill.synthetic import PlantedEffects, SyntheticGenerator

T = np.linspace(0.0, 1.0, 101)
BASE = {
    "hip_flexion": lambda a, b: 15 + 25 * np.cos(2 * np.pi * (T - 0.8 + a)) + b * np.sin(4 * np.pi * T),
    "hip_adduction": lambda a, b: 5 * np.sin(2 * np.pi * (T + a)) + b * np.sin(6 * np.pi * T),
    "knee_flexion": lambda a, b: 40 - 35 * np.cos(2 * np.pi * (T - 0.7 + a)) + 10 * np.exp(-((T - 0.15) / 0.07) ** 2) + b * np.sin(4 * np.pi * T),
    "ankle_dorsiflexion": lambda a, b: 20 * np.sin(2 * np.pi * (T + 0.1 + a)) + b * np.cos(4 * np.pi * T),
}


def toy_source(n_runners: int = 30, n_strides: int = 10, seed: int = 0) -> Population:
    """A small SYNTHETIC 'source' population of smooth curves (stands in for real strides)."""
    rng = np.random.default_rng(seed)
    curves, meta = {}, {}
    for i in range(n_runners):
        a, b = rng.normal(0, 0.02), rng.normal(0, 3)
        rid = f"TOY{i:02d}"
        curves[rid] = {
            ang: {"right": f(a, b)[None, :] + rng.normal(0, 1.5, (n_strides, 1)) + rng.normal(0, 0.8, (n_strides, 101))}
            for ang, f in BASE.items()
        }
        meta[rid] = {"speed_mps": 2.5, "pace_min_per_km": 4 + rng.normal(0, 0.3), "height_m": 1.75, "level": "Competitive"}
    return Population.from_curves(curves, meta, name="toy-synthetic", synthetic=True)


def toy_population(n: int = 120, seed: int = 1, effects: PlantedEffects | None = None, n_strides: int = 8) -> tuple[Population, dict]:
    """A SYNTHETIC population with planted knee and ankle effects, from the toy source."""
    gen = SyntheticGenerator(coupling="by_group").fit(toy_source(), list(BASE))
    return gen.sample(n, effects or PlantedEffects(knee_swing_deg=8.0, ankle_shift_pct=4.0, rho=0.8), n_strides=n_strides, seed=seed)

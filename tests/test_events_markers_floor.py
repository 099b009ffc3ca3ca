"""The floor plane of overground trials (SYNTHETIC sole-point tracks; the real case, dorn2012, is in
tests/test_validation_corpus.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from stridelab.events.markers import floor_slope


def _foot(x_rest: np.ndarray, slope: float, heights: tuple[float, ...], rng: np.random.Generator) -> SimpleNamespace:
    """Sole points that rest at ``x_rest`` on a floor rising by ``slope`` and swing (fast) in between."""
    n_rest = 20
    frames = []
    vel = []
    for x in x_rest:
        for _ in range(n_rest):
            frames.append([[x, 0.1, slope * x + h + rng.normal(0, 0.0005)] for h in heights])
            vel.append([[0.05, 0.0, 0.0]] * len(heights))
        frames.append([[x + 0.5, 0.1, slope * x + 0.2 + h] for h in heights])
        vel.append([[4.0, 0.0, 1.0]] * len(heights))
    return SimpleNamespace(pos=np.array(frames), vel=np.array(vel))


def test_tilted_runway_slope_recovered() -> None:
    rng = np.random.default_rng(1)
    feet = [_foot(np.arange(0.0, 10.0, 2.4), 0.005, (0.01, 0.03), rng), _foot(np.arange(1.2, 10.0, 2.4), 0.005, (0.02,), rng)]
    slope = floor_slope(feet)  # type: ignore[arg-type]
    assert slope is not None and abs(slope[0] - 0.005) < 0.0005 and abs(slope[1]) < 0.01


def test_treadmill_span_is_left_alone() -> None:
    rng = np.random.default_rng(2)
    feet = [_foot(np.linspace(0.0, 0.6, 6), 0.02, (0.01,), rng)]
    assert floor_slope(feet) is None  # type: ignore[arg-type]

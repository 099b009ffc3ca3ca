"""Gait-cycle normalisation and outlier rejection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.kinematics.cycles import (
    build_cycles,
    curves_json,
    normalise,
    strides_from_contacts,
    variability,
)


def test_normalise_is_exact_for_a_linear_signal() -> None:
    # synthetic: x = 2 t sampled at 100 Hz
    t = np.arange(0, 3, 0.01)
    out = normalise(t, 2 * t, np.array([0.105, 1.0]), np.array([0.905, 2.2]))
    assert out.shape == (2, 101)
    assert np.allclose(out[0], 2 * np.linspace(0.105, 0.905, 101))
    assert np.allclose(out[1], 2 * np.linspace(1.0, 2.2, 101))


def _contacts(period: float, n: int) -> pd.DataFrame:
    rows = []
    for k in range(n):
        rows.append({"side": "right" if k % 2 == 0 else "left", "ic_s": 0.1 + k * period / 2, "to_s": 0.1 + k * period / 2 + 0.25})
    return pd.DataFrame(rows)


def test_outlier_strides_are_rejected_with_a_reason() -> None:
    # synthetic: a sine over each 0.7 s stride, one stride with a spike, one contact missed
    t = np.arange(0, 20, 0.005)
    x = 30 * np.sin(2 * np.pi * (t - 0.1) / 0.7)
    c = _contacts(0.7, 50)
    spike = (t > 5.0) & (t < 5.3)
    x[spike] += 40
    c = c.drop(index=30).reset_index(drop=True)  # a right contact missed: one 1.4 s stride
    cs = build_cycles(t, {"knee_flexion": {"right": x, "left": x}}, c)
    reasons = [s.reason for s in cs.strides["right"] if not s.used]
    assert any("stride time" in r for r in reasons if r)
    assert any("knee_flexion: curve" in r for r in reasons if r)
    mean, sd, n = cs.mean_sd("knee_flexion", "right")  # type: ignore[misc]
    assert n == sum(s.used for s in cs.strides["right"]) and n >= 20
    assert np.allclose(mean, 30 * np.sin(2 * np.pi * np.linspace(0, 1, 101)), atol=0.5)
    j = curves_json(cs, ["knee_flexion"])
    assert j["plane"] == "3d" and j["knee_flexion"]["right"]["n_strides"] == n
    v = variability(cs)
    assert v["mean_sd"]["knee_flexion"]["right"] < 1.0


def test_strides_from_real_contacts(fukuchi: Path) -> None:
    import stridelab as sl

    t = sl.read(fukuchi / "RBDS001runT35.c3d")
    ev = sl.detect_contacts(t)
    st = strides_from_contacts(ev.contacts)
    for side in ("left", "right"):
        d = np.array([s.next_ic_s - s.ic_s for s in st[side]])
        assert len(d) > 35 and 0.65 < np.median(d) < 0.75  # 171 steps/min
        assert all(25 < s.stance_pct < 45 for s in st[side])

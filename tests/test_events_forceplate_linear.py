"""Force-plate interval pairing in linear time gives what the per-crossing loops gave (issue 12).

``ref_intervals`` and ``ref_match`` are the loop implementations that ``_intervals`` and
``_sensitivity_match`` replaced (each scanned every crossing / interval: quadratic in the
recording's length). Data: the bundled Fukuchi 2017 treadmill trial RBDS001 (real), and SYNTHETIC
random force-like signals for the edge cases (loaded at the start or end, spikes, no crossing).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.events.forceplate import UP, _intervals, _sensitivity_match, crossings
from stridelab.io import read_trial

RUN = Path(__file__).resolve().parents[1] / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"


def ref_intervals(fz: np.ndarray, t: np.ndarray, threshold: float) -> list[tuple[float, float, int, int]]:
    ups, downs = crossings(fz, t, threshold)
    d = np.diff((fz > threshold).astype(np.int8))
    up_i = np.flatnonzero(d == 1) + 1
    down_i = np.flatnonzero(d == -1)
    out = []
    for k, (tu, iu) in enumerate(zip(ups, up_i, strict=True)):
        later = np.flatnonzero(downs > tu)
        if later.size == 0:
            break
        j = later[0]
        if k + 1 < len(ups) and ups[k + 1] < downs[j]:
            continue
        out.append((float(tu), float(downs[j]), int(iu), int(down_i[j])))
    return out


def ref_match(sens: list[tuple[float, float, int, int]], ic: float, to: float) -> tuple[float, float]:
    s_match = [s for s in sens if s[0] < to and s[1] > ic]
    return (s_match[0][0], s_match[-1][1]) if s_match else (np.nan, np.nan)


def _check(fz: np.ndarray, t: np.ndarray, threshold: float, sensitivity: float) -> int:
    ivals = _intervals(fz, t, threshold)
    assert ivals == ref_intervals(fz, t, threshold)
    sens = _intervals(fz, t, sensitivity)
    assert sens == ref_intervals(fz, t, sensitivity)
    starts = np.array([s[0] for s in sens], dtype=float)
    ends = np.array([s[1] for s in sens], dtype=float)
    for ic, to, _, _ in ivals:
        np.testing.assert_array_equal(_sensitivity_match(starts, ends, ic, to), ref_match(sens, ic, to))
    return len(ivals)


def test_real_force_plate_intervals_equal_the_loop_version() -> None:
    tr = read_trial(RUN)
    p = tr.forceplates[0]
    fz = np.nan_to_num(p.force_n[:, UP].astype(float))
    assert _check(fz, p.time_s, 20.0, 50.0) > 50


@pytest.mark.parametrize("seed", range(20))
def test_synthetic_signals_equal_the_loop_version(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    t = np.arange(n) / 1000.0
    fz = np.repeat(rng.choice([0.0, 30.0, 45.0, 800.0], size=n // 8 + 1), 8)[:n] + rng.normal(0, 15, n)
    _check(fz, t, 20.0, 50.0)

"""``freefall_relative`` (stridelab.events.imu_sacrum): the sacral contacts do not change with the
sensor's offset or gain. A SYNTHETIC labelled trunk signal (default suite) and the REAL sacral
accelerometer of Alcantara et al. (2022) as recorded, offset-removed and gain-normalised (slow)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from stridelab.events.imu import trunk_method
from stridelab.events.imu_align import AlignedImu
from stridelab.events.imu_sacrum import sacrum_events

#: the largest change (ms) of any initial contact or toe-off allowed when the signal's offset or gain changes
TOLERANCE_MS = 1.0


def _synthetic(offset_g: float = 0.0, gain: float = 1.0, seed: int = 0) -> AlignedImu:
    """SYNTHETIC trunk sensor: 0.25-s contacts (half-sine specific force, 2.6 g peak, +-5 % from step to
    step) between 0.1-s flights clipped at 0 g, noise 0.03 g, 20 s at 200 Hz; then ``gain`` and ``offset_g``."""
    rate = 200.0
    rng = np.random.default_rng(seed)
    t = np.arange(0, 20, 1 / rate)
    ph = t % 0.35
    peak = 2.6 * (1 + 0.05 * rng.standard_normal(int(20 / 0.35) + 1))[(t // 0.35).astype(int)]
    up = np.where(ph < 0.25, peak * np.sin(np.pi * ph / 0.25), 0.0) + rng.normal(0.0, 0.03, t.size)
    acc = np.zeros((t.size, 3))
    acc[:, 2] = (gain * up + offset_g) * 9.80665
    return AlignedImu("sacrum", "trunk", None, rate, t, acc, None, np.ones(t.size, bool), np.eye(3), True)


def _max_change_ms(a: AlignedImu, b: AlignedImu, method: str) -> float:
    ea, eb = sacrum_events(a, method), sacrum_events(b, method)
    if ea.ic_s.size != eb.ic_s.size:
        return float("inf")
    return 1000 * float(max(np.max(np.abs(ea.ic_s - eb.ic_s)), np.nanmax(np.abs(ea.to_s - eb.to_s))))


@pytest.mark.parametrize(("offset_g", "gain"), [(0.2, 1.0), (-0.2, 1.0), (0.0, 1.2), (0.15, 0.85)])
def test_relative_contacts_do_not_move_with_offset_or_gain(offset_g: float, gain: float) -> None:
    base = _synthetic()
    assert sacrum_events(base, "freefall_relative").ic_s.size >= 50  # 57 steps in 20 s
    assert _max_change_ms(base, _synthetic(offset_g, gain), "freefall_relative") <= TOLERANCE_MS


def test_absolute_method_moves_with_offset() -> None:
    """The check can fail: ``freefall_springmass`` reads the peak in absolute g, so an offset moves its toe-offs."""
    assert _max_change_ms(_synthetic(), _synthetic(0.2), "freefall_springmass") > 5 * TOLERANCE_MS


_SPEC = importlib.util.spec_from_file_location("sacral_grf", Path(__file__).resolve().parents[1] / "validation" / "sacral_grf.py")
assert _SPEC is not None and _SPEC.loader is not None
sacral = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(sacral)


@pytest.mark.slow
def test_real_sacrum_relative_across_calibration_states(shared_data: Path) -> None:
    folder = shared_data / "wearable" / "sacral_grf"
    if not folder.is_dir():
        pytest.skip("wearable/sacral_grf is not in the real data folder")
    sacral.DATA = folder
    v, ap, grf, info = sacral.load()
    errs: dict[str, list[np.ndarray]] = {"raw": [], "offset": [], "gain": []}
    found = n_ref = 0
    worst = 0.0
    for i in range(len(info)):
        a = np.column_stack([ap[i], np.zeros(v[i].size), v[i]]).astype(float)
        m = a.mean(0)
        states = {"raw": a, "offset": a - m + m / np.linalg.norm(m), "gain": a / np.linalg.norm(m)}
        ref = sacral.reference(grf[i])
        als = {k: sacral.analyze_aligned(x[:, 2], x[:, 0], i) for k, x in states.items()}
        for k, al in als.items():
            assert trunk_method(al) == "freefall_relative", k  # the default's choice does not move either
            ev = sacrum_events(al, "freefall_relative")
            sc = sacral.score(ref, ev.ic_s, ev.to_s)
            errs[k].append(sc["gct_err_ms"].to_numpy(float))
            if k == "raw":
                found += len(sc)
                n_ref += len(ref)
        worst = max(worst, _max_change_ms(als["raw"], als["offset"], "freefall_relative"), _max_change_ms(als["raw"], als["gain"], "freefall_relative"))
    assert found / n_ref >= 0.95  # measured 98.5 %
    assert worst <= TOLERANCE_MS
    for k, e in errs.items():
        x = np.concatenate(e)
        assert float(np.sqrt(np.nanmean(x**2))) < 18.0, k  # measured 15.8 ms in each state

"""The toe-off rules of stridelab.events.toe_off: SYNTHETIC signals with a known event (labelled),
and one real trial (slow) against its force plate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.events import toe_off as tof

RATE_HZ = 150.0


def _t(duration_s: float = 0.6) -> np.ndarray:
    return np.arange(0.0, duration_s, 1.0 / RATE_HZ)


def test_velocity_crossing_on_a_synthetic_lifting_toe() -> None:
    # SYNTHETIC: a toe at rest until t0, then rising with constant upward acceleration a:
    # v = a (t - t0) crosses T at t0 + T / a exactly.
    t = _t()
    t0, a = 0.3037, 40.0
    z = np.where(t < t0, 0.0, 0.5 * a * (t - t0) ** 2)
    vz = tof.derivative(t, z)
    for thr in (0.2, 0.5, 1.0):
        got = tof.velocity_crossing(t, vz, 10, len(t) - 1, thr)
        assert got == pytest.approx(t0 + thr / a, abs=0.5 / RATE_HZ)


def test_velocity_crossing_needs_the_signal_below_the_threshold_first() -> None:
    t = _t()
    vz = np.full_like(t, 2.0)  # SYNTHETIC: already moving up in the whole window
    assert np.isnan(tof.velocity_crossing(t, vz, 0, len(t) - 1, 0.5))


def test_peak_acceleration_is_interpolated_between_frames() -> None:
    # SYNTHETIC: an acceleration bump (Gaussian, 8 ms wide) centred between two frames
    t = _t()
    tp = 0.41234
    acc = 300.0 * np.exp(-0.5 * ((t - tp) / 0.008) ** 2)
    assert tof.peak_time(t, acc, 5, len(t) - 5) == pytest.approx(tp, abs=0.001)


def test_most_posterior_position_and_edges() -> None:
    # SYNTHETIC: foot-to-pelvis forward distance, a parabola with its minimum at tm (Zeni 2008)
    t = _t()
    tm = 0.2519
    x = 0.4 * ((t - tm) / 0.1) ** 2 - 0.3
    assert tof.peak_time(t, x, 0, len(t) - 1, largest=False) == pytest.approx(tm, abs=0.001)
    # a window that ends before the minimum has no event in it (the edge is not a peak)
    assert np.isnan(tof.peak_time(t, x, 0, int(0.2 * RATE_HZ), largest=False))


def test_lowpass_keeps_slow_motion_and_gaps() -> None:
    t = _t(2.0)
    x = np.sin(2 * np.pi * 2.0 * t)  # SYNTHETIC: 2 Hz, far below a 20 Hz cutoff
    x[100:104] = np.nan
    y = tof.lowpass(t, x, 20.0)
    assert np.isnan(y[100:104]).all()
    ok = np.isfinite(x)
    assert np.max(np.abs(y[ok] - x[ok])[20:-20]) < 0.01
    assert np.array_equal(tof.lowpass(t, x, 100.0), x, equal_nan=True)  # above Nyquist: unchanged


@pytest.mark.slow
def test_velocity_rule_is_early_on_fukuchi_forefoot_markers(fukuchi: Path) -> None:
    """Real data (RBDS001, 3.5 m/s, forefoot striker): the forefoot marker's upward velocity passes
    0.5 m/s before the plate's toe-off (the shoe's MT markers rise as the foot rolls over the toes),
    which is why the velocity rule is not used for this lab (docs/validation.md)."""
    import stridelab as sl
    from stridelab.events.foot_model import build_foot_model
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.kinematics.virtual import prepare_markers
    from stridelab.model.axes import UP

    tr = sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d")
    prepare_markers(tr)
    ref = detect_force_contacts(tr).contacts
    mk = tr.markers
    assert mk is not None
    t = mk.time_s
    model, _ = build_foot_model(tr, "right")
    assert model is not None and model.foot_length_m
    pos = model.positions(mk)
    fore = np.flatnonzero(model.forward_m > 0.5 * model.foot_length_m)
    front = int(fore[np.argmax(model.forward_m[fore])])
    vz = tof.derivative(t, tof.lowpass(t, pos[:, front, UP], 20.0))
    errs = []
    for r in ref[ref["side"] == "right"].itertuples():
        a = int(np.searchsorted(t, r.ic_s + 0.5 * (r.to_s - r.ic_s)))
        b = int(np.searchsorted(t, r.to_s + 0.1))
        errs.append((tof.velocity_crossing(t, vz, a, b, 0.5) - r.to_s) * 1000.0)
    e = np.asarray(errs)
    assert np.isfinite(e).mean() > 0.95
    assert -25.0 < np.nanmedian(e) < -2.0

"""The heel-impact initial contact (stridelab.events.heel_impact): SYNTHETIC heels with a known
impact (labelled), the detector on a SYNTHETIC rearfoot landing whose heel sinks after touchdown,
and one real runner (slow) whose heel sinks (RBDS024)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.events.heel_impact import DEFAULT_OFFSET_MS, heel_acceleration, heel_marker, impact_time
from stridelab.events.markers import detect_marker_contacts
from stridelab.model.trial import MarkerData, Trial


def _heel(rate_hz: float, t_impact: float, duration_s: float = 1.0) -> MarkerData:
    """SYNTHETIC heel marker coming down at 0.4 m/s and stopped by a smooth deceleration (a
    logistic velocity step, 4 ms time constant) centred on ``t_impact``: the deceleration peaks
    exactly there."""
    t = np.arange(0.0, duration_s, 1.0 / rate_hz)
    tau = 0.004
    # velocity -0.4 * (1 - logistic(u)): its integral is a softplus; flat at 0.05 m after the impact
    u = (t - t_impact) / tau
    z = 0.05 + 0.4 * tau * np.logaddexp(0.0, -u)
    pos = np.zeros((t.size, 2, 3))
    pos[:, 0, 2] = z
    pos[:, 1, 2] = z + 0.02
    names = ["r_heel_bottom", "r_heel_top"]
    return MarkerData(pos, names, list(names), rate_hz, t)


@pytest.mark.parametrize("rate_hz", [150.0, 240.0, 100.0])
def test_impact_time_finds_a_synthetic_impact_between_frames(rate_hz: float) -> None:
    t_imp = 0.50123
    mk = _heel(rate_hz, t_imp)
    acc = heel_acceleration(mk, "r_heel_bottom")
    assert acc is not None
    # the clearance rule's initial contact may come from ~10 ms before to ~35 ms after the impact
    for ic_guess in (t_imp - 0.004, t_imp + 0.01, t_imp + 0.025):
        assert impact_time(mk.time_s, acc, ic_guess, offset_ms=0.0) == pytest.approx(t_imp, abs=0.1 / rate_hz + 0.0005)
    assert impact_time(mk.time_s, acc, t_imp, offset_ms=3.9) == pytest.approx(t_imp - 0.0039, abs=0.1 / rate_hz + 0.0005)


def test_no_peak_in_the_window_gives_nan() -> None:
    mk = _heel(150.0, 0.5)
    acc = heel_acceleration(mk, "r_heel_bottom")
    assert acc is not None
    # a window that ends while the heel is still being decelerated harder and harder (its largest
    # value on the edge): no peak
    assert np.isnan(impact_time(mk.time_s, acc, 0.5 - 0.021))
    assert np.isfinite(impact_time(mk.time_s, acc, 0.5 - 0.005))


def test_too_slow_a_camera_has_no_impact_peak() -> None:
    # below 100 Hz the rule is not used (clearance rule kept)
    assert heel_acceleration(_heel(75.0, 0.5), "r_heel_bottom") is None
    assert heel_acceleration(_heel(100.0, 0.5), "r_heel_bottom") is not None


def test_posterior_heel_marker_is_preferred() -> None:
    mk = _heel(150.0, 0.5)
    assert heel_marker(mk, "right") == "r_heel_bottom"
    assert heel_marker(mk, "left") is None


def sinking_heel_trial(sink_m: float, rate_hz: float = 150.0, cycle_s: float = 0.7, stance: float = 0.35, belt_mps: float = 3.0) -> tuple[Trial, np.ndarray]:
    """SYNTHETIC treadmill trial of a rearfoot striker: each foot lands heel first (the forefoot is
    20 mm higher at touchdown and comes down over 40 ms), and after touchdown the heel marker keeps
    sinking by ``sink_m`` (exponentially, 12 ms time constant) as a compressing heel pad and midsole
    would let it. Returns the trial and the true touchdown times of the right foot."""
    t = np.arange(int(6.0 * rate_hz)) / rate_hz
    shape = {"heel_bottom": (0.0, 0.0, 0.035), "heel_lat": (0.03, -0.03, 0.045), "mt1": (0.19, 0.035, 0.03), "mt5": (0.165, -0.04, 0.025), "toe": (0.26, 0.01, 0.025)}
    names, cols = [], []
    true_ic = np.zeros(0)
    for side, offset, lat in (("left", 0.0, 0.1), ("right", 0.5, -0.1)):
        ph = (t / cycle_s + offset) % 1.0
        on = ph < stance
        s = np.where(on, ph / stance, (ph - stance) / (1 - stance))
        stride = belt_mps * cycle_s * stance
        x = np.where(on, stride / 2 - stride * s, -stride / 2 + stride * (1 - np.cos(np.pi * s)) / 2)
        z = np.where(on, 0.0, 0.12 * np.sin(np.pi * s))
        since = np.where(on, ph * cycle_s, np.nan)  # time since touchdown during stance
        until = np.where(~on, (1 - ph) * cycle_s, np.nan)  # time to the next touchdown in swing
        with np.errstate(invalid="ignore"):
            fore_lift = np.where(on, 0.02 * np.clip(1 - since / 0.04, 0, None), np.where(until < 0.1, 0.02, 0.0))
            sink = np.where(on, sink_m * (1 - np.exp(-np.nan_to_num(since) / 0.012)), 0.0)
        for n, (dx, dy, dz) in shape.items():
            zz = z + dz + (fore_lift if n in ("mt1", "mt5", "toe") else 0.0) - (sink if n.startswith("heel") else 0.0)
            names.append(f"{side[0]}_{n}")
            cols.append(np.stack([x + dx, np.full_like(t, lat + (dy if side == "left" else -dy)), zz], axis=1))
        if side == "right":  # touchdown when the phase wraps to 0: t = (n + 1 - offset) cycles, between frames
            true_ic = (np.arange(int(t[-1] / cycle_s) + 1) + 1 - offset) * cycle_s
    mk = MarkerData(np.stack(cols, axis=1), names, list(names), rate_hz, t)
    return Trial(markers=mk), true_ic


#: An impact between two frames is found to within half a frame (150 Hz).
HALF_FRAME_MS = 0.5 / 150.0 * 1000.0


def _ic_errors_ms(trial: Trial, true_ic: np.ndarray, **kw: object) -> np.ndarray:
    c = detect_marker_contacts(trial, **kw).contacts  # type: ignore[arg-type]
    ic = c.loc[c["side"] == "right", "ic_s"].to_numpy()
    j = np.argmin(np.abs(ic[:, None] - true_ic[None, :]), axis=1)
    return (ic - true_ic[j]) * 1000.0


def test_heel_impact_fixes_a_sinking_heel_on_a_synthetic_rearfoot_striker() -> None:
    trial, true_ic = sinking_heel_trial(sink_m=0.005)
    clearance = _ic_errors_ms(trial, true_ic, heel_impact=False)
    impact = _ic_errors_ms(trial, true_ic, heel_impact=True, heel_impact_offset_ms=0.0)
    # the clearance rule waits until the heel is within 2 mm of its lowest point: late
    assert np.mean(clearance) > 6.0
    assert np.mean(np.abs(impact)) < HALF_FRAME_MS
    # the shipped constant moves it earlier by exactly that much
    shipped = _ic_errors_ms(trial, true_ic)
    assert np.allclose(shipped, impact - DEFAULT_OFFSET_MS, atol=1e-6)
    c = detect_marker_contacts(trial).contacts
    assert c["ic_landmark"].str.endswith("(impact peak)").all()


def test_a_heel_that_does_not_sink_is_unchanged_within_a_few_ms() -> None:
    trial, true_ic = sinking_heel_trial(sink_m=0.0)
    clearance = _ic_errors_ms(trial, true_ic, heel_impact=False)
    impact = _ic_errors_ms(trial, true_ic, heel_impact=True, heel_impact_offset_ms=0.0)
    assert np.mean(np.abs(clearance)) < 6.0 and np.mean(np.abs(impact)) < HALF_FRAME_MS


@pytest.mark.slow
def test_rbds024_initial_contact_with_the_heel_impact(shared_data: Path) -> None:
    """Real data (RBDS024, rearfoot striker at 3.5 m/s, heel marker sinks ~5 mm after touchdown):
    initial contact was 13 ms late with the clearance rule alone; with the heel impact within 5 ms."""
    import stridelab as sl
    from stridelab.events.agreement import match_contacts
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.kinematics.virtual import prepare_markers

    d = shared_data / "mocap" / "fukuchi2017_runners"
    tr = sl.read(d / "RBDS024runT35.c3d", static=d / "RBDS024static.c3d")
    prepare_markers(tr)
    ref = detect_force_contacts(tr).contacts
    before = match_contacts(ref, detect_marker_contacts(tr, heel_impact=False).contacts, 0.08)
    after = match_contacts(ref, detect_marker_contacts(tr).contacts, 0.08)
    assert len(after) == len(before) >= 0.98 * len(ref)
    assert np.mean(np.abs(before["ic_err_ms"])) > 10.0
    assert np.mean(np.abs(after["ic_err_ms"])) < 5.0


def test_the_detector_declares_the_function_defaults() -> None:
    import inspect

    from stridelab.events.detectors import MarkerClearance

    sig = inspect.signature(detect_marker_contacts)
    for name, value in MarkerClearance.defaults().items():
        assert sig.parameters[name].default == value
    trial, _ = sinking_heel_trial(sink_m=0.005)
    off = MarkerClearance(heel_impact=False).detect(trial).events_.contacts
    assert not off["ic_landmark"].str.endswith("(impact peak)").any()

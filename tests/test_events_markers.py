"""Contact events from markers alone (stridelab.events.markers), against the force-plate events on
real recordings, plus labelled synthetic trials for walking and the no-flight-phase fallback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stridelab as sl
from stridelab.analysis import AnalysisOptions, analyze
from stridelab.errors import NotRunningError, NoValidResultError
from stridelab.events.dispatch import detect_contacts
from stridelab.events.forceplate import detect_force_contacts
from stridelab.events.markers import detect_marker_contacts
from stridelab.kinematics.virtual import prepare_markers
from stridelab.model.trial import ForcePlate, MarkerData, Trial


def _prepared(trial: Trial) -> Trial:
    prepare_markers(trial)
    return trial


@pytest.fixture(scope="module")
def t35(fukuchi: Path) -> Trial:
    return _prepared(sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d"))


@pytest.fixture(scope="module")
def t25(fukuchi: Path) -> Trial:
    return _prepared(
        sl.read(fukuchi / "RBDS001runT25markers.txt", forces=fukuchi / "RBDS001runT25forces.txt", static=fukuchi / "RBDS001static.c3d")
    )


@pytest.fixture(scope="module")
def overground(shared_data: Path) -> Trial:
    return _prepared(sl.read(shared_data / "mocap" / "pyorerun" / "Running_0002.c3d"))


def _errors_ms(trial: Trial, markers_trial: Trial | None = None) -> dict[str, np.ndarray]:
    """IC, TO and contact-time errors (marker - force, ms) of the matched contacts."""
    ref = detect_force_contacts(trial).contacts
    est = detect_marker_contacts(markers_trial or trial).contacts
    rows = []
    for r in ref.itertuples():
        m = est[(est["side"] == r.side) & ((est["ic_s"] - r.ic_s).abs() < 0.08)]
        if len(m):
            rows.append((m.iloc[0].ic_s - r.ic_s, m.iloc[0].to_s - r.to_s))
    e = np.array(rows) * 1000
    assert len(rows) >= 0.95 * len(ref), f"only {len(rows)} of {len(ref)} force contacts found from markers"
    return {"ic": e[:, 0], "to": e[:, 1], "ct": e[:, 1] - e[:, 0]}


def _decimated(trial: Trial, k: int) -> Trial:
    """The same trial as a k-times slower camera would have seen it (every k-th frame)."""
    mk = trial.markers
    assert mk is not None
    slow = MarkerData(mk.positions_m[::k].copy(), list(mk.names), list(mk.original_names), mk.rate_hz / k, mk.time_s[::k].copy())
    return dataclasses.replace(trial, markers=slow)


@pytest.mark.parametrize("name", ["t25", "t35"])
def test_fukuchi_marker_events_meet_targets(name: str, request: pytest.FixtureRequest) -> None:
    trial = request.getfixturevalue(name)
    e = _errors_ms(trial)
    # targets: mean absolute IC and TO error <= 5 ms, contact-time limits of agreement within +-15 ms
    assert np.abs(e["ic"]).mean() <= 5.0
    assert np.abs(e["to"]).mean() <= 5.0
    sd = e["ct"].std(ddof=1)
    assert abs(e["ct"].mean()) + 1.96 * sd <= 15.0


def test_overground_single_contact(overground: Trial) -> None:
    e = _errors_ms(overground)
    assert len(e["ic"]) == 1
    assert abs(e["ic"][0]) <= 6.0 and abs(e["to"][0]) <= 6.0
    ev = detect_marker_contacts(overground)
    assert list(ev.contacts["side"]) == ["right"]
    assert any(w.startswith("left foot:") for w in ev.warnings)  # the left foot is in the air throughout


def test_sides_alternate_and_info(t35: Trial) -> None:
    ev = detect_marker_contacts(t35)
    sides = ev.contacts["side"].to_numpy()
    assert (sides[1:] != sides[:-1]).mean() > 0.97
    assert ev.source == "markers" and ev.info["method"] == "handsaker2016_clearance"
    assert abs(ev.info["ground_velocity_mps"] + 3.5) < 0.1  # the belt speed, measured from the stance feet
    assert set(ev.contacts["ic_landmark"].str[:2]) == {"l_", "r_"}


@pytest.mark.parametrize("k", [2, 3])
def test_sampling_rate_robustness(t35: Trial, k: int) -> None:
    """75 Hz and 50 Hz (every 2nd / 3rd frame of the 150 Hz recording): still within ~5 ms."""
    e = _errors_ms(t35, _decimated(t35, k))
    assert np.abs(e["ic"]).mean() <= 5.0
    assert np.abs(e["to"]).mean() <= 5.0


def test_missing_foot_markers_named(t35: Trial) -> None:
    mk = t35.markers
    assert mk is not None
    keep = [i for i, n in enumerate(mk.names) if not any(f in n for f in ("heel", "mt", "toe", "foot"))]
    bare = MarkerData(mk.positions_m[:, keep], [mk.names[i] for i in keep], [mk.original_names[i] for i in keep], mk.rate_hz, mk.time_s)
    with pytest.raises(NoValidResultError, match="l_heel"):
        detect_marker_contacts(dataclasses.replace(t35, markers=bare))
    keep = [i for i, n in enumerate(mk.names) if not n.startswith(("l_heel", "l_mt"))]
    one = MarkerData(mk.positions_m[:, keep], [mk.names[i] for i in keep], [mk.original_names[i] for i in keep], mk.rate_hz, mk.time_s)
    ev = detect_marker_contacts(dataclasses.replace(t35, markers=one))
    assert set(ev.contacts["side"]) == {"right"}
    assert any(w.startswith("left foot: no foot markers") for w in ev.warnings)


def test_unknown_method(t35: Trial) -> None:
    with pytest.raises(ValueError, match="handsaker2016_clearance"):
        detect_marker_contacts(t35, method="zeni2008")


# --- synthetic trials (labelled synthetic: made-up feet with known stance phases) -------------


def synthetic_gait_trial(stance_fraction: float, cycle_s: float, belt_mps: float, rate_hz: float = 150.0, duration_s: float = 6.0) -> Trial:
    """SYNTHETIC treadmill trial: two rigid feet (heel, first/fifth metatarsal heads, toe tip) and a
    sacrum marker. Each foot lies flat on the belt (moving back at ``belt_mps``) for
    ``stance_fraction`` of its cycle, then swings up 12 cm and forward; the feet are half a cycle
    apart. ``stance_fraction`` > 0.5 gives double support (walking)."""
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    shape = {"heel": (0.0, 0.0, 0.035), "mt1": (0.19, 0.035, 0.03), "mt5": (0.165, -0.04, 0.025), "toe": (0.26, 0.01, 0.025)}
    names, cols = [], []
    for side, offset, lat in (("left", 0.0, 0.1), ("right", 0.5, -0.1)):
        ph = (t / cycle_s + offset) % 1.0
        stance = ph < stance_fraction
        s = np.where(stance, ph / stance_fraction, (ph - stance_fraction) / (1 - stance_fraction))
        stride = belt_mps * cycle_s * stance_fraction
        x = np.where(stance, stride / 2 - stride * s, -stride / 2 + stride * (1 - np.cos(np.pi * s)) / 2)
        z = np.where(stance, 0.0, 0.12 * np.sin(np.pi * s))  # leaves and lands at ~0.8 m/s
        for n, (dx, dy, dz) in shape.items():
            names.append(f"{side[0]}_{n}")
            cols.append(np.stack([x + dx, np.full_like(t, lat + (dy if side == "left" else -dy)), z + dz], axis=1))
    names.append("sacrum")
    cols.append(np.stack([np.zeros_like(t), np.zeros_like(t), 1.0 + 0.03 * np.sin(4 * np.pi * t / cycle_s)], axis=1))
    mk = MarkerData(np.stack(cols, axis=1), names, list(names), rate_hz, t)
    return Trial(markers=mk)


def test_synthetic_running_contacts_match_known_stance() -> None:
    trial = synthetic_gait_trial(stance_fraction=0.35, cycle_s=0.7, belt_mps=3.0)
    ev = detect_marker_contacts(trial)
    c = ev.contacts
    assert len(c) >= 14
    true_ct_ms = 0.35 * 0.7 * 1000
    # this flat synthetic foot lands and lifts off at 0.83 m/s without rolling over its toes:
    # initial contact is 5 mm / 0.83 m/s = 6 ms early, and toe-off comes when the first metatarsal
    # passes its toe-pivot threshold (5 + 54 mm x sin 10 deg = 14 mm): 17 ms late, by design
    assert np.allclose((c["to_s"] - c["ic_s"]) * 1000, true_ct_ms + 6.0 + 17.0, atol=5.0)
    # initial contact: the flat foot lands when its phase wraps to 0
    for r in c.itertuples():
        phase = (r.ic_s / 0.7 + (0.0 if r.side == "left" else 0.5)) % 1.0
        assert min(phase, 1 - phase) * 0.7 < 0.01
    assert abs(ev.info["ground_velocity_mps"] + 3.0) < 0.05


def test_synthetic_walking_is_refused_by_double_support() -> None:
    """SYNTHETIC walking (62% stance, so both feet are down together 12% of the cycle)."""
    trial = synthetic_gait_trial(stance_fraction=0.62, cycle_s=1.1, belt_mps=1.3)
    ev = detect_marker_contacts(trial)
    c = ev.contacts.sort_values("ic_s")
    flight = c["ic_s"].to_numpy()[1:] - c["to_s"].to_numpy()[:-1]
    assert (flight < -0.08).mean() > 0.9  # marker events show the double support
    with pytest.raises(NotRunningError, match="double support"):
        analyze(trial, AnalysisOptions(events_from="markers"))


def test_synthetic_plate_without_flight_falls_back_to_markers() -> None:
    """SYNTHETIC treadmill plate that never unloads (grounded running or a plate offset): the
    force events cannot separate the feet, so the contacts come from the markers, with a warning."""
    trial = synthetic_gait_trial(stance_fraction=0.35, cycle_s=0.7, belt_mps=3.0)
    assert trial.markers is not None
    t = np.arange(0, 6.0, 1 / 600.0)
    force = np.zeros((t.size, 3))
    force[:, 2] = 900.0 + 500.0 * np.sin(2 * np.pi * t / 0.35)  # troughs of 400 N, never unloaded
    plate = ForcePlate("synthetic_plate", 600.0, t, force, np.zeros((t.size, 3)), np.zeros((t.size, 3)))
    trial = dataclasses.replace(trial, forceplates=[plate])
    ev = detect_contacts(trial, "auto")
    assert ev.source == "markers"
    assert "no flight phase" in ev.warnings[0] and "from the markers instead" in ev.warnings[0]
    assert len(ev.contacts) >= 14
    res = analyze(trial)
    assert res.events.source == "markers"
    assert isinstance(res.steps, pd.DataFrame) and len(res.steps) >= 14

"""Toe-off from metatarsal markers when the foot also carries a landmark reconstructed from the
standing trial (stridelab.events.markers.toe_off_points): a labelled SYNTHETIC foot whose virtual
point drifts below the floor in push-off, and the real Fukuchi rearfoot strikers (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.events.markers import detect_marker_contacts, toe_off_points
from stridelab.model.trial import MarkerData, Trial

RATE_HZ = 150.0
CYCLE_S = 0.7
STANCE = 0.35
#: SYNTHETIC foot (forward, left, up) in metres: heel and first/fifth metatarsal heads, no toe marker
SHAPE = {"heel": (0.0, 0.0, 0.035), "mt1": (0.19, 0.035, 0.03), "mt5": (0.165, -0.04, 0.025)}
VIRTUAL = (0.20, 0.0, 0.03)  # a second metatarsal head "reconstructed from the standing trial"


def _trial(sink_m: float) -> Trial:
    """SYNTHETIC treadmill trial (labelled synthetic): feet on a 3 m/s belt for 35% of a 0.7 s cycle
    (heel-off at 70% of stance, the fifth metatarsal rolling up before the first), then a 12 cm
    swing; each foot also has a virtual ``mt2`` that, over the last 40% of stance,
    sinks ``sink_m`` below its flat level and comes back up before the foot lifts, as Fukuchi's
    rigid-fit second metatarsal head does while the real foot bends in push-off."""
    t = np.arange(int(6.0 * RATE_HZ)) / RATE_HZ
    names, cols = [], []
    for side, offset, lat in (("left", 0.0, 0.1), ("right", 0.5, -0.1)):
        ph = (t / CYCLE_S + offset) % 1.0
        stance = ph < STANCE
        s = np.where(stance, ph / STANCE, (ph - STANCE) / (1 - STANCE))
        stride = 3.0 * CYCLE_S * STANCE
        x = np.where(stance, stride / 2 - stride * s, -stride / 2 + stride * (1 - np.cos(np.pi * s)) / 2)
        z = np.where(stance, 0.0, 0.12 * np.sin(np.pi * s))
        sgn = 1.0 if side == "left" else -1.0
        for n, (dx, dy, dz) in (*SHAPE.items(), ("mt2", VIRTUAL)):
            dip = np.zeros_like(t)
            if n == "heel":  # heel-off at 70% of stance, 80 mm up at toe-off, back down in early swing
                dip = np.where(stance, 0.08 * np.clip((s - 0.7) / 0.3, 0.0, 1.0), 0.08 * np.clip(1.0 - s / 0.3, 0.0, 1.0))
            if n == "mt5":  # the lateral forefoot rolls up first: 25 mm over the last 15% of stance
                dip = np.where(stance, 0.025 * np.clip((s - 0.85) / 0.15, 0.0, 1.0), 0.025 * np.clip(1.0 - s / 0.1, 0.0, 1.0))
            if n == "mt2":
                u = np.clip((s - 0.6) / 0.35, 0.0, 1.0)  # 60-95% of stance: down and back up
                dip = np.where(stance, -sink_m * np.sin(np.pi * u), 0.0)
            names.append(f"{side[0]}_{n}")
            cols.append(np.stack([x + dx, np.full_like(t, lat + sgn * dy), z + dz + dip], axis=1))
    mk = MarkerData(np.stack(cols, axis=1), names, list(names), RATE_HZ, t)
    trial = Trial(markers=mk)
    trial.provenance.extra["virtual_markers"] = {"l_mt2": "static landmark via segment cluster", "r_mt2": "static landmark via segment cluster"}
    return trial


def _without_mt2(trial: Trial) -> Trial:
    mk = trial.markers
    assert mk is not None
    keep = [i for i, n in enumerate(mk.names) if not n.endswith("mt2")]
    sub = MarkerData(mk.positions_m[:, keep].copy(), [mk.names[i] for i in keep], [mk.original_names[i] for i in keep], mk.rate_hz, mk.time_s.copy())
    return Trial(markers=sub)


def test_which_points_decide_toe_off() -> None:
    labels = ["r_heel", "r_mt1", "r_mt2", "r_mt5"]
    fore = np.array([False, True, True, True])
    assert toe_off_points(labels, fore, {}) is None  # nothing reconstructed: every point
    assert list(toe_off_points(labels, fore, {"r_mt2": "static"})) == [True, True, False, True]  # type: ignore[arg-type]
    # the first metatarsal reconstructed, the fifth alone measured: keep every point (the lateral
    # forefoot alone leaves before the medial one)
    assert toe_off_points(labels, fore, {"r_mt1": "static", "r_mt2": "static"}) is None
    # a clusters-only foot: every landmark is reconstructed
    assert toe_off_points(labels, fore, {n: "static" for n in labels}) is None
    # a measured marker high on the shoe: its sole point comes from the rear foot's pose
    high_mt2 = np.array([True, True, False, True])
    assert list(toe_off_points(labels, fore, {}, high_mt2)) == [True, True, False, True]  # type: ignore[arg-type]
    assert toe_off_points(labels, fore, {}, np.array([True, False, False, True])) is None  # one left on the sole


def test_a_sinking_virtual_point_does_not_decide_toe_off() -> None:
    """SYNTHETIC: the answer is the toe-off of the same feet without the virtual point (the measured
    markers' own; within 1 ms, since the virtual point still enters the foot-length estimate and so
    the thresholds); letting the virtual point take part moves toe-off."""
    trial = _trial(sink_m=0.02)
    clean = detect_marker_contacts(_without_mt2(trial)).contacts
    ours = detect_marker_contacts(trial).contacts
    old = detect_marker_contacts(trial, measured_toe_off=False).contacts
    assert len(clean) >= 14 and len(ours) == len(clean) == len(old)
    assert np.allclose(ours["to_s"], clean["to_s"], atol=1e-3)
    assert np.allclose(ours["ic_s"], clean["ic_s"], atol=1e-3)
    assert not set(ours["to_landmark"]) & {"l_mt2", "r_mt2"}
    # the known toe-off: the forefoot leaves the belt when the swing starts and rises 0.12 sin(pi s)
    # over the swing (0.455 s); the clearance rule fires when the last metatarsal marker has risen
    # its threshold (5 mm + d sin 10 deg, in the detector's info): the first metatarsal
    info = detect_marker_contacts(trial).info["feet"]
    swing_s = (1 - STANCE) * CYCLE_S
    for r in ours.itertuples():
        thr_m = info[r.side]["toe_off_threshold_mm"][f"{r.side[0]}_mt1"] / 1000.0
        after_swing_start = ((r.to_s / CYCLE_S + (0.0 if r.side == "left" else 0.5)) % 1.0 - STANCE) * CYCLE_S
        assert abs(after_swing_start - np.arcsin(thr_m / 0.12) / np.pi * swing_s) < 1e-3
    # with the virtual point allowed to decide (it "leaves" as it comes back up from its dip, so the
    # second-last of three forefoot points is the fifth metatarsal), toe-off comes early
    early_ms = (clean["to_s"].to_numpy() - old["to_s"].to_numpy()) * 1000
    assert (early_ms > 1000.0 / RATE_HZ).all()


@pytest.mark.slow
def test_fukuchi_rearfoot_toe_off_from_measured_markers(shared_data: Path) -> None:
    """Real: the Fukuchi runners whose virtual second metatarsal head sank below the floor."""
    import stridelab as sl
    from stridelab.events.agreement import match_contacts
    from stridelab.events.forceplate import detect_force_contacts
    from stridelab.kinematics.virtual import prepare_markers

    d = shared_data / "mocap" / "fukuchi2017_runners"
    mae_new, mae_old = [], []
    for rid, sp in (("RBDS05", "25"), ("RBDS020", "25"), ("RBDS025", "35")):
        path = d / f"{rid}runT{sp}.c3d"
        if not path.is_file():
            pytest.skip(f"{path} not in ../shared/data")
        tr = sl.read(path, static=d / f"{rid}static.c3d")
        prepare_markers(tr)
        ref = detect_force_contacts(tr).contacts
        new = match_contacts(ref, detect_marker_contacts(tr).contacts, 0.08)
        old = match_contacts(ref, detect_marker_contacts(tr, measured_toe_off=False).contacts, 0.08)
        assert len(new) >= 0.98 * len(ref)
        mae_new.append(float(np.mean(np.abs(new["to_err_ms"]))))
        mae_old.append(float(np.mean(np.abs(old["to_err_ms"]))))
        assert mae_new[-1] < mae_old[-1]
    # measured before/after (docs/validation.md): 11.5 -> 5.2, 11.0 -> 4.6, 7.1 -> 3.1 ms
    assert max(mae_new) < 6.0 and min(mae_old) > 6.5

"""IMU contact events and wearable metrics: virtual IMUs (synthetic signals) from the real Fukuchi
treadmill trial against its real force plate, and the real ActiGraph run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stridelab as sl
from stridelab.errors import NoValidResultError
from stridelab.events.imu import detect_imu_contacts
from stridelab.events.imu_align import AlignedImu, align
from stridelab.metrics.stiffness import morin2005
from stridelab.model.axes import LEFT
from stridelab.model.trial import ImuData, Trial
from stridelab.synth.imu import synthesize_imu, to_trial


@pytest.fixture(scope="module")
def virtual(fukuchi: Path):  # type: ignore[no-untyped-def]
    """12 s of virtual sensors (noise, any mounting) with the force plate's contacts as truth."""
    tr = sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d", start_s=0.0, end_s=12.0)
    locs = ("left_foot", "right_foot", "left_shank", "right_shank", "sacrum")
    return synthesize_imu(tr, locs, noise=1.0, mount_deg=180.0, seed=11, rate_hz=200.0)


def _errors(found: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in truth.itertuples():
        m = found[(found["side"] == r.side) & ((found["ic_s"] - r.ic_s).abs() < 0.1)]
        if len(m):
            rows.append({"ic": (m["ic_s"].iloc[0] - r.ic_s) * 1000, "to": (m["to_s"].iloc[0] - r.to_s) * 1000})
    return pd.DataFrame(rows)


def test_alignment_finds_the_sagittal_axis_and_its_sign(virtual) -> None:  # type: ignore[no-untyped-def]
    for loc in ("left_foot", "right_foot", "left_shank", "right_shank"):
        al = align(virtual.sensors[loc])
        true_left = virtual.mount_[loc].T[:, LEFT]  # segment LEFT in sensor axes
        angle = np.degrees(np.arccos(np.clip(al.r_[LEFT] @ true_left, -1, 1)))
        assert angle < 25, (loc, angle)


def test_foot_events_against_force_plate(virtual) -> None:  # type: ignore[no-untyped-def]
    tr = Trial(imu={k: v for k, v in virtual.sensors.items() if k.endswith("foot")})
    ev = detect_imu_contacts(tr)
    assert set(ev.contacts["source"]) == {"imu:left_foot:kink", "imu:right_foot:kink"}
    e = _errors(ev.contacts, virtual.contacts)
    assert len(e) >= len(virtual.contacts) - 3
    assert e["ic"].abs().mean() < 8 and e["to"].abs().mean() < 8
    ct = e["to"] - e["ic"]
    assert abs(ct.mean()) + 1.96 * ct.std() < 25


def test_sacrum_alone_times_contacts_and_sides(virtual) -> None:  # type: ignore[no-untyped-def]
    ev = detect_imu_contacts(Trial(imu={"sacrum": virtual.sensors["sacrum"]}))
    assert set(ev.contacts["source"]) == {"imu:sacrum:freefall"}
    e = _errors(ev.contacts, virtual.contacts)
    assert len(e) >= len(virtual.contacts) - 3  # matched on side too: the sides are right
    ct = e["to"] - e["ic"]
    assert np.sqrt(np.mean(ct**2)) < 25


def test_analysis_fills_the_contract(virtual) -> None:  # type: ignore[no-untyped-def]
    tr = to_trial(virtual)
    res = sl.analyze(tr, sl.AnalysisOptions(mass_kg=62, height_m=1.81))
    doc = res.to_json()
    ref_cadence = 60 / np.median(np.diff(virtual.contacts["ic_s"]))
    assert doc["summary"]["cadence_spm"] == pytest.approx(ref_cadence, abs=2)
    assert doc["summary"]["speed_mps"] == pytest.approx(3.5, rel=0.05)
    assert 1.0 < doc["summary"]["step_length_m"] < 1.4
    assert 5 < doc["summary"]["vertical_oscillation_cm"] < 13
    assert doc["summary"]["strike_pattern"] in ("rearfoot", "midfoot", "forefoot")
    assert 5 < doc["summary"]["leg_stiffness_kn_m"] < 20 and doc["summary"]["vertical_stiffness_kn_m"] > doc["summary"]["leg_stiffness_kn_m"]
    assert doc["imu"]["synthetic"] is True and doc["imu"]["sensors"]["sacrum"]["gyroscope"] is True
    assert {"stride_speed_mps", "foot_strike_angle_deg", "pronation_excursion_deg", "braking_peak_g", "tibial_shock_g"} <= set(doc["steps"][0])


def test_accelerometer_only_sensors_on_the_real_run(shared_data: Path) -> None:
    tr = sl.read(shared_data / "wearable" / "accel" / "acc_running.csv.gz", start_s=60, end_s=120)
    from stridelab.events.imu import aligned
    from stridelab.events.imu_sacrum import sacrum_events
    from stridelab.events.imu_shank import shank_events

    hip = sacrum_events(aligned(tr.imu["hip"]))
    stride = np.median(np.diff(hip.ic_s[::2]))
    assert 140 < 120 / stride < 190  # steps per minute
    ank = shank_events(aligned(tr.imu["left_ankle"]))
    assert ank.method == "purcell2006"
    assert 120 / np.median(np.diff(ank.ic_s)) == pytest.approx(120 / stride, abs=3)
    # the ankle's IC is the landing impact after the late-swing acceleration hump, not the hump
    hump = tr.imu["left_ankle"].time_s[ank.swing_peaks]
    delay = np.array([x - hump[hump < x].max() for x in ank.ic_s if (hump < x).any()])
    assert 0.03 < np.median(delay) < 0.15
    assert 0.15 < np.median(ank.to_s - ank.ic_s) < 0.35
    # here the two ActiGraphs do not time the same landings (clock offset ~0.16 s): only the
    # ankle's own foot is given, and the warning says why
    ev = detect_imu_contacts(tr)
    assert set(ev.contacts["source"]) == {"imu:left_ankle:purcell2006"} and set(ev.contacts["side"]) == {"left"}
    assert any("do not time the same landings" in w for w in ev.warnings)
    res = sl.analyze(tr)
    assert any("no gyroscope" in w for w in res.warnings)
    assert res.summary["speed_mps"] is None and any("speed and step length need" in w for w in res.warnings)


def test_wrist_only_and_no_running(shared_data: Path) -> None:
    t = np.arange(0, 20, 0.01)
    still = ImuData("left_wrist", 100.0, t, np.tile([0.0, 0.0, 9.81], (t.size, 1)))
    with pytest.raises(NoValidResultError, match="no foot contact"):
        detect_imu_contacts(Trial(imu={"left_wrist": still}))
    # a sacrum sensor on a standing runner (real first seconds of a quiet period are not needed:
    # gravity alone) has no running and no contacts
    with pytest.raises(NoValidResultError):
        detect_imu_contacts(Trial(imu={"sacrum": ImuData("sacrum", 100.0, t, np.tile([0.0, 0.0, 9.81], (t.size, 1)))}))


def test_morin_model_conserves_momentum() -> None:
    tc, tf, m = np.array([0.2, 0.25, 0.3]), np.array([0.12, 0.1, 0.05]), 70.0
    r = morin2005(contact_time_s=tc, flight_time_s=tf, mass_kg=m, leg_length_m=0.95, speed_mps=np.array([4.0, 3.5, 3.0]))
    # the half-sine force's impulse over contact equals body weight times the step time
    assert np.allclose(2 * r["fmax_n"] * tc / np.pi, m * 9.80665 * (tc + tf))
    assert np.all(r["k_vert_kn_m"] > r["k_leg_kn_m"]) and np.all(r["dl_m"] > r["dy_m"])
    assert np.isnan(morin2005(contact_time_s=0.2, flight_time_s=-0.01, mass_kg=m)["fmax_n"])


def _trunk(level_g: float, gyroscope: bool, clipped: bool = False) -> AlignedImu:
    """SYNTHETIC trunk sensor: 0.25-s contacts (half-sine specific force peaking at 2.6 g) between
    0.1-s flights that read ``level_g`` (exactly, as a sensor clipped there, with ``clipped``; else
    with 0.02 g of noise), 20 s at 200 Hz."""
    rate = 200.0
    t = np.arange(0, 20, 1 / rate)
    ph = t % 0.35
    up = np.where(ph < 0.25, 2.6 * np.sin(np.pi * ph / 0.25), level_g)
    if not clipped:  # sensor noise: a continuous signal, not one sitting on a rail
        up = up + np.random.default_rng(0).normal(0.0, 0.02, t.size)
    acc = np.zeros((t.size, 3))
    acc[:, 2] = up * 9.80665
    gyr = np.zeros((t.size, 3)) if gyroscope else None
    return AlignedImu("sacrum", "trunk", None, rate, t, acc, gyr, np.ones(t.size, bool), np.eye(3), True)


@pytest.mark.parametrize("gyroscope", [False, True])
def test_trunk_method_follows_the_flight_level(gyroscope: bool) -> None:
    from stridelab.events.imu import trunk_method
    from stridelab.events.imu_sacrum import flight_level_g

    free = _trunk(0.0, gyroscope)  # flights at free fall (or clipped at 0 g): no zero crossing to time
    below = _trunk(-0.6, gyroscope)  # flights well below 0 g: zero crossings at landing and take-off
    assert flight_level_g(free) == pytest.approx(0.0, abs=0.1)  # the 10-Hz low-pass rings a little at the corners
    assert flight_level_g(below) == pytest.approx(-0.6, abs=0.1)
    assert trunk_method(free) == "freefall_relative"
    assert trunk_method(below) == "freefall"
    # a sensor that clips its flights (here at -0.6 g, e.g. an offset): no free-fall level to cross
    assert trunk_method(_trunk(-0.6, gyroscope, clipped=True)) == "freefall_relative"


def test_virtual_sacral_accelerometer_uses_the_zero_crossings(virtual) -> None:  # type: ignore[no-untyped-def]
    from stridelab.events.imu import trunk_method
    from stridelab.events.imu_sacrum import sacrum_events

    s = virtual.sensors["sacrum"]
    al = align(ImuData("sacrum", s.rate_hz, s.time_s, s.acc_mps2))  # accelerometer only
    method = trunk_method(al)
    assert method == "freefall"  # its flights read about -0.5 g (validation/sacral_virtual.py: all 28 trials)
    ev = sacrum_events(al, method)
    err = _errors(pd.DataFrame({"side": "any", "ic_s": ev.ic_s, "to_s": ev.to_s}), virtual.contacts.assign(side="any"))
    assert len(err) >= 0.95 * len(virtual.contacts)
    ct = err["to"] - err["ic"]
    assert float(np.sqrt(np.mean(ct**2))) < 15.0

"""A limb sensor on one side, a trunk sensor for the other foot (stridelab.events.imu_combine):
virtual IMUs (SYNTHETIC signals from the real Fukuchi trial, real force plate as truth), a
desynchronised copy, and the real ActiGraph run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stridelab as sl
from stridelab.events.imu import detect_imu_contacts
from stridelab.events.imu_combine import MAX_OFFSET_S, other_side_from_trunk
from stridelab.model.trial import ImuData, Trial
from stridelab.synth.imu import synthesize_imu


@pytest.fixture(scope="module")
def virtual(fukuchi: Path):  # type: ignore[no-untyped-def]
    tr = sl.read(fukuchi / "RBDS001runT35.c3d", static=fukuchi / "RBDS001static.c3d", start_s=0.0, end_s=14.0)
    return synthesize_imu(tr, ("left_foot", "sacrum"), noise=1.0, mount_deg=180.0, seed=5, rate_hz=200.0)


def _shifted(s: ImuData, dt: float) -> ImuData:
    return ImuData(s.location, s.rate_hz, s.time_s + dt, s.acc_mps2, s.gyr_radps)


def test_other_foot_from_the_sacrum_between_the_limb_landings(virtual) -> None:  # type: ignore[no-untyped-def]
    ev = detect_imu_contacts(Trial(imu=dict(virtual.sensors)))
    c, truth = ev.contacts, virtual.contacts
    assert set(c.loc[c["side"] == "left", "source"]) == {"imu:left_foot:kink"}
    assert set(c.loc[c["side"] == "right", "source"]) == {"imu:sacrum:freefall"}
    # every right contact is a true right contact (sides follow the limb sensor), timed by the sacrum
    right = truth[truth["side"] == "right"]
    found = c[c["side"] == "right"]
    assert len(found) >= len(right) - 3
    err = np.array([np.min(np.abs(right["ic_s"].to_numpy() - x)) for x in found["ic_s"]])
    assert np.all(err < 0.03)
    bouts = ev.info["sensors"]["sacrum"]["bouts"]
    assert all(b["combined"] for b in bouts) and all(abs(b["offset_s"]) < 0.02 for b in bouts)
    assert not any("do not time the same landings" in w for w in ev.warnings)


def test_sensors_whose_clocks_disagree_are_not_combined(virtual) -> None:  # type: ignore[no-untyped-def]
    # the sacrum's clock 0.17 s late (as in the real ActiGraph run): which trunk contact is which
    # foot cannot be decided, so only the limb's own foot is given
    imu = {"left_foot": virtual.sensors["left_foot"], "sacrum": _shifted(virtual.sensors["sacrum"], 0.17)}
    ev = detect_imu_contacts(Trial(imu=imu))
    assert set(ev.contacts["side"]) == {"left"}
    assert any("do not time the same landings" in w for w in ev.warnings)
    assert ev.info["sensors"]["sacrum"]["bouts"][0]["offset_s"] == pytest.approx(0.17, abs=0.02)
    # a small offset (within the tolerance) is still combined
    imu["sacrum"] = _shifted(virtual.sensors["sacrum"], 0.03)
    ev = detect_imu_contacts(Trial(imu=imu))
    assert set(ev.contacts["side"]) == {"left", "right"}


def test_pairing_rule_on_plain_numbers() -> None:
    step = 0.36
    limb = np.arange(20) * 2 * step
    trunk = np.sort(np.concatenate([limb + 0.004, limb + step - 0.01]))
    c = other_side_from_trunk(limb, trunk, trunk + 0.2, "left_ankle", "hip")
    assert np.allclose(c.ic_s, limb[:-1] + step - 0.01)  # one per limb stride, the mid-stride one
    assert c.bouts[0]["combined"] and c.bouts[0]["offset_s"] == pytest.approx(0.004)
    # offset beyond the tolerance: not combined
    c = other_side_from_trunk(limb, trunk + MAX_OFFSET_S + 0.01, trunk + 0.2, "left_ankle", "hip")
    assert c.ic_s.size == 0 and not c.bouts[0]["combined"] and c.warnings
    # a bout too short to check
    c = other_side_from_trunk(limb[:4], trunk, trunk + 0.2, "left_ankle", "hip")
    assert c.ic_s.size == 0 and "cannot be checked" in c.warnings[0]


def test_mixed_sensors_give_no_left_right_timing_comparisons(virtual) -> None:  # type: ignore[no-untyped-def]
    tr = Trial(imu=dict(virtual.sensors))
    res = sl.analyze(tr, sl.AnalysisOptions(mass_kg=62))
    doc = res.to_json()
    assert doc["summary"]["gct_balance_left_pct"] is None
    for k in ("gct_ms", "flight_ms", "step_time_ms", "cadence_spm"):
        assert doc["by_side"]["left"][k] is None and doc["by_side"]["right"][k] is None
        assert doc["symmetry_pct"].get(k) is None
    assert doc["by_side"]["left"]["stride_time_ms"] == pytest.approx(doc["by_side"]["right"]["stride_time_ms"], rel=0.03)
    assert doc["summary"]["cadence_spm"] == pytest.approx(60 / np.median(np.diff(virtual.contacts["ic_s"])), abs=3)
    assert any("timed by different sensors" in w for w in res.warnings)


def test_real_actigraph_run_stride_variability_per_side(shared_data: Path) -> None:
    res = sl.analyze(sl.read(shared_data / "wearable" / "accel" / "acc_running.csv.gz"))
    doc = res.to_json()
    var = doc["fatigue"]["variability"]["sides"]
    # steady running: a few percent each (the previous dispatch gave 12.9 % left, 5.7 % right)
    assert var["left"]["cv_pct"] < 6 and var["right"]["cv_pct"] < 6
    assert var["left"]["n_strides"] > 1000 and var["right"]["n_strides"] > 300
    src = {c["side"]: c["source"] for c in doc["contacts"]}
    # the hip's flights read about -0.66 g: zero crossings to time (freefall, events.imu.trunk_method)
    assert src == {"left": "imu:left_ankle:purcell2006", "right": "imu:hip:freefall"}
    bouts = doc["provenance"]["methods"]["events"]["sensors"]["hip"]["bouts"]
    assert any(b["combined"] for b in bouts) and any(not b["combined"] for b in bouts)
    assert 150 < doc["summary"]["cadence_spm"] < 165

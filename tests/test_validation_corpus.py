"""The corpus yardstick on a few real trials (the full run is validation/corpus.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "validation"))


@pytest.mark.slow
def test_overground_and_treadmill_trials_of_three_labs(shared_data: Path) -> None:
    import corpus  # type: ignore[import-not-found]

    cases = {c.label: c for c in corpus.cases()}
    # dorn2012 overground: every plate contact found from the markers (the floor is not level in the lab frame)
    jog = corpus.analyse(cases["JA1 jog 3.5 m/s"])
    assert len(jog["err"]) == len(jog["ref"]) == 5
    assert jog["err"]["ic_err_ms"].abs().max() < 10
    # the lab's own Vicon events agree with the plates within a few ms
    assert jog["lab_err"]["ic_err_ms"].abs().max() < 5
    # IK clock found and the sagittal shapes agree
    assert jog["ik_shift_s"] == pytest.approx(0.444, abs=0.01)
    assert all(jog["angles"][f"{a} {s}"][0] > 0.97 for a in ("hip_flexion", "knee_flexion", "ankle_dorsiflexion") for s in ("left", "right"))
    # a rearfoot striker of the Fukuchi lab, with its OpenSim IK
    r04 = corpus.analyse(cases["RBDS04 3.5 m/s"])
    assert len(r04["err"]) == len(r04["ref"]) > 80
    assert all(v[0] > 0.97 for k, v in r04["angles"].items() if not k.startswith("segments"))
    # hip offset = pelvis definition + thigh difference (planar sum), within 1 deg
    pel, thigh, _ = r04["angles"]["segments right"]
    assert r04["angles"]["hip_flexion right"][2] == pytest.approx(pel + thigh, abs=1.0)

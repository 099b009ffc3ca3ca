"""``stridelab markers FILE`` on real files of three labs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stridelab.io.markerset import blocked_analyses, explain_mapping

CLI = Path(sys.executable).with_name("stridelab")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "markers", *args], capture_output=True, text=True, timeout=120)


def test_dorn_vicon_names_mapped_and_static_unblocks_the_foot(shared_data: Path) -> None:
    d = shared_data / "mocap" / "dorn2012"
    r = _run(str(d / "JA1Gait21.c3d"))
    assert r.returncode == 0, r.stderr
    assert "preset: dorn2012" in r.stdout
    assert "RHEEL     -> r_heel" in r.stdout and "RP1MT     -> r_mt1" in r.stdout
    assert "unlabelled trajectory" in r.stdout and "patella marker" in r.stdout
    assert "blocked: foot frame (ankle angles, foot-strike angle) (right): needs r_ankle_med" in r.stdout
    assert "add --static FILE" in r.stdout
    r2 = _run(str(d / "JA1Gait21.c3d"), "--static", str(d / "JA1Static05.c3d"))
    assert r2.returncode == 0 and "foot frame" not in r2.stdout and "add --static" not in r2.stdout


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    r = _run(str(tmp_path / "nope.c3d"))
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "not found" in r.stderr


def test_rajagopal_names_through_the_preset() -> None:
    names = ["RASI", "LASI", "RPSI", "LPSI", "RLFC", "RMFC", "RLMAL", "RMMAL", "RCAL", "RTOE", "RMT5", "RHJC"]
    rows = {r.name: r for r in explain_mapping(names)}
    assert rows["RCAL"].canonical == "r_heel" and rows["RMMAL"].canonical == "r_ankle_med"
    assert rows["RLFC"].canonical == "r_knee_lat" and rows["RCAL"].source == "preset opensim_rajagopal"
    assert rows["RHJC"].canonical is None and "computes its own" in rows["RHJC"].source
    blocked = dict(blocked_analyses({r.canonical for r in rows.values() if r.canonical}))
    assert "contact events from markers (right)" not in blocked and "contact events from markers (left)" in blocked

"""The command-line contract: ``stridelab analyze`` options, exit codes, the JSON document and the
time axis (seconds on the input file's own axis), end to end through ``stridelab.cli.main.main``.

Real data: the bundled example (runner RBDS001, treadmill, 3.5 m/s) and the overground
``Running_0002.c3d`` (first frame 443). SYNTHETIC data: per-foot force recordings with known
contact times (tests/_cli_inputs.py), written as a MOT (time column in seconds) and as a text export
whose time column is a 1-based frame counter.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from _cli_inputs import synthetic_gait, write_force_text, write_mot
from stridelab._version import __version__
from stridelab.cli.main import main

#: The contract's keys, written out here (not imported) so that a change of the contract fails.
SUMMARY_KEYS = {
    "cadence_spm", "gct_ms", "flight_ms", "duty_factor", "step_length_m", "speed_mps",
    "vertical_oscillation_cm", "vertical_ratio_pct", "gct_balance_left_pct",
}
STEP_KEYS = {"side", "ic_s", "to_s", "next_ic_s", "gct_ms", "flight_ms", "step_time_ms", "step_length_m"}
CONTACT_KEYS = {"side", "ic_s", "to_s", "source"}
TOP_KEYS = {"schema_version", "contacts", "steps", "summary", "summary_iqr", "by_side", "symmetry_pct", "warnings", "provenance"}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def example_run(example_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One full run on the bundled example with every output (module-scoped: ~1 s)."""
    out = tmp_path_factory.mktemp("contract")
    trial, static = example_dir / "RBDS001runT35.c3d", example_dir / "RBDS001static.c3d"
    code = main([
        "analyze", str(trial), "--static", str(static), "--events-from", "forces", "--mass-kg", "62", "--height-m", "1.81",
        "--json", str(out / "r.json"), "--csv", str(out / "s.csv"), "--report", str(out / "r.html"), "-q",
    ])
    text = (out / "r.json").read_text()
    return {"code": code, "doc": json.loads(text), "text": text, "out": out, "trial": trial, "static": static}


def test_exit_code_and_outputs(example_run: dict[str, Any]) -> None:
    """Each output holds what it promises: the CSV is the JSON's step table, the report names the trial."""
    import csv

    assert example_run["code"] == 0
    doc, out = example_run["doc"], example_run["out"]
    rows = list(csv.DictReader((out / "s.csv").open(encoding="utf-8")))
    assert len(rows) == len(doc["steps"]) > 10
    assert [float(r["ic_s"]) for r in rows] == pytest.approx([s["ic_s"] for s in doc["steps"]])
    html = (out / "r.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "RBDS001runT35.c3d" in html and "</html>" in html


def test_json_keys_and_types(example_run: dict[str, Any]) -> None:
    doc = example_run["doc"]
    assert TOP_KEYS <= set(doc)
    assert doc["schema_version"] == "1.0"
    assert doc["contacts"] and all(CONTACT_KEYS <= set(c) for c in doc["contacts"])
    assert {c["side"] for c in doc["contacts"]} == {"left", "right"}
    assert all(c["source"] == "forces" and c["to_s"] > c["ic_s"] for c in doc["contacts"])
    assert doc["steps"] and all(STEP_KEYS <= set(s) for s in doc["steps"])
    assert SUMMARY_KEYS <= set(doc["summary"])
    assert all(isinstance(doc["summary"][k], float) for k in SUMMARY_KEYS)  # this trial supports every one
    assert {"gct_ms", "cadence_spm", "flight_ms"} <= set(doc["summary_iqr"])
    assert set(doc["by_side"]) == {"left", "right"} and doc["by_side"]["left"]["n_steps"] > 10
    assert {"gct_ms", "flight_ms", "step_time_ms"} <= set(doc["symmetry_pct"])
    assert isinstance(doc["warnings"], list) and all(isinstance(w, str) for w in doc["warnings"])
    # strict JSON: no NaN/Infinity tokens (missing values are null)
    assert "NaN" not in example_run["text"] and "Infinity" not in example_run["text"]


def test_provenance(example_run: dict[str, Any]) -> None:
    prov = example_run["doc"]["provenance"]
    assert prov["stridelab_version"] == __version__
    assert prov["input"]["sha256"] == hashlib.sha256(example_run["trial"].read_bytes()).hexdigest()
    assert prov["input"]["static"]["sha256"] == hashlib.sha256(example_run["static"].read_bytes()).hexdigest()
    assert prov["input"]["format"] == "c3d" and prov["input"]["units"] == "mm"
    assert prov["parameters"] == {"events_from": "forces", "mass_kg": 62.0, "height_m": 1.81}
    ev = prov["methods"]["events"]
    assert ev["source"] == "forces" and ev["method"] == "threshold" and ev["threshold_n"] == 20.0
    assert "sensitivity_50n" in ev and "Butterworth" in ev["filter"]


def test_summary_is_consistent_with_steps(example_run: dict[str, Any]) -> None:
    """Summary values are medians of the step table; balance and symmetry follow their definitions;
    and, independently of the step table, the contacts and the study's own protocol agree."""
    import numpy as np

    doc = example_run["doc"]
    steps = doc["steps"]
    contacts = doc["contacts"]
    gct_from_contacts = [1000 * (c["to_s"] - c["ic_s"]) for c in contacts]
    assert doc["summary"]["gct_ms"] == pytest.approx(float(np.median(gct_from_contacts)), abs=2.0)
    ics = np.array([c["ic_s"] for c in contacts])
    assert doc["summary"]["cadence_spm"] == pytest.approx(60.0 / float(np.median(np.diff(ics))), rel=0.01)
    # Fukuchi et al. 2017: this trial was run at 3.5 m/s on the treadmill (belt speed from the feet here)
    assert doc["summary"]["speed_mps"] == pytest.approx(3.5, rel=0.03)
    assert doc["summary"]["step_length_m"] * doc["summary"]["cadence_spm"] / 60 == pytest.approx(3.5, rel=0.03)
    for key in ("gct_ms", "flight_ms", "step_length_m"):
        vals = [s[key] for s in steps if s[key] is not None]
        assert doc["summary"][key] == pytest.approx(float(np.median(vals)))
    cad = [60000.0 / s["step_time_ms"] for s in steps if s["step_time_ms"] is not None]
    assert doc["summary"]["cadence_spm"] == pytest.approx(float(np.median(cad)))
    gl = np.mean([s["gct_ms"] for s in steps if s["side"] == "left"])
    gr = np.mean([s["gct_ms"] for s in steps if s["side"] == "right"])
    assert doc["summary"]["gct_balance_left_pct"] == pytest.approx(100 * gl / (gl + gr))
    assert doc["symmetry_pct"]["gct_ms"] == pytest.approx(100 * (gl - gr) / (0.5 * (gl + gr)))
    # a 3.5 m/s treadmill run: plausible values, not only well-formed ones
    assert 150 < doc["summary"]["cadence_spm"] < 200 and 150 < doc["summary"]["gct_ms"] < 320
    assert doc["summary"]["speed_mps"] == pytest.approx(3.5, abs=0.2)


def test_csv_matches_json_steps(example_run: dict[str, Any]) -> None:
    with open(example_run["out"] / "s.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    steps = example_run["doc"]["steps"]
    assert len(rows) == len(steps)
    assert STEP_KEYS <= set(rows[0])
    for r, s in zip(rows, steps, strict=True):
        assert r["side"] == s["side"]
        assert float(r["ic_s"]) == pytest.approx(s["ic_s"], abs=1e-5)
        assert (r["gct_ms"] == "") == (s["gct_ms"] is None)


def test_times_on_the_c3d_time_axis(example_run: dict[str, Any], shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """C3D: (first_frame - 1 + i) / rate. The example starts at frame 1; Running_0002 at frame 443 (200 Hz)."""
    doc = example_run["doc"]
    t0, t1 = doc["trial"]["time_range_s"]
    assert t0 == 0.0 and t1 == pytest.approx(8999 / 300)  # markers end at 4499/150 s, the plate (300 Hz) later
    assert all(t0 <= c["ic_s"] < c["to_s"] <= t1 for c in doc["contacts"])
    code, _, err = run(["analyze", shared_data / "mocap" / "pyorerun" / "Running_0002.c3d", "--json", tmp_path / "o.json", "-q"], capsys)
    assert code == 0, err
    over = json.loads((tmp_path / "o.json").read_text())
    assert over["trial"]["time_range_s"][0] == pytest.approx(442 / 200)
    assert over["contacts"] and all(2.21 <= c["ic_s"] < c["to_s"] <= over["trial"]["time_range_s"][1] for c in over["contacts"])
    assert over["summary"]["cadence_spm"] is None  # one contact: no step, so no made-up cadence
    assert any("no complete step" in w for w in over["warnings"])


def test_times_on_the_text_and_mot_time_axes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SYNTHETIC running forces with known contacts. MOT: its time column (starting at 12.5 s). Text
    export with an integer frame counter: (frame - 1) / rate; reading frame / rate instead would
    shift every event by one sample (1 ms), far more than the tolerance here."""
    mot_forces = synthetic_gait("run", start_s=12.5)
    code, _, err = run(["analyze", write_mot(tmp_path / "run.mot", mot_forces), "--json", tmp_path / "m.json", "-q"], capsys)
    assert code == 0, err
    doc = json.loads((tmp_path / "m.json").read_text())
    true = mot_forces.contacts[1:-1]
    got = [(c["side"], c["ic_s"], c["to_s"]) for c in doc["contacts"]]
    assert len(got) >= len(true)
    for side, ic, to in true:
        match = min(got, key=lambda g: abs(g[1] - ic))
        assert match[0] == side and abs(match[1] - ic) < 0.005 and abs(match[2] - to) < 0.005

    same = synthetic_gait("run", start_s=0.0)
    write_mot(tmp_path / "zero.mot", same)
    write_force_text(tmp_path / "frames.txt", same)
    assert run(["analyze", tmp_path / "zero.mot", "--json", tmp_path / "z.json", "-q"], capsys)[0] == 0
    code, _, err = run(["analyze", tmp_path / "frames.txt", "--forces-rate-hz", "1000", "--json", tmp_path / "f.json", "-q"], capsys)
    assert code == 0, err
    a = json.loads((tmp_path / "z.json").read_text())["contacts"]
    b = json.loads((tmp_path / "f.json").read_text())["contacts"]
    assert len(a) == len(b) > 10
    for ca, cb in zip(a, b, strict=True):
        assert abs(ca["ic_s"] - cb["ic_s"]) < 1e-4 and abs(ca["to_s"] - cb["to_s"]) < 1e-4


def test_json_to_stdout_is_only_json(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["analyze", example_dir / "RBDS001runT35.c3d", "--end-s", "5", "--json", "-"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema_version"] == "1.0" and all(c["to_s"] <= 5.0 for c in doc["contacts"])


def test_summary_table_is_printed(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["analyze", example_dir / "RBDS001runT35.c3d", "--end-s", "6"], capsys)
    assert code == 0
    for label in ("Cadence", "Ground contact time", "Flight time", "Duty factor", "Vertical ratio", "steps/min"):
        assert label in out


def test_installed_script_exit_codes(example_dir: Path, tmp_path: Path) -> None:
    """The console script itself (a separate process): ok, usage error, invalid input."""
    exe = Path(sys.executable).with_name("stridelab")
    if not exe.exists():
        pytest.skip(f"console script {exe} not installed (pip install -e .)")
    trial = example_dir / "RBDS001runT35.c3d"
    ok = subprocess.run([exe, "analyze", trial, "--end-s", "4", "--json", tmp_path / "x.json", "-q"], capture_output=True, text=True)
    # -q: no table; warnings still go to stderr, one "warning:" line each, and no progress bar off a terminal
    assert ok.returncode == 0 and ok.stdout == ""
    assert all(line.startswith("warning: ") for line in ok.stderr.splitlines())
    usage = subprocess.run([exe, "analyze", trial, "--speed-mps", "fast"], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1 and usage.stderr.startswith("stridelab: error:")
    bad = tmp_path / "bad.c3d"
    bad.write_bytes(b"not a c3d file at all" * 40)
    invalid = subprocess.run([exe, "analyze", bad], capture_output=True, text=True)
    assert invalid.returncode == 3 and invalid.stderr.count("\n") == 1 and "Traceback" not in invalid.stderr
    assert subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip() == __version__


def test_warnings_go_to_stderr_also_with_quiet(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary table on stdout, the warnings on stderr; -q hides the table, not the warnings; the
    JSON on stdout (--json -) stays pure JSON."""
    trial = example_dir / "RBDS001runT35.c3d"
    code, out, err = run(["analyze", trial, "--end-s", "4", "-q", "--json", tmp_path / "r.json"], capsys)
    doc = json.loads((tmp_path / "r.json").read_text())
    assert code == 0 and out == "" and doc["warnings"]
    assert [line for line in err.splitlines() if line.startswith("warning: ")] and "Cadence" not in err
    code, out, err = run(["analyze", trial, "--end-s", "4", "--json", "-"], capsys)
    assert code == 0 and json.loads(out)["warnings"] == doc["warnings"]
    assert all(line.startswith("warning: ") for line in err.splitlines())

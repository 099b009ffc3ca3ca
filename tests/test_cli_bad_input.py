"""Bad input through the command line: each case gives one line on stderr saying what is wrong and
what to do, the documented exit code (2 usage, 3 invalid input, 4 no valid result), no traceback
and no made-up number.

Damaged files are copies of the real example (truncated, or one byte changed at an offset that
makes the C3D parser crash or allocate without bound); edited files are copies of the real
Fukuchi text exports (gaps blanked, markers renamed). Walking, standing and running force
recordings are SYNTHETIC (tests/_cli_inputs.py).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from _cli_inputs import (
    corrupt_copy,
    crop_text_export,
    edit_text_columns,
    synthetic_gait,
    write_mot,
    write_trc,
)
from stridelab.cli.main import main

ROWS_MARKERS = 1500  # 10 s of the 150 Hz marker export ...
ROWS_FORCES = 3000  # ... and of the 300 Hz force export


def run(args: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_error(code: int, err: str, expected_code: int, *needles: str) -> None:
    """One line on stderr, the exit code, the words that say what is wrong and what to do."""
    assert code == expected_code, err
    assert err.startswith("stridelab: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err
    for n in needles:
        assert n.lower() in err.lower(), (n, err)


@pytest.fixture(scope="module")
def t25(fukuchi: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The first 10 s of the real 2.5 m/s text exports (markers 150 Hz, forces 300 Hz)."""
    d = tmp_path_factory.mktemp("t25")
    return {
        "markers": crop_text_export(fukuchi / "RBDS001runT25markers.txt", d / "markers.txt", ROWS_MARKERS),
        "forces": crop_text_export(fukuchi / "RBDS001runT25forces.txt", d / "forces.txt", ROWS_FORCES),
    }


# --- damaged C3D files -------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [100, 700, 5000, 800_000, 2_526_000])
def test_truncated_c3d(example_dir: Path, tmp_path: Path, keep: int, capsys: pytest.CaptureFixture[str]) -> None:
    data = (example_dir / "RBDS001runT35.c3d").read_bytes()
    f = tmp_path / "cut.c3d"
    f.write_bytes(data[:keep])
    code, out, err = run(["analyze", f, "--json", tmp_path / "r.json"], capsys)
    assert_error(code, err, 3, "cut.c3d")
    assert "truncated" in err or "not a C3D file" in err
    assert not (tmp_path / "r.json").exists() and out == ""


@pytest.mark.parametrize(("offset", "value"), [(914, 244), (1956, 79)])
def test_c3d_that_crashes_the_parser(example_dir: Path, tmp_path: Path, offset: int, value: int, capsys: pytest.CaptureFixture[str]) -> None:
    """One changed byte in the parameter section made ezc3d 1.7 die with SIGSEGV; a later ezc3d may
    refuse it with an exception instead: either way one line and exit 3, and this process lives."""
    f = corrupt_copy(example_dir / "RBDS001runT35.c3d", tmp_path / "corrupt.c3d", offset, value)
    code, _, err = run(["analyze", f], capsys)
    assert_error(code, err, 3, "corrupt.c3d", "export it again")


def test_parser_crash_in_the_child_is_an_error(example_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A real crash: the child process kills itself with SIGSEGV while parsing."""
    import stridelab.io.c3d as c3d

    def segfault(path: str) -> dict[str, object]:
        os.kill(os.getpid(), signal.SIGSEGV)
        return {}

    monkeypatch.setattr(c3d, "_parse", segfault)
    code, _, err = run(["analyze", example_dir / "RBDS001runT35.c3d"], capsys)
    assert_error(code, err, 3, "crashed (signal 11)", "export it again")


def test_parser_that_hangs_is_stopped(example_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import stridelab.io.c3d as c3d

    def hang(path: str) -> dict[str, object]:
        time.sleep(60)
        return {}

    monkeypatch.setattr(c3d, "_parse", hang)
    monkeypatch.setattr(c3d, "PARSE_TIMEOUT_S", 1.0)
    monkeypatch.setattr(c3d, "PARSE_TIMEOUT_S_PER_MB", 0.0)
    t0 = time.monotonic()
    code, _, err = run(["analyze", example_dir / "RBDS001runT35.c3d"], capsys)
    assert_error(code, err, 3, "did not finish", "corrupt")
    assert time.monotonic() - t0 < 15


def test_c3d_that_makes_the_parser_allocate_without_bound(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Byte 1579 set to 129 made ezc3d grow past 6 GB; the child's memory cap stops it at once."""
    f = corrupt_copy(example_dir / "RBDS001runT35.c3d", tmp_path / "huge.c3d", 1579, 129)
    t0 = time.monotonic()
    code, _, err = run(["analyze", f], capsys)
    assert_error(code, err, 3, "huge.c3d")
    assert time.monotonic() - t0 < 30


@pytest.mark.parametrize("content", [b"", b"hello", b"\x02\x50" + bytes(range(256)) * 40])
def test_not_a_c3d(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.c3d"
    f.write_bytes(content)
    code, _, err = run(["analyze", f], capsys)
    assert_error(code, err, 3, "x.c3d")


def test_missing_folder_and_unknown_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_error(*run(["analyze", tmp_path / "nope.c3d"], capsys)[::2], 3, "not found")
    assert_error(*run(["analyze", tmp_path], capsys)[::2], 3, "folder")
    (tmp_path / "a.xyz").write_text("1 2 3")
    assert_error(*run(["analyze", tmp_path / "a.xyz"], capsys)[::2], 3, "unsupported file type", ".c3d")


# --- marker names, gaps and units --------------------------------------------------------------


def _anonymised(t25: dict[str, Path], tmp_path: Path) -> tuple[Path, list[str], dict[str, str]]:
    header = t25["markers"].read_text().split("\n", 1)[0].split("\t")
    names = [h[:-1] for h in header[1::3]]
    anon = {n: f"M{i + 1:02d}" for i, n in enumerate(names)}
    return edit_text_columns(t25["markers"], tmp_path / "anon.txt", rename=anon), names, anon


def test_unknown_marker_names_without_forces(t25: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every marker renamed M01..M32 and no forces: nothing tells the axes; the message names both ways out."""
    f, _, _ = _anonymised(t25, tmp_path)
    code, _, err = run(["analyze", f, "--rate-hz", "150"], capsys)
    assert_error(code, err, 3, "anon.txt", "--vertical-axis", "--markerset")
    bad_map = tmp_path / "bad.csv"
    bad_map.write_text("lab_name,canonical\nM01,left_knee_thing\n")
    code, _, err = run(["analyze", f, "--rate-hz", "150", "--markerset", bad_map], capsys)
    assert_error(code, err, 3, "left_knee_thing")


def test_unknown_marker_names_with_forces(t25: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With forces the plate gives the axes and the contacts, but the sides guessed from the centre
    of pressure of one treadmill plate break the left-right alternation (issue 18: "rrrlll", duty
    factor doubled): refused, saying what is needed. A mapping file then restores everything."""
    from stridelab.io.markerset import map_markers

    f, names, anon = _anonymised(t25, tmp_path)
    rates = ["--rate-hz", "150", "--forces-rate-hz", "300"]
    code, _, err = run(["analyze", f, "--forces", t25["forces"], *rates, "--json", tmp_path / "r.json", "-q"], capsys)
    assert_error(code, err, 4, "left and right cannot be told apart", "foot markers")
    assert not (tmp_path / "r.json").exists()

    mapping = tmp_path / "map.csv"
    canonical = map_markers(names).names
    mapping.write_text("lab_name,canonical\n" + "".join(f"{anon[n]},{c}\n" for n, c in zip(names, canonical, strict=True)))
    code, _, err = run(["analyze", f, "--forces", t25["forces"], *rates, "--markerset", mapping, "--json", tmp_path / "m.json", "-q"], capsys)
    assert code == 0, err
    doc = json.loads((tmp_path / "m.json").read_text())
    assert not [i for i in doc["quality"]["items"] if i.get("kind") == "markers_unmapped"]
    assert doc["summary"]["vertical_oscillation_cm"] is not None
    assert not any("centre of pressure" in w for w in doc["warnings"])


def test_gaps_short_filled_long_reported(t25: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 5-frame gap (33 ms) is filled; a 150-frame gap (1 s) is left open and reported."""
    f = edit_text_columns(t25["markers"], tmp_path / "gaps.txt", blank={"L.Heel.Top": (300, 305), "R.PSIS": (600, 750)})
    code, _, err = run(["analyze", f, "--forces", t25["forces"], "--json", tmp_path / "r.json", "--report", tmp_path / "r.html", "-q"], capsys)
    assert code == 0, err
    doc = json.loads((tmp_path / "r.json").read_text())
    items = doc["quality"]["items"]
    filled = [i for i in items if i.get("kind") == "gap_filled" and i["marker"] == "l_heel_top"]
    long = [i for i in items if i.get("kind") == "gap_long" and i["marker"] == "r_psis"]
    assert filled and filled[0]["frames"] == 5
    assert long and long[0]["frames"] == 150 and long[0]["seconds"] == pytest.approx(1.0)
    html = (tmp_path / "r.html").read_text()
    assert "l_heel_top" in html and "r_psis" in html and "left open" in html
    assert doc["summary"]["cadence_spm"] is not None


def test_units(t25: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No unit in the text export: found from the data and said; a declared unit that contradicts the
    data: refused; an unknown unit: usage error."""
    code, _, err = run(["analyze", t25["markers"], "--forces", t25["forces"], "--json", tmp_path / "r.json", "-q"], capsys)
    assert code == 0, err
    assert any("no length unit" in w for w in json.loads((tmp_path / "r.json").read_text())["warnings"])
    assert_error(*run(["analyze", t25["markers"], "--forces", t25["forces"], "--units", "m"], capsys)[::2], 3, "units say 'm'", "--units mm")
    assert_error(*run(["analyze", t25["markers"], "--units", "km"], capsys)[::2], 2, "--units")


def test_trc_with_empty_and_wrong_units(t25: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = t25["markers"].read_text().splitlines()
    header = lines[0].split("\t")
    data = np.array([[float(v) for v in ln.split("\t")] for ln in lines[1:]])
    names = [h[:-1] for h in header[1::3]]
    pos = data[:, 1:].reshape(len(data), len(names), 3)
    t = np.arange(len(data)) / 150.0
    empty = write_trc(tmp_path / "empty.trc", names, t, pos, "")
    code, _, err = run(["analyze", empty, "--forces", t25["forces"], "--json", tmp_path / "r.json", "-q"], capsys)
    assert code == 0, err
    assert any("no length unit" in w for w in json.loads((tmp_path / "r.json").read_text())["warnings"])
    wrong = write_trc(tmp_path / "wrong.trc", names, t, pos / 1000.0, "mm")  # metres labelled mm
    assert_error(*run(["analyze", wrong, "--forces", t25["forces"]], capsys)[::2], 3, "units say 'mm'", "--units m")


# --- not running, no contacts ------------------------------------------------------------------


def test_walking_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SYNTHETIC walking: per-foot forces whose contacts overlap (double support)."""
    f = write_mot(tmp_path / "walk_synthetic.mot", synthetic_gait("walk"))
    code, out, err = run(["analyze", f, "--json", tmp_path / "r.json"], capsys)
    assert_error(code, err, 3, "walking", "double support")
    assert not (tmp_path / "r.json").exists() and out == ""


def test_running_from_the_same_generator_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Positive control for the walking test: SYNTHETIC running with a flight phase passes."""
    f = write_mot(tmp_path / "run_synthetic.mot", synthetic_gait("run"))
    code, _, err = run(["analyze", f, "--json", tmp_path / "r.json", "-q"], capsys)
    assert code == 0, err
    s = json.loads((tmp_path / "r.json").read_text())["summary"]
    assert s["gct_ms"] == pytest.approx(250, abs=5) and s["cadence_spm"] == pytest.approx(60 / 0.35, abs=1)
    assert s["step_length_m"] is None and s["speed_mps"] is None  # no markers, no speed: null, not invented


def test_no_contact_in_the_window(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["analyze", example_dir / "RBDS001runT35.c3d", "--start-s", "1.0", "--end-s", "1.2"], capsys)
    assert_error(code, err, 4, "no complete foot contact")


def test_standing_on_the_plates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SYNTHETIC: both plates loaded for the whole recording (standing): no contact can be found."""
    f = synthetic_gait("run")
    f.right[:, 1] = 343.0
    f.left[:, 1] = 343.0
    f.right[:, 0] = f.left[:, 0] = 0.0
    code, _, err = run(["analyze", write_mot(tmp_path / "stand_synthetic.mot", f), "--vertical-axis", "+Y", "--forward-axis", "+X"], capsys)
    assert_error(code, err, 4)


def test_window_outside_the_recording(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["analyze", example_dir / "RBDS001runT35.c3d", "--start-s", "50", "--end-s", "60"], capsys)
    assert_error(code, err, 3, "holds no", "0.000-29.993")


# --- options and outputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--speed-mps", "fast"], "--speed-mps"),
        (["--speed-mps", "-3"], "--speed-mps"),
        (["--speed-mps", "inf"], "finite"),
        (["--speed-mps", "nan"], "finite"),
        (["--mass-kg", "0"], "--mass-kg"),
        (["--height-m", "181"], "1.81"),
        (["--leg-length-m", "95"], "--leg-length-m"),
        (["--events-from", "sonar"], "--events-from"),
        (["--environment", "moon"], "--environment"),
        (["--units", "furlong"], "--units"),
        (["--start-s", "5", "--end-s", "2"], "--end-s"),
        (["--bogus"], "--bogus"),
        (["--forces", "examples/fukuchi2017/README.md"], "--forces"),
    ],
)
def test_bad_option_values(example_dir: Path, extra: list[str], needle: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(example_dir.parents[1])
    code, out, err = run(["analyze", example_dir / "RBDS001runT35.c3d", *extra], capsys)
    assert_error(code, err, 2, needle)
    assert out == ""


def test_missing_argument_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert_error(*run(["analyze"], capsys)[::2], 2, "trial", "--help")
    assert_error(*run(["frobnicate"], capsys)[::2], 2, "frobnicate")


def test_unwritable_outputs_fail_before_the_analysis(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checked first (no half-written results): a path under a file, a folder, the input itself,
    the same path twice."""
    trial = example_dir / "RBDS001runT35.c3d"
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    good = tmp_path / "ok.json"
    cases = [
        (["--json", good, "--report", blocker / "r.html"], "afile"),
        (["--csv", tmp_path], "folder"),
        (["--json", trial], "input file"),
        (["--json", good, "--csv", good], "its own path"),
    ]
    before = trial.read_bytes()
    for extra, needle in cases:
        code, _, err = run(["analyze", trial, *extra], capsys)
        assert_error(code, err, 2, needle)
        assert not good.exists()
    assert trial.read_bytes() == before


def test_failed_write_after_the_analysis(example_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A write that fails only when attempted (here /proc, which refuses new files) is one line, exit 3."""
    code, _, err = run(["analyze", example_dir / "RBDS001runT35.c3d", "--end-s", "3", "--json", "/proc/stridelab-test/r.json"], capsys)
    assert_error(code, err, 3, "cannot write", "choose another output path")


def test_events_from_a_source_the_recording_lacks(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Running Injury Clinic trial has markers only."""
    code, _, err = run(["analyze", shared_data / "mocap" / "ric2024" / "20140515T133244_run.c3d", "--events-from", "forces"], capsys)
    assert_error(code, err, 3, "no forces")


def test_force_dropouts_leave_out_the_contacts_they_touch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SYNTHETIC running forces with two 30 ms dropouts (NaN): one over a true initial contact (it would
    move the contact's start by 24 ms), one in mid-stance (it would split a contact in two). Those
    contacts are left out with the reason, the others are untouched, nothing is invented."""
    f = synthetic_gait("run")
    t = f.time_s
    for a, b in ((1.49, 1.52), (2.99, 3.02)):
        m = (t >= a) & (t < b)
        f.right[m] = np.nan
        f.left[m] = np.nan
    code, _, err = run(["analyze", write_mot(tmp_path / "dropout_synthetic.mot", f), "--json", tmp_path / "r.json", "-q"], capsys)
    assert code == 0, err
    doc = json.loads((tmp_path / "r.json").read_text())
    got = [(c["ic_s"], c["to_s"]) for c in doc["contacts"]]
    assert not any(ic < 1.76 and to > 1.49 for ic, to in got)  # the contact 1.50-1.75 s is gone
    assert not any(ic < 3.15 and to > 2.90 for ic, to in got)  # so is 2.90-3.15 s (no halves)
    true = [(ic, to) for _, ic, to in f.contacts if not (1.4 < ic < 1.6 or 2.8 < ic < 3.0)][1:-1]
    for ic, to in true:
        assert any(abs(g[0] - ic) < 0.005 and abs(g[1] - to) < 0.005 for g in got)
    reasons = [r["reason"] for r in doc["quality"]["rejected_contacts"]]
    assert sum("missing (NaN)" in r for r in reasons) >= 2
    assert any("missing (NaN)" in w for w in doc["warnings"])
    assert all(s["gct_ms"] is None or 240 < s["gct_ms"] < 260 for s in doc["steps"])

"""The light parser of ``stridelab analyze`` (stridelab.cli.fast) and the CLI's import budget.

The light parser must read every argument list exactly as typer does (or hand it to typer), and a
C3D run through the CLI must not import modules outside its budget (pydantic, the other commands,
the IMU and video stages, ...): start-up is most of a short CLI run (issue 12).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from stridelab.cli import analyze as _analyze  # noqa: F401 - registers the command
from stridelab.cli.analyze_run import run_analyze
from stridelab.cli.fast import OPTIONS, parse_analyze
from stridelab.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"
STATIC = ROOT / "examples" / "fukuchi2017" / "RBDS001static.c3d"

#: Modules a C3D ``analyze --json`` run must not import (prefixes). pandas (and the pyarrow it loads)
#: cost more CPU than the whole bare read of the trial: the tables of the analysis path are
#: stridelab.model.columns.Columns, DataFrames only for the consumers that ask for them. typer (and
#: click) only parse --help and unusual arguments (stridelab.cli.app).
OUTSIDE_BUDGET = (
    "pandas", "pyarrow", "typer", "click", "pydantic", "pydantic_core", "matplotlib", "sqlalchemy", "jinja2", "rich", "scipy",
    "sklearn", "torch", "cv2", "stridelab.cli.batch", "stridelab.cli.record", "stridelab.cli.skill",
    "stridelab.cli.synth", "stridelab.cli.info", "stridelab.cli.methods", "stridelab.video", "stridelab.skill",
    "stridelab.synth", "stridelab.report", "stridelab.store", "stridelab.batch", "stridelab.metrics.imu",
    "stridelab.events.imu", "stridelab.io.imu", "stridelab.io.fit",
)


def _typer_params(args: list[str]) -> dict[str, object]:
    cmd = typer.main.get_command(app).commands["analyze"]  # type: ignore[attr-defined]
    ctx = cmd.make_context("analyze", list(args))
    return dict(ctx.params)


def test_options_are_the_typer_commands() -> None:
    cmd = typer.main.get_command(app).commands["analyze"]  # type: ignore[attr-defined]
    typer_opts = {p.name: sorted(o for o in p.opts if o.startswith("--")) for p in cmd.params if p.name != "trial"}
    assert typer_opts == {name: [opt] for opt, name, _ in OPTIONS}
    assert list(run_analyze.__code__.co_varnames[: run_analyze.__code__.co_argcount]) == ["trial"] + [n for _, n, _ in OPTIONS]


@pytest.mark.parametrize(
    "args",
    [
        ["a.c3d"],
        ["a.c3d", "--static", "s.c3d", "--mass-kg", "62", "--height-m", "1.81", "--json", "-", "-q"],
        ["--json=out.json", "a.c3d", "--param", "threshold_n=30", "--param", "kinematics.marker_cutoff_hz=4", "--quiet"],
        ["a.c3d", "--start-s", "-1.5", "--end-s", "2e1", "--events-from", "markers", "--units", "mm", "--speed-mps", ".5"],
        ["a.c3d", "--mass-kg", "60", "--mass-kg", "70", "--vertical-axis", "+Z", "--forward-axis", "+X"],
    ],
)
def test_light_parser_reads_as_typer(args: list[str]) -> None:
    fast = parse_analyze(args)
    assert fast is not None
    defaults = {name: p.default for name, p in __import__("inspect").signature(run_analyze).parameters.items()}
    got = {**defaults, **fast}
    want = _typer_params(args)
    assert got == {k: (list(v) if isinstance(v, tuple) else v) for k, v in want.items()}


@pytest.mark.parametrize(
    "args",
    [["a.c3d", "--help"], ["-h"], [], ["a.c3d", "b.c3d"], ["a.c3d", "--bogus"], ["a.c3d", "--mass-kg", "abc"],
     ["a.c3d", "--mass-kg", "nan"], ["a.c3d", "--forward-axis", "-X"], ["a.c3d", "--mass"], ["a.c3d", "--json"], ["", "--json", "o.json"], ["a.c3d", "--", "x"]],
)
def test_unusual_arguments_go_to_typer(args: list[str]) -> None:
    assert parse_analyze(args) is None


def _modules_of_run(args: list[str], **env_extra: str) -> list[str]:
    code = (
        "import json, sys\n"
        "from stridelab.cli.main import main\n"
        f"rc = main({args!r})\n"
        "print(json.dumps({'rc': rc, 'modules': sorted(sys.modules)}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env_extra}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout.splitlines()[-1])
    assert doc["rc"] == 0
    return list(doc["modules"])


def _outside(modules: list[str], budget: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in budget))


def test_c3d_run_stays_within_its_import_budget(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    modules = _modules_of_run(["analyze", str(RUN), "--static", str(STATIC), "--json", str(out), "-q"])
    assert json.loads(out.read_text())["trial"]["n_steps"] > 0
    assert _outside(modules, OUTSIDE_BUDGET) == []


@pytest.mark.parametrize(
    ("rel", "allowed"),
    [
        # a watch file: the FIT decoder and the record tables, no pandas either (the drift analysis of a long run included)
        ("wearable/fit/activity-small-fenix2-run.fit", ("stridelab.io.fit",)),
        # an accelerometer CSV is read with pandas (stridelab.io.imu); a trunk accelerometer's contacts use a
        # numpy prominence (stridelab.events.prominence), not scipy.signal (which imports scipy.optimize)
        ("wearable/accel/acc_running.csv.gz", ("stridelab.metrics.imu", "stridelab.events.imu", "stridelab.io.imu", "pandas", "pyarrow")),
    ],
)
def test_watch_and_imu_runs_stay_within_their_import_budget(shared_data: Path, tmp_path: Path, rel: str, allowed: tuple[str, ...]) -> None:
    out = tmp_path / "out.json"
    # the reader in-process (STRIDELAB_CHILD_PARSE=0), so that what it imports in its child counts too
    modules = _modules_of_run(["analyze", str(shared_data / rel), "--json", str(out), "-q"], STRIDELAB_CHILD_PARSE="0")
    assert out.exists()
    assert _outside(modules, tuple(m for m in OUTSIDE_BUDGET if m not in allowed)) == []


def test_c3d_reader_child_imports_no_pandas() -> None:
    """The C3D parse runs in a forked child, whose imports the run above cannot see: the same work
    in-process (stridelab.io.c3d._parse: ezc3d, plates, the lab's events) must not import pandas
    either (it did through stridelab.io.c3d_events: 0.25 s of CPU in every C3D child)."""
    code = (
        "import json, sys\n"
        "from stridelab.io.c3d import parse_c3d_inprocess\n"
        f"d = parse_c3d_inprocess({str(RUN)!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert _outside(json.loads(res.stdout.splitlines()[-1]), ("pandas", "pyarrow", "scipy")) == []

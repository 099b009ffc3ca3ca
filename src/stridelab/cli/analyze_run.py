"""The work of ``stridelab analyze``, without the argument parser.

Both parsers call :func:`run_analyze`: typer's (``stridelab.cli.analyze``, for ``--help`` and the
usage errors) and the light one of the hot path (``stridelab.cli.fast``), so a C3D, FIT or IMU run
imports neither typer's adapters nor pydantic. Heavy modules are imported inside the function.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from stridelab.metrics.catalog import format_value, rows


def run_analyze(
    trial: Path,
    forces: Path | None = None,
    static: Path | None = None,
    events_from: str = "auto",
    events_method: str | None = None,
    param: list[str] | None = None,
    speed_mps: float | None = None,
    mass_kg: float | None = None,
    height_m: float | None = None,
    leg_length_m: float | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    markerset: Path | None = None,
    json_out: Path | None = None,
    csv_out: Path | None = None,
    report_out: Path | None = None,
    video_out: Path | None = None,
    units: str | None = None,
    vertical_axis: str | None = None,
    forward_axis: str | None = None,
    rate_hz: float | None = None,
    forces_rate_hz: float | None = None,
    environment: str | None = None,
    location: str | None = None,
    quiet: bool = False,
) -> None:
    """Analyse one running recording and write what the options ask for (see ``stridelab analyze --help``)."""
    from stridelab.analysis import AnalysisOptions
    from stridelab.cli.checks import check_outputs
    from stridelab.io import ReadOptions, check_read_options

    aopts = AnalysisOptions(
        events_from=events_from,
        speed_mps=speed_mps,
        mass_kg=mass_kg,
        height_m=height_m,
        leg_length_m=leg_length_m,
        environment=environment,
        events_method=events_method,
        event_params={k: v for k, v in parse_params(param or []).items() if "." not in k},
        stage_params=stage_params(parse_params(param or [])),
    )
    aopts.check()
    ropts = ReadOptions(
        forces=forces,
        static=static,
        markerset=markerset,
        units=units,
        vertical_axis=vertical_axis,
        forward_axis=forward_axis,
        rate_hz=rate_hz,
        forces_rate_hz=forces_rate_hz,
        start_s=start_s,
        end_s=end_s,
        location=location,
    )
    check_read_options(ropts)
    existing(trial, "recording")
    existing(forces, "force file")
    existing(static, "static trial")
    existing(markerset, "marker mapping file")
    check_outputs({"--json": json_out, "--csv": csv_out, "--report": report_out}, [trial, forces, static, markerset])

    from stridelab.analysis import analyze as run_analysis
    from stridelab.io import read_trial

    tr = read_trial(trial, ropts)
    result = run_analysis(tr, aopts)
    doc = result.to_json()
    if json_out is not None:
        text = json.dumps(doc, indent=1, allow_nan=False)
        if str(json_out) == "-":
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
            quiet = True
        else:
            _write(json_out, text)
    if csv_out is not None:
        _write(csv_out, result.steps.to_csv(index=False, float_format="%.9g"))
    if report_out is not None:
        from stridelab.report import write_report

        write_report(result, report_out)
    if video_out is not None:
        from stridelab.video.annotate import write_annotated_video

        write_annotated_video(result, video_out)
    if not quiet:
        _print_summary(doc, trial.name, report_out)



def existing(p: Path | None, what: str) -> Path | None:
    """``p`` when it exists (or is None); InvalidInputError otherwise."""
    from stridelab.errors import InvalidInputError

    if p is not None and not p.exists():
        raise InvalidInputError(f"{what} not found: {p}")
    return p


def parse_params(items: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` items of ``--param`` -> {name: text} (typed later by the method's defaults)."""
    from stridelab.errors import UsageError

    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"--param {item!r}: write NAME=VALUE, e.g. --param threshold_n=30 (see 'stridelab methods')")
        out[name.strip()] = value.strip()
    return out


def stage_params(params: dict[str, str]) -> dict[str, dict[str, str]]:
    """``stage.NAME`` items of ``--param`` -> {stage: {name: text}}."""
    out: dict[str, dict[str, str]] = {}
    for key, value in params.items():
        if "." in key:
            stage, _, name = key.partition(".")
            out.setdefault(stage, {})[name] = value
    return out


def _write(path: Path, text: str) -> None:
    from stridelab.errors import InvalidInputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InvalidInputError(f"cannot write {path} ({e.strerror}); choose another output path") from None


_ROWS = rows(
    "cadence_spm", "gct_ms", "flight_ms", "duty_factor", "step_length_m", "speed_mps", "pace_min_per_km",
    "vertical_oscillation_cm", "vertical_ratio_pct", "gct_balance_left_pct",
)


def _fmt(v: Any, f: str) -> str:
    return format_value("", v, f)


def _print_summary(doc: dict[str, Any], name: str, report: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    s, bs = doc["summary"], doc["by_side"]
    n_steps = doc["trial"]["n_steps"]
    what = f"{n_steps} steps" if n_steps else "no per-step data"
    table = Table(title=f"{name}: {what} ({doc['trial']['environment']})")
    table.add_column("Metric")
    table.add_column("Median", justify="right")
    table.add_column("Left", justify="right")
    table.add_column("Right", justify="right")
    table.add_column("Unit")
    for label, key, unit, f in _ROWS:
        table.add_row(label, _fmt(s.get(key), f), _fmt(bs["left"].get(key), f), _fmt(bs["right"].get(key), f), unit)
    console = Console()
    console.print(table)
    for w in doc["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
    if report is not None:
        console.print(f"report: {report}", highlight=False)

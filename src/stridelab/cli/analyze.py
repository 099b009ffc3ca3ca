"""``stridelab analyze``: one recording in; summary table, JSON, CSV and HTML report out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from stridelab.cli.main import app, existing, handle_errors
from stridelab.events.registry import EVENT_METHODS, all_methods
from stridelab.metrics.catalog import format_value, rows


@app.command()
@handle_errors
def analyze(
    trial: Annotated[Path, typer.Argument(help="Recording: C3D, TRC, MOT, text export, ...", show_default=False)],
    forces: Annotated[Path | None, typer.Option("--forces", help="Separate force file (text or MOT).")] = None,
    static: Annotated[Path | None, typer.Option("--static", help="Standing calibration trial (defines anatomical landmarks).")] = None,
    events_from: Annotated[str, typer.Option("--events-from", help=f"Contact events from: auto | {' | '.join(EVENT_METHODS)}.")] = "auto",
    events_method: Annotated[str | None, typer.Option("--events-method", help=f"Contact-event method (default: the source's first): {', '.join(all_methods())}; see 'stridelab methods'.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="NAME=VALUE: a parameter of the event method, or stage.NAME=VALUE of a stage (kinematics, kinetics); repeatable; see 'stridelab methods'.")] = None,
    speed_mps: Annotated[float | None, typer.Option("--speed-mps", help="Treadmill belt speed (m/s).")] = None,
    mass_kg: Annotated[float | None, typer.Option("--mass-kg", help="Body mass (kg).")] = None,
    height_m: Annotated[float | None, typer.Option("--height-m", help="Body height (m).")] = None,
    leg_length_m: Annotated[float | None, typer.Option("--leg-length-m", help="Leg length (m).")] = None,
    start_s: Annotated[float | None, typer.Option("--start-s", help="Analyse from this time (s, file's time axis).")] = None,
    end_s: Annotated[float | None, typer.Option("--end-s", help="Analyse up to this time (s).")] = None,
    markerset: Annotated[Path | None, typer.Option("--markerset", help="Marker-name mapping file (JSON or CSV).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON result here ('-' for stdout).")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the per-step table here (CSV).")] = None,
    report_out: Annotated[Path | None, typer.Option("--report", help="Write the HTML report here.")] = None,
    video_out: Annotated[Path | None, typer.Option("--video-out", help="Video input: write the annotated video here (WebM).")] = None,
    units: Annotated[str | None, typer.Option("--units", help="Marker length units if the file lacks them: mm | cm | m.")] = None,
    vertical_axis: Annotated[str | None, typer.Option("--vertical-axis", help="Declare the vertical file axis, e.g. +Z.")] = None,
    forward_axis: Annotated[str | None, typer.Option("--forward-axis", help="Declare the running direction, e.g. -X.")] = None,
    rate_hz: Annotated[float | None, typer.Option("--rate-hz", help="Marker rate for text files with a frame counter; for a slow-motion video, the rate it was filmed at.")] = None,
    forces_rate_hz: Annotated[float | None, typer.Option("--forces-rate-hz", help="Force rate for text files with a frame counter.")] = None,
    environment: Annotated[str | None, typer.Option("--environment", help="treadmill | overground (detected when omitted).")] = None,
    location: Annotated[str | None, typer.Option("--location", help="Sensor location, for single-sensor IMU files.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the summary table.")] = False,
) -> None:
    """Analyse one running recording."""
    from contextlib import nullcontext

    from stridelab import progress
    from stridelab.analysis import AnalysisOptions
    from stridelab.cli.checks import check_axes, check_outputs
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
    progress.enable(not quiet and str(json_out) != "-")
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
    check_axes(vertical_axis, forward_axis)
    existing(trial, "recording")
    existing(forces, "force file")
    existing(static, "static trial")
    existing(markerset, "marker mapping file")
    check_outputs({"--json": json_out, "--csv": csv_out, "--report": report_out, "--video-out": video_out}, [trial, forces, static, markerset])

    from stridelab.analysis import analyze as run_analysis
    from stridelab.io import read_trial

    is_video = trial.suffix.lower() in (".mp4", ".mov", ".avi", ".m4v", ".mkv", ".webm")
    # a video draws its own bar of frames (with rate and time left) inside the reader
    with nullcontext() if is_video else progress.progress(f"reading {trial.name}", None):
        tr = read_trial(trial, ropts)
    with progress.progress(f"analysing {trial.name}", None):
        result = run_analysis(tr, aopts)
    doc = result.to_json()
    if json_out is not None:
        text = json.dumps(doc, indent=1, allow_nan=False)
        if str(json_out) == "-":
            typer.echo(text)
            quiet = True
        else:
            _write(json_out, text)
    if csv_out is not None:
        _write(csv_out, _table_csv(result, doc))
    if report_out is not None:
        from stridelab.report import write_report

        write_report(result, report_out)
    if video_out is not None:
        from stridelab.video.annotate import write_annotated_video

        write_annotated_video(result, video_out)
    if not quiet:
        _print_summary(doc, trial.name, report_out)
    _print_warnings(doc["warnings"])


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
        from stridelab.atomic import write_text

        write_text(path, text)
    except OSError as e:
        raise InvalidInputError(f"cannot write {path} ({e.strerror}); choose another output path") from None


def _table_csv(result: Any, doc: dict[str, Any]) -> str:
    """The per-step table; for a watch file (no steps) the per-record time series."""
    ts = doc.get("timeseries")
    if len(result.steps) == 0 and ts and ts.get("time_s"):
        import pandas as pd

        n = len(ts["time_s"])
        cols = {k: v for k, v in ts.items() if isinstance(v, list) and len(v) == n}
        return str(pd.DataFrame(cols).to_csv(index=False, float_format="%.9g"))
    return str(result.steps.to_csv(index=False, float_format="%.9g"))


_ROWS = rows(
    "cadence_spm", "gct_ms", "flight_ms", "duty_factor", "step_length_m", "pace_min_per_km",
    "vertical_oscillation_cm", "vertical_ratio_pct", "gct_balance_left_pct",
)
#: Device values (watch files, foot pods): a row only when the recording has them.
_DEVICE_ROWS = rows("heart_rate_bpm", "power_w", "form_power_w", "leg_spring_stiffness_kn_m")


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
    for label, key, unit, f in _ROWS + tuple(r for r in _DEVICE_ROWS if s.get(r[1]) is not None):
        table.add_row(label, _fmt(s.get(key), f), _fmt(bs["left"].get(key), f), _fmt(bs["right"].get(key), f), unit)
    console = Console()
    console.print(table)
    laps = doc.get("laps")
    if laps and len(laps) >= 2:
        from stridelab.report.sections.laps import lap_rows

        header, lrows = lap_rows(laps, short=True)
        lt = Table(title="Laps (the watch's own lap averages)")
        for i, h in enumerate(header):
            lt.add_column(h, justify="left" if i == 0 else "right")
        for r in lrows:
            lt.add_row(*r)
        console.print(lt)
    if report is not None:
        console.print(f"report: {report}", highlight=False)


def _print_warnings(warnings: list[str]) -> None:
    """Warnings go to stderr, one line each (wrapped on a terminal), also with ``-q``."""
    from rich.console import Console

    err = Console(stderr=True, soft_wrap=not _stderr_tty())
    for w in warnings:
        err.print(f"[yellow]warning:[/yellow] {w}", highlight=False)


def _stderr_tty() -> bool:
    import sys

    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False

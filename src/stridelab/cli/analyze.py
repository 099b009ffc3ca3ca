"""``stridelab analyze``: one recording in; summary table, JSON, CSV and HTML report out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from stridelab.cli.main import app, existing, handle_errors
from stridelab.errors import UsageError
from stridelab.metrics.catalog import format_value, rows


@app.command()
@handle_errors
def analyze(
    trial: Annotated[Path, typer.Argument(help="Recording: C3D, TRC, MOT, text export, ...", show_default=False)],
    forces: Annotated[Path | None, typer.Option("--forces", help="Separate force file (text or MOT).")] = None,
    static: Annotated[Path | None, typer.Option("--static", help="Standing calibration trial (defines anatomical landmarks).")] = None,
    events_from: Annotated[str, typer.Option("--events-from", help="Contact events from: auto | forces | markers | imu | video.")] = "auto",
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
    rate_hz: Annotated[float | None, typer.Option("--rate-hz", help="Marker rate for text files with a frame counter.")] = None,
    forces_rate_hz: Annotated[float | None, typer.Option("--forces-rate-hz", help="Force rate for text files with a frame counter.")] = None,
    environment: Annotated[str | None, typer.Option("--environment", help="treadmill | overground (detected when omitted).")] = None,
    location: Annotated[str | None, typer.Option("--location", help="Sensor location, for single-sensor IMU files.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the summary table.")] = False,
) -> None:
    """Analyse one running recording."""
    if events_from not in ("auto", "forces", "markers", "imu", "video"):
        raise UsageError(f"--events-from must be auto, forces, markers, imu or video (got {events_from!r})")
    if environment not in (None, "treadmill", "overground"):
        raise UsageError("--environment must be treadmill or overground")
    from stridelab.cli.checks import check_axes, check_number, check_outputs, check_window

    check_axes(vertical_axis, forward_axis)

    for name, v in (("--speed-mps", speed_mps), ("--mass-kg", mass_kg), ("--height-m", height_m), ("--leg-length-m", leg_length_m), ("--rate-hz", rate_hz), ("--forces-rate-hz", forces_rate_hz)):
        check_number(name, v)
    check_window(start_s, end_s)
    if units is not None and units.lower() not in ("mm", "cm", "m"):
        raise UsageError("--units must be mm, cm or m")
    existing(trial, "recording")
    existing(forces, "force file")
    existing(static, "static trial")
    existing(markerset, "marker mapping file")
    check_outputs({"--json": json_out, "--csv": csv_out, "--report": report_out, "--video-out": video_out}, [trial, forces, static, markerset])

    from stridelab.analysis import AnalysisOptions
    from stridelab.analysis import analyze as run_analysis
    from stridelab.io import ReadOptions, read_trial

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
    tr = read_trial(trial, ropts)
    aopts = AnalysisOptions(
        events_from=events_from,
        speed_mps=speed_mps,
        mass_kg=mass_kg,
        height_m=height_m,
        leg_length_m=leg_length_m,
        environment=environment,
    )
    result = run_analysis(tr, aopts)
    doc = result.to_json()
    given = {
        "events_from": events_from, "speed_mps": speed_mps, "mass_kg": mass_kg, "height_m": height_m,
        "leg_length_m": leg_length_m, "start_s": start_s, "end_s": end_s, "units": units, "vertical_axis": vertical_axis,
        "forward_axis": forward_axis, "rate_hz": rate_hz, "forces_rate_hz": forces_rate_hz, "environment": environment,
        "markerset": str(markerset) if markerset else None, "location": location,
    }
    doc["provenance"]["parameters"] = {k: v for k, v in given.items() if v is not None}
    if json_out is not None:
        text = json.dumps(doc, indent=1, allow_nan=False)
        if str(json_out) == "-":
            typer.echo(text)
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

"""``stridelab analyze``: one recording in; summary table, JSON, CSV and HTML report out.

This module is typer's view of the command (help, usage errors); the work is
:func:`stridelab.cli.analyze_run.run_analyze`, which the light parser of the hot path
(:mod:`stridelab.cli.fast`) calls as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stridelab.cli.analyze_run import parse_params, run_analyze, stage_params
from stridelab.cli.main import app, handle_errors
from stridelab.events.registry import EVENT_METHODS, all_methods


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
    run_analyze(
        trial,
        forces=forces,
        static=static,
        events_from=events_from,
        events_method=events_method,
        param=param,
        speed_mps=speed_mps,
        mass_kg=mass_kg,
        height_m=height_m,
        leg_length_m=leg_length_m,
        start_s=start_s,
        end_s=end_s,
        markerset=markerset,
        json_out=json_out,
        csv_out=csv_out,
        report_out=report_out,
        video_out=video_out,
        units=units,
        vertical_axis=vertical_axis,
        forward_axis=forward_axis,
        rate_hz=rate_hz,
        forces_rate_hz=forces_rate_hz,
        environment=environment,
        location=location,
        quiet=quiet,
    )


__all__ = ["analyze", "parse_params", "stage_params"]

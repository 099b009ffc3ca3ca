"""The work of ``stridelab analyze``, without the argument parser.

Both parsers call :func:`run_analyze`: typer's (``stridelab.cli.analyze``, for ``--help`` and the
usage errors) and the light one of the hot path (``stridelab.cli.fast``), so a C3D, FIT or IMU run
imports neither typer's adapters nor pydantic. Heavy modules are imported inside the function.
"""

from __future__ import annotations

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
        from stridelab.jsontext import dumps_indent1

        text = dumps_indent1(doc)  # json.dumps(doc, indent=1, allow_nan=False), byte for byte, faster
        if str(json_out) == "-":
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
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


def existing(p: Path | None, what: str) -> Path | None:
    """The path when it exists and is a regular file or folder (a FIFO or device is refused without
    being opened, a file above the size limit too: stridelab.io.limits); None stays None. The same
    check as :func:`stridelab.cli.main.existing`, without importing typer."""
    from stridelab.io.limits import check_input_path

    if p is not None:
        check_input_path(p, what, allow_dir=True)
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
    if not warnings:
        return
    if not _stderr_tty():  # plain lines for logs and pipes (and no rich import on the batch/CLI hot path)
        sys.stderr.write("".join(f"warning: {w}\n" for w in warnings))
        sys.stderr.flush()
        return
    from rich.console import Console

    err = Console(stderr=True, soft_wrap=False)
    for w in warnings:
        err.print(f"[yellow]warning:[/yellow] {w}", highlight=False)


def _stderr_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False

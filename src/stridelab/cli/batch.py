"""``stridelab batch``: a folder (or list) of recordings analysed unattended into tidy tables.

Example::

    stridelab batch ../shared/data/mocap --out out/batch --workers 2
    stridelab batch --manifest trials.csv --out out/batch --scheduler tcp://127.0.0.1:8786

Outputs, resuming and caching: :mod:`stridelab.batch`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stridelab.cli.main import app, handle_errors
from stridelab.errors import UsageError


@app.command()
@handle_errors
def batch(
    inputs: Annotated[list[Path] | None, typer.Argument(help="Folders, recordings or .list files (one path per line).", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder (per-trial JSON, Parquet tables, failures.csv).", show_default=False)] = Path("out/batch"),
    workers: Annotated[int | None, typer.Option("--workers", help="Local worker processes (default: the CPU count).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask distributed scheduler address (tcp://host:8786) to run on instead.")] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="CSV with trial,static,forces,runner,mass_kg,speed_mps columns.")] = None,
    events_from: Annotated[str, typer.Option("--events-from", help="Contact events from: auto | forces | markers | imu | video.")] = "auto",
    environment: Annotated[str | None, typer.Option("--environment", help="treadmill | overground (detected when omitted).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")] = False,
) -> None:
    """Analyse every recording of folders, lists or a manifest, in parallel, into tidy tables."""
    if events_from not in ("auto", "forces", "markers", "imu", "video"):
        raise UsageError(f"--events-from must be auto, forces, markers, imu or video (got {events_from!r})")
    if environment not in (None, "treadmill", "overground"):
        raise UsageError("--environment must be treadmill or overground")
    if workers is not None and scheduler is not None:
        raise UsageError("--workers is for local processes; a --scheduler cluster has its own workers")
    if workers is not None and not 1 <= workers <= 1024:
        raise UsageError("--workers must be between 1 and 1024")
    from stridelab.batch.jobs import BatchOptions
    from stridelab.batch.runner import run_batch

    s = run_batch(list(inputs or []), out, BatchOptions(events_from=events_from, environment=environment), workers=workers, scheduler=scheduler, manifest=manifest, progress=not quiet)
    if not quiet:
        typer.echo(
            f"{s.n_trials} trials: {s.n_ok} ok, {s.n_failed} failed (failures.csv), {s.n_cached} from the cache, "
            f"{s.n_analysed} analysed in {s.analyse_s:.1f} s; outputs in {out}"
        )

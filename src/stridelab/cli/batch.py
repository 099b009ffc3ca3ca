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
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (per-trial JSON, Parquet tables, failures.csv).", show_default=False)] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Local worker processes (default: the CPU count).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask distributed scheduler address (tcp://host:8786) to run on instead.")] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="CSV with trial,static,forces,runner,mass_kg,speed_mps columns.")] = None,
    events_from: Annotated[str, typer.Option("--events-from", help="Contact events from: auto | forces | markers | imu | video.")] = "auto",
    environment: Annotated[str | None, typer.Option("--environment", help="treadmill | overground (detected when omitted).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")] = False,
) -> None:
    """Analyse every recording of folders, lists or a manifest, in parallel, into tidy tables."""
    if out is None:
        raise UsageError("--out DIR is required: the folder for the per-trial JSON, the tables and failures.csv")
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


def _register_synth() -> None:
    from stridelab.cli.synth import synth_app

    @synth_app.command("batch")
    @handle_errors
    def synth_batch(
        sources: Annotated[list[Path], typer.Argument(help="Real C3D trials, text exports with forces, or folders of them (static trials paired by name).", show_default=False)],
        out: Annotated[Path, typer.Option("--out", help="Output folder for the SYNTHETIC trials and manifest.csv.", show_default=False)],
        n: Annotated[int, typer.Option("--n", help="Number of synthetic trials.")] = 1000,
        seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
        duration_s: Annotated[float, typer.Option("--duration-s", help="Length of each synthetic trial (s).")] = 10.0,
        speed_min: Annotated[float, typer.Option("--speed-min", help="Smallest time-scaling factor (cadence and belt speed x factor).")] = 0.9,
        speed_max: Annotated[float, typer.Option("--speed-max", help="Largest time-scaling factor.")] = 1.1,
        noise_mm: Annotated[float, typer.Option("--noise-mm", help="Marker noise, standard deviation (mm).")] = 1.0,
        dropout: Annotated[float, typer.Option("--dropout", help="Probability that a trial loses 1-3 markers for 0.05-0.5 s.")] = 0.2,
    ) -> None:
        """SYNTHETIC trials (C3D, text) derived from real ones (speed, noise, marker dropout, time shifts) for scale tests."""
        if not 1 <= n <= 1_000_000:
            raise UsageError("--n must be between 1 and 1000000")
        if not (0 < speed_min <= speed_max < 3 and duration_s > 0 and noise_mm >= 0 and 0 <= dropout <= 1):
            raise UsageError("need 0 < --speed-min <= --speed-max < 3, --duration-s > 0, --noise-mm >= 0, 0 <= --dropout <= 1")
        from stridelab.batch.discover import discover
        from stridelab.synth.trials import Source, Variation, synth_set

        jobs = [j for j in discover(list(sources), exclude=out).jobs if j.trial.lower().endswith(".c3d") or (j.forces and j.trial.lower().endswith("markers.txt"))]
        srcs = [Source(Path(j.trial), Path(j.static) if j.static else None, j.runner, j.mass_kg, Path(j.forces) if j.forces else None) for j in jobs]
        manifest = synth_set(srcs, out, n, seed, Variation(duration_s=duration_s, speed_range=(speed_min, speed_max), noise_mm=noise_mm, dropout=dropout))
        typer.echo(f"{n} SYNTHETIC trials from {len(srcs)} real trials in {out}; analyse them with: stridelab batch --manifest {manifest} --out OUT")


_register_synth()

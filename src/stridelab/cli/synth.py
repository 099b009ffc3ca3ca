"""``stridelab synth imu``: virtual IMUs from a motion-capture trial (synthetic data, labelled so).

Example::

    stridelab synth imu RBDS001runT35.c3d --static RBDS001static.c3d --out run_imu.csv \\
        --locations left_foot,right_foot,sacrum --noise 1 --mount-deg 180 --seed 7 --truth contacts.csv

writes the sensors in stridelab's long IMU layout (``# synthetic=true`` in its header, or Parquet
metadata for ``.parquet``), readable by ``stridelab analyze``; ``--truth`` writes the force plate's
contacts of the same trial (the true events). Method and limits: :mod:`stridelab.synth.imu`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stridelab.cli.checks import check_seed
from stridelab.cli.main import app, existing, handle_errors
from stridelab.cli.paths import guard_outputs
from stridelab.errors import UsageError

#: Highest output rate of synthetic IMU data (Hz): IMUs sample at 50-2000 Hz; 1e7 Hz would need GBs.
SYNTH_MAX_RATE_HZ = 10_000.0

synth_app = typer.Typer(help="Generate synthetic data (always labelled synthetic).", no_args_is_help=True)
app.add_typer(synth_app, name="synth")


@synth_app.command("imu")
@handle_errors
def synth_imu(
    trial: Annotated[Path, typer.Argument(help="Motion-capture trial (C3D, TRC, text) with markers; its force plate gives the true contacts.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv, .csv.gz or .parquet (long IMU layout).", show_default=False)],
    static: Annotated[Path | None, typer.Option("--static", help="Standing trial: anatomical segment frames and sensor sites.")] = None,
    forces: Annotated[Path | None, typer.Option("--forces", help="Separate force file (text or MOT).")] = None,
    locations: Annotated[str, typer.Option("--locations", help="Comma-separated: left_foot,right_foot,left_shank,right_shank,left_ankle,right_ankle,sacrum.")] = "left_foot,right_foot,left_shank,right_shank,sacrum",
    noise: Annotated[float, typer.Option("--noise", help="Sensor noise and bias scale (0 = ideal, 1 = consumer MEMS).")] = 1.0,
    mount_deg: Annotated[float, typer.Option("--mount-deg", help="Random mounting rotation up to this angle (180 = any orientation).")] = 30.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for noise, bias and mounting.")] = 0,
    rate_hz: Annotated[float | None, typer.Option("--rate-hz", help="Output rate (default: the marker rate).")] = None,
    cutoff_hz: Annotated[float, typer.Option("--cutoff-hz", help="Marker low-pass cut-off before differentiation (Hz).")] = 15.0,
    truth: Annotated[Path | None, typer.Option("--truth", help="Also write the force plate's true contacts here (CSV).")] = None,
    start_s: Annotated[float | None, typer.Option("--start-s", help="Use the trial from this time (s).")] = None,
    end_s: Annotated[float | None, typer.Option("--end-s", help="Use the trial up to this time (s).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Synthesise virtual IMU signals from a motion-capture trial (synthetic data)."""
    locs = [x.strip() for x in locations.split(",") if x.strip()]
    if not locs:
        raise UsageError("--locations needs at least one location")
    if not 0 <= noise < 100:
        raise UsageError("--noise must be between 0 and 100 (1 = consumer MEMS)")
    if not 0 <= mount_deg <= 180:
        raise UsageError("--mount-deg must be between 0 and 180")
    if rate_hz is not None and not 1.0 <= rate_hz <= SYNTH_MAX_RATE_HZ:
        raise UsageError(f"--rate-hz must be between 1 and {SYNTH_MAX_RATE_HZ:g} Hz (got {rate_hz:g}); IMUs sample at 50-2000 Hz")
    check_seed(seed)
    if out.suffix.lower() not in (".csv", ".gz", ".parquet"):
        raise UsageError("--out must end in .csv, .csv.gz or .parquet")
    existing(trial, "trial")
    existing(static, "static trial")
    existing(forces, "force file")
    guard_outputs({"--out": out, "--truth": truth}, [trial, static, forces])

    from stridelab.errors import InvalidInputError
    from stridelab.io import ReadOptions, read_trial
    from stridelab.io.imu import write_imu_long
    from stridelab.synth.imu import summary_rows, synthesize_imu

    tr = read_trial(trial, ReadOptions(static=static, forces=forces, start_s=start_s, end_s=end_s))
    v = synthesize_imu(tr, locs, noise=noise, mount_deg=mount_deg, seed=seed, rate_hz=rate_hz, cutoff_hz=cutoff_hz)
    try:
        write_imu_long(out, v.sensors, v.metadata)
        if truth is not None:
            from stridelab.atomic import write_text

            write_text(truth, v.contacts.to_csv(index=False, float_format="%.5f"))
    except OSError as e:
        raise InvalidInputError(f"cannot write the output: {e.strerror}") from None
    if not quiet:
        typer.echo(f"synthetic IMU data ({len(v.sensors)} sensors) written to {out}")
        for r in summary_rows(v):
            typer.echo(f"  {r['location']:<12} {r['rate_hz']:g} Hz, {r['n']} samples, mounted {r['mount_deg']:.0f} deg off the segment axes; site: {r['site']}")
        for m in v.messages:
            typer.echo(f"  note: {m}")
        if truth is not None:
            typer.echo(f"true contacts ({len(v.contacts)}) written to {truth}")

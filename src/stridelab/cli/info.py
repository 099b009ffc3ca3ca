"""``stridelab landmarks`` and ``stridelab markersets``: what names stridelab understands."""

from __future__ import annotations

import typer

from stridelab.cli.main import app, handle_errors


@app.command()
@handle_errors
def landmarks() -> None:
    """List the canonical landmark names (targets of a --markerset mapping file)."""
    from stridelab.model.landmarks import BILATERAL, MIDLINE

    for k, v in BILATERAL.items():
        typer.echo(f"l_{k} / r_{k}\t{v}")
    for k, v in MIDLINE.items():
        typer.echo(f"{k}\t{v}")
    typer.echo("<side>_<segment>_c<k>\ttechnical cluster marker k of pelvis/thigh/shank/foot/upper_arm/forearm/trunk")


@app.command()
@handle_errors
def markersets() -> None:
    """List the shipped marker-set presets."""
    from stridelab.io.markerset import presets

    for name, d in sorted(presets().items()):
        typer.echo(f"{name}\t{len(d['markers'])} names\t{d['description']}")

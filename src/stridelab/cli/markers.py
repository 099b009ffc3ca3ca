"""``stridelab markers FILE``: how each marker name of a recording was mapped, what is unmapped, and
which analyses the missing landmarks block, so that a mapping file takes a minute to write."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stridelab.cli.main import app, existing, handle_errors, path_arg


def _names(path: Path) -> tuple[list[str], str]:
    """The file's own marker names and its format; axes do not matter here, so a standing trial or a
    file whose axes cannot be found is read with assumed axes."""
    from stridelab.errors import InvalidInputError
    from stridelab.io import read_trial

    try:
        tr = read_trial(path)
    except InvalidInputError as e:
        if "axis" not in e.message and "direction" not in e.message:
            raise
        tr = read_trial(path, vertical_axis="+Z", forward_axis="+X")
    if tr.markers is None:
        raise InvalidInputError(f"{path.name}: no markers in this file (forces only)")
    return list(tr.markers.original_names), str(tr.provenance.format)


@app.command()
@handle_errors
def markers(
    file: Annotated[Path, path_arg("Recording with markers (C3D, TRC, QTM TSV, text export).")],
    static: Annotated[Path | None, typer.Option("--static", help="Standing trial: its anatomical landmarks count too.")] = None,
    markerset: Annotated[Path | None, typer.Option("--markerset", help="Mapping file (lab_name,canonical) to check.")] = None,
    preset: Annotated[str | None, typer.Option("--preset", help="Force a marker-set preset by name.")] = None,
) -> None:
    """Print how each marker was mapped to a landmark, the unmapped names, and what they block."""
    from stridelab.io.markerset import blocked_analyses, explain_mapping, map_markers, read_user_mapping

    existing(file, "file")
    existing(static, "static trial")
    user = read_user_mapping(markerset) if markerset else None
    names, fmt = _names(file)
    rows = explain_mapping(names, user, preset)
    chosen = map_markers(names, user, preset).preset
    typer.echo(f"{file.name}: {len(names)} markers ({fmt}); preset: {chosen or 'none (name matcher only)'}")
    width = max(len(r.name) for r in rows)
    for r in rows:
        typer.echo(f"  {r.name:<{width}}  -> {r.canonical or '-':<16} {r.source}")
    present = {r.canonical for r in rows if r.canonical}
    if static is not None:
        snames, _ = _names(static)
        present |= {r.canonical for r in explain_mapping(snames, user, preset) if r.canonical}
    unmapped = [r.name for r in rows if r.canonical is None]
    typer.echo(f"unmapped: {', '.join(unmapped) if unmapped else 'none'}")
    blocked = blocked_analyses(present)
    if not blocked:
        typer.echo("every analysis has the landmarks it needs")
    for what, missing in blocked:
        typer.echo(f"blocked: {what}: needs {'; '.join(missing)}")
    if any("frame" in w for w, _ in blocked) and static is None:
        typer.echo("add --static FILE: a standing trial supplies the anatomical landmarks for joint angles")
    if unmapped:
        typer.echo("to map a name, write a CSV (lab_name,canonical; see `stridelab landmarks`) and pass --markerset FILE, e.g.:")
        typer.echo(f"  {unmapped[0]},<canonical name>")

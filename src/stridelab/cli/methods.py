"""``stridelab methods``: every contact-event method and classifier with its citation and defaults."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from stridelab.cli.main import app, handle_errors


def catalogue() -> list[dict[str, Any]]:
    """One entry per method: what it finds, its source, name, citation, parameters with defaults."""
    from stridelab.events.registry import EVENT_METHODS, detector_class
    from stridelab.metrics import foot_strike

    out: list[dict[str, Any]] = []
    for source, methods in EVENT_METHODS.items():
        for i, name in enumerate(methods):
            cls = detector_class(source, name)
            doc = (cls.__doc__ or "").strip().split("\n\n")[0]
            out.append({
                "what": "contact events",
                "source": source,
                "method": name,
                "default": i == 0,
                "description": " ".join(doc.split()),
                "citation": cls.citation,
                "parameters": cls.defaults(),
                "choices": {k: list(v) for k, v in cls.choices.items()},
                "results": list(cls.result_names()),
                "settable": True,
            })
    from stridelab.analysis import STAGE_METHODS, stage_class

    for stage in STAGE_METHODS:
        cls = stage_class(stage)
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        out.append({
            "what": "analysis stage",
            "source": stage,
            "method": cls.method,
            "default": True,
            "description": " ".join(doc.split()),
            "citation": cls.citation,
            "parameters": {f"{stage}.{k}": v for k, v in cls.defaults().items()},
            "choices": {},
            "results": list(cls.result_names()),
            "settable": True,
        })
    for name, cite in foot_strike.METHODS.items():
        table = foot_strike.THRESHOLDS["foot_strike_angle_deg" if name == "altman2012" else "strike_index_pct"]
        out.append({
            "what": "foot-strike pattern",
            "source": "foot_strike_angle_deg" if name == "altman2012" else "strike_index_pct",
            "method": name,
            "default": name == "altman2012",
            "description": table["note"],
            "citation": cite,
            "parameters": {k: v for k, v in table.items() if k.endswith(("_above", "_below"))},
            "choices": {},
            "results": ["foot_strike_pattern"],
            "settable": False,
        })
    return out


@app.command()
@handle_errors
def methods(
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List every method (contact events, foot-strike pattern) with its citation and default parameters."""
    cat = catalogue()
    if json_out:
        typer.echo(json.dumps(cat, indent=1))
        return
    for m in cat:
        flag = " (default)" if m["default"] else ""
        typer.echo(f"{m['what']} from {m['source']}: {m['method']}{flag}")
        typer.echo(f"  {m['description']}")
        typer.echo(f"  citation: {m['citation']}")
        for k, v in m["parameters"].items():
            extra = f"  (one of {', '.join(m['choices'][k])})" if k in m["choices"] else ""
            typer.echo(f"  --param {k}={v}{extra}" if m["settable"] else f"  {k}: {v} (cited threshold)")

"""The runner's record on the command line: ``import``, ``runners``, ``history``, ``report``.

The database is ``--db`` (URL or file), else ``$STRIDELAB_DB``, else the per-user default file
(:mod:`stridelab.store.engine`). The commands only parse options and print; the work is done by
:mod:`stridelab.store`, :mod:`stridelab.history`, :mod:`stridelab.risk` and
:mod:`stridelab.report.record`, which a service calls the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from stridelab.cli.main import app, existing, handle_errors
from stridelab.errors import StridelabError, UsageError

DbOption = Annotated[str | None, typer.Option("--db", help="Database: SQLite file or postgresql:// URL (default: $STRIDELAB_DB, else a per-user file).")]
ThresholdsOption = Annotated[Path | None, typer.Option("--thresholds", help="Your flag thresholds (CSV id,threshold or JSON {id: threshold}).")]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD (got {text!r})") from None


def _runner(code: str) -> str:
    code = code.strip()
    if not code or len(code) > 200 or any(ord(c) < 32 for c in code):
        raise UsageError("--runner must be a non-empty id of at most 200 printable characters")
    return code


@app.command("import")
@handle_errors
def import_(
    files: Annotated[list[Path], typer.Argument(help="Recordings to analyse and store.", show_default=False)],
    runner: Annotated[str, typer.Option("--runner", help="The runner's id in the record.")],
    date: Annotated[str | None, typer.Option("--date", help="Session date YYYY-MM-DD (default: the date stored in the file, e.g. a watch's start time, else today, UTC).")] = None,
    static: Annotated[Path | None, typer.Option("--static", help="Standing calibration trial for marker recordings.")] = None,
    forces: Annotated[Path | None, typer.Option("--forces", help="Separate force file (text or MOT).")] = None,
    mass_kg: Annotated[float | None, typer.Option("--mass-kg", help="Body mass (kg).")] = None,
    db: DbOption = None,
) -> None:
    """Analyse recordings and store them in the runner's record (one line per file: new, already stored or failed)."""
    from stridelab.cli.checks import check_number

    check_number("--mass-kg", mass_kg)
    code, day = _runner(runner), _date(date)
    existing(static, "static trial")
    existing(forces, "force file")
    from stridelab.store import Store

    store = Store(db)
    first_error: StridelabError | None = None
    for f in files:
        try:
            typer.echo(f"{f}: {_import_one(store, f, code, day, static, forces, mass_kg)}")
        except StridelabError as e:
            first_error = first_error or e
            typer.echo(f"{f}: failed ({e.message})")
        except Exception as e:  # noqa: BLE001 - one line per file, never a traceback
            import os

            if os.environ.get("STRIDELAB_DEBUG"):
                raise
            first_error = first_error or StridelabError(str(e))
            typer.echo(f"{f}: failed (internal error {type(e).__name__}: {e}; please report this file)")
    store.close()
    if first_error is not None:
        raise typer.Exit(first_error.exit_code)


def _import_one(store: Any, f: Path, runner: str, given_day: dt.date | None, static: Path | None, forces: Path | None, mass_kg: float | None) -> str:
    from stridelab.store.importer import import_recording

    return import_recording(store, f, runner, date=given_day, static=static, forces=forces, mass_kg=mass_kg).line()


@app.command("runners")
@handle_errors
def runners(db: DbOption = None) -> None:
    """List the runners in the record with their sessions."""
    from stridelab.store import Store

    store = Store(db, create=False)
    rows = store.runners()
    if not rows:
        typer.echo(f"no runners in the record ({store.where}); add some with 'stridelab import'")
    for r in rows:
        span = f"{r.first_date} to {r.last_date}" if r.first_date else "no sessions"
        typer.echo(f"{r.code}\t{r.n_sessions} session{'s' if r.n_sessions != 1 else ''}\t{span}" + (f"\towner {r.owner}" if r.owner else ""))
    store.close()


@app.command("history")
@handle_errors
def history(
    runner: Annotated[str, typer.Argument(help="The runner's id.", show_default=False)],
    metric: Annotated[str | None, typer.Option("--metric", help="Only this metric (e.g. cadence_spm, gct_ms_symmetry_pct).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the history as JSON here ('-' for stdout).")] = None,
    thresholds: ThresholdsOption = None,
    compare: Annotated[tuple[str, str] | None, typer.Option("--compare", help="Print two sessions side by side: --compare DATE_A DATE_B.")] = None,
    skill: Annotated[bool, typer.Option("--skill", help="Also the stored skill scores over time, with the skill model's MDC95 (also in --json).")] = False,
    db: DbOption = None,
) -> None:
    """A runner's sessions, changes beyond measurement noise and injury-risk flags (not a diagnosis)."""
    existing(thresholds, "thresholds file")
    dates = None
    if compare is not None:
        a, b = (_date(x) for x in compare)
        assert a is not None and b is not None
        dates = (a, b)
    if json_out is not None and str(json_out) != "-":
        from stridelab.cli.checks import check_outputs

        check_outputs({"--json": json_out}, [thresholds])
    from stridelab.history import history_document, load_record
    from stridelab.store import Store

    store = Store(db, create=False)
    record = load_record(store, _runner(runner))
    store.close()
    if metric is not None and not any(metric in t.metrics for t in record.trials):
        known = sorted({m for t in record.trials for m in t.metrics})
        raise UsageError(f"no metric {metric!r} in {runner}'s record (e.g. {', '.join(known[:6])})")
    doc = history_document(record, metric, thresholds, skill=skill)
    if dates is not None:
        _print_comparison(record, dates, metric)
    if json_out is not None:
        text = json.dumps(doc, indent=1, allow_nan=False)
        if str(json_out) == "-":
            typer.echo(text)
            return
        _write(json_out, text + "\n")
    _print_history(doc)
    if skill:
        _print_skill(doc["skill"])


def _print_skill(sk: dict[str, Any]) -> None:
    if not sk["sessions"]:
        typer.echo("no skill scores are stored for this runner (they need motion capture with a static trial)")
        return
    names = list(dict.fromkeys(["skill_value"] + [g for e in sk["sessions"] for g in e["groups"]]))
    names = [n for n in names if n != "skill_value" or any(e["skill_value"] is not None for e in sk["sessions"])]
    typer.echo(f"skill scores over time ({sk['model']}; * = change from the previous trial at matched speed beyond the MDC95)")
    typer.echo("\t".join(["date", "speed_mps"] + [f"{n} (MDC {sk['mdc95'][n]:.1f})" if n in sk["mdc95"] else n for n in names]))
    for e in sk["sessions"]:
        ch = e["change_from_previous"] or {}
        cells = []
        for n in names:
            v = e["skill_value"] if n == "skill_value" else e["groups"].get(n)
            mark = "*" if (ch.get(n) or {}).get("beyond_mdc") else ""
            cells.append("-" if v is None else f"{v:.1f}{mark}")
        sp = "-" if e["speed_mps"] is None else f"{e['speed_mps']:.2f}"
        typer.echo("\t".join([e["date"], sp] + cells) + (f"\t({e['note']})" if e.get("note") else ""))


def _print_comparison(record: Any, dates: tuple[dt.date, dt.date], metric: str | None) -> None:
    from stridelab.history import compare_sessions

    have = set(record.dates)
    missing = [d.isoformat() for d in dates if d not in have]
    if missing:
        raise UsageError(f"no session of {record.runner} on {', '.join(missing)} (sessions: {', '.join(d.isoformat() for d in record.dates)})")
    rows = [c for c in compare_sessions(record, *dates) if metric is None or c.metric == metric]
    if not rows:
        return
    c0 = rows[0]
    typer.echo(f"{dates[0]} ({c0.baseline_speed_mps or float('nan'):.2f} m/s) vs {dates[1]} ({c0.latest_speed_mps or float('nan'):.2f} m/s)"
               + ("" if c0.speed_matched else ": speeds do not match, no change is given"))
    typer.echo("metric\tA\tB\tchange\tMDC95\tverdict")
    for c in rows:
        verdict = "-" if c.change is None else ("beyond noise" if c.beyond_noise else "within noise")
        cells = [c.metric] + ["-" if v is None else f"{v:.4g}" for v in (c.baseline, c.latest, c.change, c.mdc)] + [verdict]
        typer.echo("\t".join(cells))


def _print_history(doc: dict[str, Any]) -> None:
    dates = sorted({s["date"] for s in doc["sessions"]})
    typer.echo(f"{doc['runner']}: {len(doc['sessions'])} trial(s) in {len(dates)} session(s)" + (f", {dates[0]} to {dates[-1]}" if dates else ""))
    real = [c for c in doc["changes"] if c["beyond_noise"]]
    if doc["changes"]:
        matched = any(c["speed_matched"] for c in doc["changes"])
        if not matched:
            typer.echo("baseline and latest sessions are not at matched speed: no change is given")
        else:
            typer.echo(f"changes since the baseline beyond measurement noise (MDC95): {len(real)} of {sum(c['change'] is not None for c in doc['changes'])}")
            for c in real:
                typer.echo(f"  {c['metric']}: {c['baseline']:.4g} -> {c['latest']:.4g} ({c['change']:+.3g}; MDC {c['mdc']:.3g})")
    for f in doc["flags"]:
        typer.echo(f"flag ({f['status']}): {f['id']}: {f['metric']} {f['value']:.4g} ({f['direction']} {f['threshold']:g}); evidence {f['strength']}")
    typer.echo(doc["disclaimer"])


@app.command("report")
@handle_errors
def report(
    runner: Annotated[str, typer.Argument(help="The runner's id.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Write the report here: FILE.html or FILE.pdf (A4).")],
    thresholds: ThresholdsOption = None,
    db: DbOption = None,
) -> None:
    """The runner's longitudinal report (HTML, or an A4 PDF): metrics over time with noise bands, flags, scores."""
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise UsageError(f"--out must end in .html or .pdf (got {out.name!r})")
    existing(thresholds, "thresholds file")
    from stridelab.cli.checks import check_outputs

    check_outputs({"--out": out}, [thresholds])
    from stridelab.history import load_record
    from stridelab.report.record import render_record, write_pdf
    from stridelab.store import Store

    store = Store(db, create=False)
    record = load_record(store, _runner(runner))
    store.close()
    if suffix == ".pdf":
        write_pdf(record, out, thresholds)
    else:
        _write(out, render_record(record, thresholds, for_pdf=False))
    typer.echo(f"{runner}: report written to {out}")


def _write(path: Path, text: str) -> None:
    from stridelab.errors import InvalidInputError

    try:
        from stridelab.atomic import write_text

        write_text(path, text)
    except OSError as e:
        raise InvalidInputError(f"cannot write {path} ({e.strerror}); choose another output path") from None

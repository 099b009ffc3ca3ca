"""``stridelab skill``: fit a technique model on a population; score runners against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from stridelab.cli.checks import check_seed
from stridelab.cli.main import app, existing, handle_errors
from stridelab.cli.paths import guard_outputs
from stridelab.errors import UsageError
from stridelab.io.limits import check_count

skill_app = typer.Typer(help="Technique scores learned from a database of runners (associations, not causes).", no_args_is_help=True)
app.add_typer(skill_app, name="skill")


@skill_app.command("fit")
@handle_errors
def fit(
    population: Annotated[Path, typer.Option("--population", help="Population folder: stride files + metadata.tsv, or recordings.")],
    out: Annotated[Path, typer.Option("--out", help="Write the model (JSON with its model card) here.")],
    performance: Annotated[Path | None, typer.Option("--performance", help="Performance table (TSV/CSV) overriding runners.tsv.")] = None,
    target: Annotated[str, typer.Option("--target", help="pace (min/km) or level.")] = "pace",
    riegel_km: Annotated[float | None, typer.Option("--riegel-km", help="Compare paces as the equivalent pace over this distance (Riegel 1981).")] = None,
    permutations: Annotated[int, typer.Option("--permutations", help="Permutations for the test against chance.")] = 99,
    repeats: Annotated[int | None, typer.Option("--repeats", help="Repeats of the K-fold CV (default: 10 below 100 runners, else 1).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (folds, permutations, bootstrap).")] = 0,
    name: Annotated[str | None, typer.Option("--name", help="Model name for the model card.")] = None,
    motion: Annotated[str | None, typer.Option("--motion", help="Motion declaration (JSON file, or a packaged name such as running_speed): "
                                                "groups, features and target; replaces --target (docs/skill_new_motion.md).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line (warnings still go to stderr).")] = False,
) -> None:
    """Fit a skill model on a population and write it with its model card.

    On a terminal a bar shows the cross-validation's fits (permutations x repeats x folds) with the
    rate and the time left; off a terminal and with -q nothing is drawn."""
    if target not in ("pace", "level"):
        raise UsageError("--target must be pace or level")
    if permutations < 0:
        raise UsageError("--permutations must be >= 0")
    if repeats is not None and repeats < 1:
        raise UsageError("--repeats must be >= 1")
    check_count("--permutations", permutations, cap=999)  # each one refits the cross-validation
    check_count("--repeats", repeats, 1, cap=50)
    check_seed(seed)
    if riegel_km is not None and not riegel_km > 0:
        raise UsageError("--riegel-km must be positive")
    existing(population, "population folder")
    existing(performance, "performance file")
    guard_outputs({"--out": out}, [population, performance])
    from stridelab import progress
    from stridelab.skill.declaration import load_declaration
    from stridelab.skill.fit import FitOptions, fit_model
    from stridelab.skill.trials import load_population

    declaration = load_declaration(motion) if motion is not None else None

    # on a terminal only: a spinner while loading, replaced by a bar of the cross-validation's fits
    progress.enable(not quiet)
    with progress.progress(f"fitting the skill model on {population.name}", None):
        pop = load_population(population, performance)
        model = fit_model(pop, FitOptions(target=target, riegel_km=riegel_km, n_permutations=permutations, n_repeats=repeats, seed=seed, name=name,
                                         declaration=declaration))
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    for w in fit_warnings(model.card):
        typer.echo(f"warning: {w}", err=True)
    if quiet:
        return
    v = model.card["validation"]
    p = v["permutation_p"]
    typer.echo(
        f"{model.card['name']}: {len(model.reference_target)} runners, cross-validated r = {v['cv_r']:.2f} "
        f"(95% CI {v['cv_r_ci95'][0]:.2f} to {v['cv_r_ci95'][1]:.2f}"
        + (f", permutation p = {p:.3f})" if p is not None else ")")
        + f"; stable groups: {', '.join(model.card['stability_selection']['stable_groups']) or 'none'}; written to {out}"
    )


@skill_app.command("score")
@handle_errors
def score(
    trial: Annotated[Path | None, typer.Argument(help="A recording to score (needs the joint-motion pipeline).", show_default=False)] = None,
    population: Annotated[
        Path | None,
        typer.Option("--population", help="With TRIAL: fit a model on this population folder (cached) and score TRIAL against it. "
                     "Without TRIAL: score every runner of the folder."),
    ] = None,
    model_path: Annotated[Path | None, typer.Option("--model", help="Model file (default: the model shipped with stridelab).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here ('-' for stdout).")] = None,
    report_out: Annotated[Path | None, typer.Option("--report", help="Write an HTML skill report here.")] = None,
    runner: Annotated[list[str] | None, typer.Option("--runner", help="Only these runner ids (repeatable).")] = None,
    performance: Annotated[Path | None, typer.Option("--performance", help="Performance table for a stride-file folder.")] = None,
    static: Annotated[Path | None, typer.Option("--static", help="Static (standing) trial for TRIAL: joint angles need it.")] = None,
    forces: Annotated[Path | None, typer.Option("--forces", help="Separate force file for a text marker TRIAL.")] = None,
    speed_mps: Annotated[float | None, typer.Option("--speed-mps", help="Running speed of TRIAL (m/s).")] = None,
    target: Annotated[str, typer.Option("--target", help="With TRIAL --population: fit for pace (min/km) or level.")] = "pace",
    permutations: Annotated[int, typer.Option("--permutations", help="With TRIAL --population: permutations of the fit's test against chance.")] = 99,
    repeats: Annotated[int | None, typer.Option("--repeats", help="With TRIAL --population: repeats of the fit's K-fold CV.")] = None,
) -> None:
    """Score a trial or the runners of a population folder against a skill model.

    The first line says whether the skill value is a grade: when the model does not beat chance,
    the speed is outside the model's range or too few strides are clean, no skill value is printed,
    only the group scores (the JSON keeps the numbers with valid: false and the reasons)."""
    if trial is None and population is None:
        raise UsageError("give either a TRIAL or --population DIR (or both: TRIAL scored against a model fitted on DIR)")
    if json_out is None and report_out is None:
        raise UsageError("nothing to write: give --json OUT and/or --report OUT.html")
    if trial is None and (static or forces or speed_mps is not None):
        raise UsageError("--static, --forces and --speed-mps describe one TRIAL; for a folder of trials put them in its trials.tsv")
    if trial is not None and population is not None and model_path is not None:
        raise UsageError("give the reference as --population DIR (fitted on the fly) or --model FILE, not both")
    if target not in ("pace", "level"):
        raise UsageError("--target must be pace or level")
    if permutations < 0 or (repeats is not None and repeats < 1):
        raise UsageError("--permutations must be >= 0 and --repeats >= 1")
    existing(trial, "recording")
    existing(static, "static trial")
    existing(forces, "force file")
    existing(population, "population folder")
    existing(model_path, "skill model")
    guard_outputs({"--json": json_out, "--report": report_out}, [trial, static, forces, population, model_path, performance])
    from stridelab.skill.model import load_model
    from stridelab.skill.score import headline, model_summary, score_population

    fitted_note = None
    if trial is not None and population is not None:
        from stridelab.skill.fit import FitOptions
        from stridelab.skill.fitcache import fitted_model

        model, cached_at, hit = fitted_model(population, performance, FitOptions(target=target, n_permutations=permutations, n_repeats=repeats))
        fitted_note = f"model fitted on {population} ({'from the cache' if hit else 'cached'} at {cached_at})"
    else:
        model = load_model(model_path)
    if trial is None:
        from stridelab.skill.trials import load_population

        assert population is not None
        pop = load_population(population, performance)
    else:
        pop = _trial_population(trial, static, forces, speed_mps, model.extractor.angles)
    if runner:
        missing = [r for r in runner if r not in pop.ids]
        if missing:
            raise UsageError(f"no runner {', '.join(missing)} in {pop.name} (runners: {', '.join(pop.ids[:8])}{' ...' if len(pop) > 8 else ''})")
        pop = pop.subset(runner)
    excluded: dict[str, str] = {}  # runners with too few clean strides: named, the others scored
    runners = score_population(model, pop, excluded)
    doc: dict[str, Any] = {"model": model_summary(model), "population": pop.name, "runners": runners}
    if fitted_note:
        doc["model"]["fitted"] = fitted_note
    if excluded:
        doc["excluded_runners"] = excluded
    if trial is not None:
        from stridelab.io.assemble import sha256_of

        doc["input"] = {"path": str(trial), "sha256": sha256_of(trial)}
    else:
        doc["input"] = {"path": str(population), "sha256": None}
    if json_out is not None:
        text = json.dumps(_strip_curves(doc), indent=2, allow_nan=False, default=float)
        if str(json_out) == "-":
            typer.echo(text)
        else:
            from stridelab.atomic import write_text

            write_text(json_out, text + "\n")
    if report_out is not None:
        from stridelab.report.sections.skill import write_skill_report

        write_skill_report(doc, model, report_out)
    if str(json_out) != "-":
        lines = [headline(r) for r in runners]
        if len(runners) > 1:
            n_valid = sum(bool(r["valid"]) for r in runners)
            lines.insert(0, f"{n_valid} of {len(runners)} runners have a valid skill value" + (
                "" if n_valid == len(runners) else "; the others get group scores only (reasons on their lines)"))
        for line in lines:
            typer.echo(line)
        if fitted_note:
            typer.echo(fitted_note)
        for rid, why in excluded.items():
            typer.echo(f"{rid}: not scored: {why}")


def fit_warnings(card: dict[str, Any]) -> list[str]:
    """What a fit left out, from its model card: runners without a target or at another speed, and
    runners the quality checks excluded (one line for all of them)."""
    data = card.get("data", {})
    out = [str(n) for n in data.get("selection_notes", [])]
    excluded = data.get("quality", {}).get("runners_excluded", {})
    if excluded:
        names = ", ".join(f"{r} ({why})" for r, why in list(excluded.items())[:5])
        out.append(f"{len(excluded)} runner(s) left out by the quality checks: {names}" + (" ..." if len(excluded) > 5 else ""))
    return out


def _strip_curves(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "runners": [{k: v for k, v in r.items() if k != "curves"} for r in doc["runners"]]}


def _trial_population(trial: Path, static: Path | None, forces: Path | None, speed_mps: float | None, angles: list[str]) -> Any:
    from stridelab.skill.trials import analyse_recording, resolve_stride_curves, trial_population

    fn = resolve_stride_curves()
    an = analyse_recording(trial, static, forces, {"speed_mps": speed_mps})
    return trial_population(an, trial.stem, fn, angles)

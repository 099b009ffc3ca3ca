"""Scoring runners with a fitted skill model: group scores, skill value, associations, lines.

- Group score (0-100): the percentile of the runner's group association (better direction up)
  among the reference runners' associations (mid-rank percentile).
- Skill value (0-100): the percentile of the model's predicted performance (better direction up)
  among the reference runners' predictions by the same model.
- Association: the group model's predicted target minus the reference mean (for pace in s/km;
  positive = slower), with a bootstrap 95 % interval. Cross-sectional: an association, not a cause.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.skill.angles import GROUP_MOTION, GROUPS, angle_of, label
from stridelab.skill.features import RunnerData, runner_data
from stridelab.skill.model import SkillModel
from stridelab.skill.population import Population

SPEED_TOLERANCE_MPS = 0.3


def percentile(ref: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mid-rank percentile (0-100) of each value within ``ref``."""
    ref = np.sort(np.asarray(ref, float))
    lo = np.searchsorted(ref, values, side="left")
    hi = np.searchsorted(ref, values, side="right")
    return 100.0 * (lo + hi) / (2.0 * len(ref))


def check_inputs(model: SkillModel, pop: Population) -> None:
    """Refuse (one line) when runners lack angles or rhythm values that the model needs."""
    for r in pop.runners:
        missing = [a for a in model.extractor.angles if a not in r.curves]
        if missing:
            kin = r.meta.get("kinematics_notes")
            why = f" (kinematics: {'; '.join(kin)}; joint angles need leg markers and a static trial)" if kin else ""
            raise InvalidInputError(
                f"runner {r.id} lacks {', '.join(missing)}; the skill model needs it (model angles: {', '.join(model.extractor.angles)}){why}"
            )


def score_data(model: SkillModel, data: RunnerData) -> dict[str, Any]:
    """Arrays for every runner: prediction, skill value, group scores, associations and CIs."""
    x = model.extractor.transform(data)
    if not np.isfinite(x).all():
        bad = sorted({data.ids[i] for i in np.flatnonzero(~np.isfinite(x).all(axis=1))})
        raise InvalidInputError(f"runner(s) {', '.join(bad[:5])}: features could not be computed (too few complete strides?)")
    xs = model.standardise(x)
    pred = model.intercept_ + xs @ model.coef_
    s = model.better_sign
    out: dict[str, Any] = {
        "x": x,
        "pred": pred,
        "skill_value": percentile(s * model.reference_pred, s * pred),
        "groups": {},
        "assoc": {},
        "ci": {},
    }
    for g, gm in model.group_models.items():
        a = gm.association(xs)
        out["groups"][g] = percentile(s * gm.fitted, s * a)
        out["assoc"][g] = a
        out["ci"][g] = gm.association_ci(xs)
    return out


def _unit_scale(model: SkillModel) -> tuple[float, str]:
    return (60.0, "s/km") if model.target == "pace" else (1.0, "level codes")


def _feature_text(name: str) -> tuple[str, str]:
    a, kind = name.split(".", 1)
    lab = label(a)
    texts = {
        "rom_deg": (f"{lab} range of motion", "deg"),
        "peak_rel_deg": (f"peak {lab} above its stride mean", "deg"),
        "max_prom_deg": (f"peak {lab} above the values 10% of the stride before and after it", "deg"),
        "min_prom_deg": (f"least {lab} below the values 10% of the stride before and after it", "deg"),
        "shift_pct": (f"timing of the {lab} curve (+ = later than the reference runners' average)", "% of stride"),
        "stance_exc_deg": (f"{lab} excursion in early stance", "deg"),
        "sd_deg": (f"stride-to-stride variability of {lab}", "deg"),
    }
    if kind in texts:
        return texts[kind]
    if kind.startswith("pc"):
        return (f"{lab} curve shape (component {kind[2:]})", "deg")
    return (name, "")


def plain_line(model: SkillModel, group: str, x_row: np.ndarray, score: float, assoc: float, ci: np.ndarray) -> str:
    """One sentence per group: motion, the runner's value, better runners' range, association."""
    gm = model.group_models[group]
    pick = [f for f in gm.features if not f.split(".", 1)[1].startswith("pc") and f in model.better_ranges]
    if not pick:
        pick = [f for f in gm.features if f in model.better_ranges]
    weights = dict(zip(gm.features, np.abs(gm.coef), strict=True))  # standardised: comparable
    best = max(pick, key=lambda f: weights.get(f, 0.0)) if pick else None
    scale, unit = _unit_scale(model)
    if model.target == "pace":
        word = "slower" if assoc > 0 else "faster"
    else:
        word = "higher" if assoc > 0 else "lower"
    head = f"{group.capitalize()} ({GROUP_MOTION.get(group, group)}): score {score:.0f}/100."
    if best is not None:
        what, u = _feature_text(best)
        v = float(x_row[model.names.index(best)])
        lo, hi = model.better_ranges[best]
        head += f" Your {what} is {v:.1f} {u}; the better third of {model.reference_name} ranged {lo:.1f} to {hi:.1f}."
    lo_ci, hi_ci = (ci * scale).tolist()
    motion = GROUP_MOTION.get(group, group)
    if lo_ci <= 0 <= hi_ci:  # the interval holds no difference: say so rather than "0 s/km faster"
        return (
            f"{head} Runners whose {motion} is like yours do not run detectably {'faster or slower' if model.target == 'pace' else 'differently'} "
            f"in this population (95% CI {lo_ci:+.0f} to {hi_ci:+.0f} {unit}); an association in cross-sectional data, not a cause."
        )
    return (
        f"{head} Runners whose {motion} is like yours are on average "
        f"{abs(assoc) * scale:.0f} {unit} {word} in this population (95% CI {lo_ci:+.0f} to {hi_ci:+.0f} {unit}); "
        "an association in cross-sectional data, not a cause."
    )


MIN_STRIDES_SCORE = 2


def clean_for_scoring(
    model: SkillModel, pop: Population, excluded: dict[str, str] | None = None
) -> tuple[Population, dict[str, list[str]]]:
    """The stride quality checks of the model's fit (:mod:`stridelab.skill.quality`), per runner.

    Returns the cleaned population and, per runner, warnings about the strides left out on the
    model's side; a runner left with fewer than 2 usable strides is refused (one line), or, when
    ``excluded`` is a dict and other runners remain, left out and named there with the reason.
    """
    from stridelab.skill.quality import check_population

    clean, rep = check_population(pop, min_strides=MIN_STRIDES_SCORE)
    if rep.runners_excluded:
        rid, why = next(iter(rep.runners_excluded.items()))
        if excluded is None or len(rep.runners_excluded) >= len(pop):
            raise InvalidInputError(f"runner {rid}: {why} after the quality checks (gaps, implausible jumps, outliers); too few to score")
        excluded.update({k: f"{v} after the quality checks (gaps, implausible jumps, outliers)" for k, v in rep.runners_excluded.items()})
        pop = pop.subset([r.id for r in clean.runners])
    warns: dict[str, list[str]] = {}
    for before, after in zip(pop.runners, clean.runners, strict=True):
        w = warns.setdefault(before.id, [])
        for side in (model.side, "left" if model.side == "right" else "right"):
            n0 = max((per[side].shape[0] for per in before.curves.values() if side in per), default=0)
            n1 = max((per[side].shape[0] for per in after.curves.values() if side in per), default=0)
            if n0 and n1 < n0:
                w.append(f"{n0 - n1} of {n0} {side} strides left out by the quality checks (gaps, implausible jumps, outliers)")
            if n1 and side == model.side and n1 < 10:
                w.append(f"only {n1} usable {side} strides: the runner's curves and variability are uncertain")
            if n0:
                break  # the model's side is used when present; the other side only when it is absent
    return clean, warns


def score_population(model: SkillModel, pop: Population, excluded: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Score every runner of ``pop``; one JSON-ready dict per runner (see ``stridelab skill score``).
    ``excluded``: when given, runners with too few clean strides are named there (runner -> reason)
    and the others scored; otherwise such a runner fails the whole call.

    The runners' strides go through the same quality checks as the model's reference runners."""
    check_inputs(model, pop)
    pop, quality_warnings = clean_for_scoring(model, pop, excluded)
    check_inputs(model, pop)
    data = runner_data(pop, model.extractor.angles, model.side, model.extractor.rhythm)
    res = score_data(model, data)
    scale, _ = _unit_scale(model)
    out = []
    for i, r in enumerate(pop.runners):
        warns = quality_warnings.get(r.id, []) + (list(data.warnings[i]) if data.warnings else [])
        sp = r.speed_mps
        if model.speed_mps is not None:
            if sp is None:
                warns.append(f"running speed unknown; the model's runners ran at {model.speed_mps:.2f} m/s and scores depend on speed")
            elif abs(sp - model.speed_mps) > SPEED_TOLERANCE_MPS:
                warns.append(
                    f"speed {sp:.2f} m/s differs from the model's {model.speed_mps:.2f} m/s by more than "
                    f"{SPEED_TOLERANCE_MPS} m/s; technique changes with speed, so these scores are not comparable"
                )
        if model.synthetic:
            warns.append("this model was fitted on a SYNTHETIC population: scores are for testing only")
        p_perm = model.card.get("validation", {}).get("permutation_p")
        if not np.any(model.coef_ != 0):
            warns.append("the model found no technique feature reliably associated with performance; the skill value is uninformative (50)")
        if p_perm is not None and p_perm >= 0.05:
            warns.append(
                f"in the reference population technique was not associated with {model.target} beyond chance (permutation p = "
                f"{p_perm:.2f}): the skill value and the group scores rank the runner among those runners, they do not predict performance"
            )
        groups: dict[str, float | None] = {}
        assoc: dict[str, float | None] = {}
        cis: dict[str, list[float] | None] = {}
        lines: dict[str, str] = {}
        for g in GROUPS:
            if g in model.group_models:
                groups[g] = round(float(res["groups"][g][i]), 1)
                a = float(res["assoc"][g][i])
                assoc[g] = round(a * scale, 2)
                cis[g] = [round(float(v) * scale, 2) for v in res["ci"][g][i]]
                lines[g] = plain_line(model, g, res["x"][i], groups[g] or 0.0, a, res["ci"][g][i])
            else:
                groups[g] = None
                assoc[g] = None
                cis[g] = None
                lines[g] = f"{g.capitalize()}: not measured (the model's reference population has no {GROUP_MOTION[g]} data)."
        out.append(
            {
                "runner": r.id,
                "skill_value": round(float(res["skill_value"][i]), 1),
                "predicted": {model.target: round(float(res["pred"][i]), 4)},
                "groups": groups,
                "associations": assoc,
                "associations_ci95": cis,
                "association_unit": _unit_scale(model)[1],
                "lines": lines,
                "speed_mps": sp,
                "warnings": warns,
                "curves": {a: data.curves[a][i].round(3).tolist() for a in model.extractor.angles},
            }
        )
    return out


def model_summary(model: SkillModel) -> dict[str, Any]:
    """The ``model`` block of the score JSON: what model scored the runners."""
    c = model.card
    return {
        "name": c.get("name"),
        "target": model.target,
        "reference_population": model.reference_name,
        "synthetic": model.synthetic,
        "speed_mps": model.speed_mps,
        "angles": model.extractor.angles,
        "measured_groups": model.measured_groups,
        "not_measured_groups": [g for g in GROUPS if g not in model.measured_groups],
        "cv_r": c.get("validation", {}).get("cv_r"),
        "caveats": c.get("caveats", []),
        "angle_label": {a: label(a) for a in model.extractor.angles},
        "feature_angles": sorted({angle_of(n) for n in model.names}),
    }

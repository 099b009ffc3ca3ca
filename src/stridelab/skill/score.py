"""Scoring runners with a fitted skill model: group scores, skill value, validity, lines.

- Group score (0-100): the mid-rank percentile of the runner's group composite among the
  reference runners' composites. The composite and its direction come from
  :mod:`stridelab.skill.orientation`: the group's own fitted model when the data support it,
  else published associations (cited, kept as data), else the score is a *similarity* to the
  reference runners (not oriented: high = typical, not better).
- Skill value (0-100): the importance-weighted mean of the oriented groups' scores, so it always
  lies between them (None when no group is oriented).
- Validity: the skill value is a grade only when the model's runner-wise cross-validation beats
  chance (permutation p < 0.05), the runner ran within ``SPEED_TOLERANCE_MPS`` of the model's
  speed and enough of the runner's strides are clean (``MIN_CLEAN_STRIDES`` and ``MIN_CLEAN_SHARE``);
  otherwise ``valid`` is false with the reasons, and the terminal and the report print no skill
  value, only the group scores (:func:`headline`).
- Plain-language lines come from the same composite and percentile as the score: the direction
  word follows the composite's side of the reference median (which is the side of 50 of the
  score), and the feature named is one that pushes the composite that way.
- Association (oriented-by-model groups): the group model's predicted target relative to the
  reference median runner (for pace in s/km; positive = slower), with a bootstrap 95 % interval.
  Cross-sectional: an association, not a cause.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.skill.angles import angle_of, label
from stridelab.skill.declaration import declaration_of
from stridelab.skill.features import RunnerData, runner_data
from stridelab.skill.model import SkillModel
from stridelab.skill.orientation import overall
from stridelab.skill.orientation import weights as overall_weights
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
    """Arrays for every runner: prediction, composites, group scores, skill value, associations."""
    x = model.extractor.transform(data)
    if not np.isfinite(x).all():
        bad = sorted({data.ids[i] for i in np.flatnonzero(~np.isfinite(x).all(axis=1))})
        raise InvalidInputError(f"runner(s) {', '.join(bad[:5])}: features could not be computed (too few complete strides?)")
    xs = model.standardise(x)
    out: dict[str, Any] = {"x": x, "xs": xs, "pred": model.intercept_ + xs @ model.coef_, "groups": {}, "composite": {}, "assoc": {}, "ci": {}}
    for g, o in model.orientation.items():
        c = o.composite(xs)
        out["composite"][g] = c
        out["groups"][g] = percentile(o.reference, c)
        gm = model.group_models[g]
        ref_med = float(np.median(gm.fitted))
        out["assoc"][g] = gm.association(xs) - ref_med
        out["ci"][g] = gm.association_ci(xs) - ref_med
    out["skill_value"] = overall(out["groups"], model.orientation)
    return out


def _unit_scale(model: SkillModel) -> tuple[float, str]:
    return (60.0, "s/km") if model.target == "pace" else (1.0, "level codes")


def _feature_text(name: str) -> tuple[str, str]:
    if "." not in name:
        return (name.replace("_", " "), "")
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
        "cadence_hof": ("cadence (dimensionless, Hof 1996)", ""),
        "step_length_ll": ("step length in leg lengths", ""),
        "duty_factor": ("duty factor (share of the stride on the ground)", ""),
        "vertical_oscillation_cm": ("vertical oscillation", "cm"),
        "overstride_pct_leg": ("overstride (foot ahead of the body at contact)", "% of leg length"),
    }
    if kind in texts:
        return texts[kind]
    if kind.startswith("pc"):
        return (f"{lab} curve shape (functional component {kind[2:]} score)", "")
    return (name, "")


def plain_line(model: SkillModel, group: str, res: dict[str, Any], i: int, score: float) -> str:
    """One sentence per group, from the same composite and percentile as the group's score."""
    o = model.orientation[group]
    motion = declaration_of(model).motion.get(group, group)
    xs = res["xs"][i : i + 1]
    contrib = o.contributions(xs)[0]
    d = float(res["composite"][group][i] - np.median(o.reference))  # side of the reference median = side of 50
    j_raw = [model.names.index(f) for f in o.features]
    ref_raw = model.reference_x[:, j_raw] * model.scale_[j_raw] + model.mean_[j_raw] if model.reference_x.size else None

    def value_text(k: int) -> str:
        what, u = _feature_text(o.features[k])
        v = float(res["x"][i, j_raw[k]])
        med = f"; the reference runners' median {np.median(ref_raw[:, k]):.2f}{(' ' + u) if u else ''}" if ref_raw is not None else ""
        return f"your {what} is {v:.2f}{(' ' + u) if u else ''}{med}"

    if not o.oriented:
        head = (f"{group.capitalize()} ({motion}): similarity {score:.0f} (0-100, 100 = the most typical of the reference runners; "
                "not oriented: similarity only, not a grade).")
        k = int(np.argmax(contrib))
        return f"{head} The largest difference from their median runner: {value_text(k)}."
    side = "above" if d > 0 else "below" if d < 0 else "at"
    head = f"{group.capitalize()} ({motion}): score {score:.0f}/100, {side} the reference runners' median"
    head += " (direction from this model's data)." if o.kind == "model" else " (direction from published associations, not from these runners' data)."
    pushes = contrib * np.sign(d) if d != 0 else np.zeros_like(contrib)
    if pushes.size and float(pushes.max()) > 0:
        k = int(np.argmax(pushes))
        word = "towards" if d > 0 else "away from"
        head += f" Most of the difference: {value_text(k)}, which moves the score {word} the better runners."
    if o.kind != "model":
        return head + " An association in published cross-sectional data, not a cause."
    scale, unit = _unit_scale(model)
    a = float(res["assoc"][group][i])
    lo_ci, hi_ci = (res["ci"][group][i] * scale).tolist()
    if model.target == "pace":
        word = "slower" if a > 0 else "faster"
    else:
        word = "higher" if a > 0 else "lower"
    if lo_ci <= 0 <= hi_ci:  # the interval holds no difference: say so rather than "0 s/km faster"
        return (
            f"{head} Runners whose {motion} is like yours do not run detectably {'faster or slower' if model.target == 'pace' else 'differently'} "
            f"than the median runner in this population (95% CI {lo_ci:+.0f} to {hi_ci:+.0f} {unit}); an association in cross-sectional data, not a cause."
        )
    return (
        f"{head} Runners whose {motion} is like yours are on average {abs(a) * scale:.0f} {unit} {word} than the median runner "
        f"in this population (95% CI {lo_ci:+.0f} to {hi_ci:+.0f} {unit}); an association in cross-sectional data, not a cause."
    )


MIN_STRIDES_SCORE = 2
#: A skill value needs at least this many clean strides on the model's side ...
MIN_CLEAN_STRIDES = 15
#: ... and at least this share of the runner's strides left after the quality checks.
MIN_CLEAN_SHARE = 0.5


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
        n0, n1, side = stride_counts(model, before, after)
        if n0 and n1 < n0:
            w.append(f"{n0 - n1} of {n0} {side} strides left out by the quality checks (gaps, implausible jumps, outliers)")
        if n1 and n1 < 10:
            w.append(f"only {n1} usable {side} strides: the runner's curves and variability are uncertain")
    return clean, warns


def stride_counts(model: SkillModel, before: Any, after: Any) -> tuple[int, int, str]:
    """(strides before the checks, clean strides, side) on the side the model scores."""
    for side in (model.side, "left" if model.side == "right" else "right"):
        n0 = max((per[side].shape[0] for per in before.curves.values() if side in per), default=0)
        if n0:
            n1 = max((per[side].shape[0] for per in after.curves.values() if side in per), default=0)
            return n0, n1, side
    return 0, 0, model.side


def validity(model: SkillModel, speed_mps: float | None, n_strides: int, n_clean: int, skill_value: float | None) -> list[str]:
    """Reasons why the skill value is not a grade (empty when it is one)."""
    reasons: list[str] = []
    p_perm = model.card.get("validation", {}).get("permutation_p")
    if p_perm is None:
        reasons.append(f"the model's association with {model.target} was not tested against chance")
    elif p_perm >= 0.05:
        reasons.append(f"the model's runner-wise cross-validation does not beat chance for {model.target} (permutation p = {p_perm:.2f})")
    if model.speed_mps is not None:
        if speed_mps is None:
            reasons.append(f"running speed unknown (the model's runners ran at {model.speed_mps:.2f} m/s)")
        elif abs(speed_mps - model.speed_mps) > SPEED_TOLERANCE_MPS:
            reasons.append(f"speed {speed_mps:.2f} m/s is outside the model's range ({model.speed_mps:.2f} +- {SPEED_TOLERANCE_MPS} m/s)")
    if n_clean < MIN_CLEAN_STRIDES or (n_strides and n_clean < MIN_CLEAN_SHARE * n_strides):
        reasons.append(f"too few clean strides ({n_clean} of {n_strides}; a skill value needs at least {MIN_CLEAN_STRIDES} and half of them)")
    if skill_value is None:
        reasons.append("no skill group is oriented (none is associated with performance in the model's data or in published studies)")
    return reasons


def score_population(model: SkillModel, pop: Population, excluded: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Score every runner of ``pop``; one JSON-ready dict per runner (see ``stridelab skill score``).
    ``excluded``: when given, runners with too few clean strides are named there (runner -> reason)
    and the others scored; otherwise such a runner fails the whole call.

    The runners' strides go through the same quality checks as the model's reference runners."""
    check_inputs(model, pop)
    raw = {r.id: r for r in pop.runners}  # before the quality checks, by runner
    pop, quality_warnings = clean_for_scoring(model, pop, excluded)
    check_inputs(model, pop)
    data = runner_data(pop, model.extractor.angles, model.side, model.extractor.rhythm)
    res = score_data(model, data)
    scale, _ = _unit_scale(model)
    wts = overall_weights(model.orientation)
    decl = declaration_of(model)
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
        if p_perm is not None and p_perm >= 0.05:
            warns.append(
                f"in the reference population technique was not associated with {model.target} beyond chance (permutation p = "
                f"{p_perm:.2f}): the group scores rank the runner among those runners, they do not predict performance"
            )
        n0, n1, _ = stride_counts(model, raw[r.id], r)
        sv = None if res["skill_value"] is None else round(float(res["skill_value"][i]), 1)
        reasons = validity(model, sp, n0, n1, sv)
        groups: dict[str, float | None] = {}
        kinds: dict[str, str | None] = {}
        assoc: dict[str, float | None] = {}
        cis: dict[str, list[float] | None] = {}
        lines: dict[str, str] = {}
        for g in decl.groups:
            if g in model.orientation:
                o = model.orientation[g]
                groups[g] = round(float(res["groups"][g][i]), 1)
                kinds[g] = o.kind
                lines[g] = plain_line(model, g, res, i, groups[g] or 0.0)
                if o.kind == "model":
                    assoc[g] = round(float(res["assoc"][g][i]) * scale, 2)
                    cis[g] = [round(float(v) * scale, 2) for v in res["ci"][g][i]]
                else:
                    assoc[g] = None
                    cis[g] = None
            else:
                groups[g] = None
                kinds[g] = None
                assoc[g] = None
                cis[g] = None
                lines[g] = f"{g.capitalize()}: not measured (the model's reference population has no {decl.motion.get(g, g)} data)."
        out.append(
            {
                "runner": r.id,
                "valid": not reasons,
                "reasons": reasons,
                "skill_value": sv,
                "skill_value_weights": {g: round(w, 3) for g, w in wts.items()},
                "predicted": {model.target: round(float(res["pred"][i]), 4)},
                "groups": groups,
                "group_orientation": kinds,
                "associations": assoc,
                "associations_ci95": cis,
                "association_unit": _unit_scale(model)[1],
                "lines": lines,
                "speed_mps": sp,
                "strides": {"total": n0, "clean": n1},
                "warnings": warns,
                "curves": {a: data.curves[a][i].round(3).tolist() for a in model.extractor.angles},
            }
        )
    return out


def headline(runner: dict[str, Any]) -> str:
    """The first line about a scored runner: the skill value only when it is valid, else why not."""
    parts = []
    for g, v in runner["groups"].items():
        if v is None:
            continue
        kind = runner.get("group_orientation", {}).get(g)
        parts.append(f"{g} {v:.0f}" + (" (similarity)" if kind == "similarity" else ""))
    gs = ", ".join(parts)
    if runner.get("valid") and runner.get("skill_value") is not None:
        return f"{runner['runner']}: skill value {runner['skill_value']:.0f}/100; {gs}"
    why = "; ".join(runner.get("reasons", []))
    return f"{runner['runner']}: NO SKILL VALUE: {why}. Group scores (not a grade): {gs}"


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
        "not_measured_groups": [g for g in declaration_of(model).groups if g not in model.measured_groups],
        "cv_r": c.get("validation", {}).get("cv_r"),
        "cv_r_ci95": c.get("validation", {}).get("cv_r_ci95"),
        "permutation_p": c.get("validation", {}).get("permutation_p"),
        "orientation": {g: {"kind": o.kind, "evidence": o.evidence} for g, o in model.orientation.items()},
        "skill_value_weights": overall_weights(model.orientation),
        "caveats": c.get("caveats", []),
        "angle_label": {a: label(a) for a in model.extractor.angles},
        "feature_angles": sorted({angle_of(n) for n in model.names}),
    }

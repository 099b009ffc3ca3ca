"""Fit a skill model on a population: checks, cross-validation, tests, selection, scores, card.

:func:`fit_model` runs, in order: data-quality checks (:mod:`stridelab.skill.quality`); the
comparable-speed filter (runners more than ``speed_window_mps`` from the median speed are left
out: self-selected speed is itself an outcome of ability, so it is never regressed away); a
held-out test set when there are enough runners; repeated runner-wise K-fold cross-validation of
the whole pipeline (:mod:`stridelab.skill.learn`) with a permutation test against chance (the same
procedure on permuted targets, same folds; p = (1 + #{r_perm >= r}) / (1 + n_perm)); a percentile
bootstrap CI of the cross-validated r; a learning curve; the final fit on all runners; stability
selection (:mod:`stridelab.skill.stability`); skill groups found from the data and their agreement
with the given groups (:mod:`stridelab.skill.groups`); per-group association models
(:mod:`stridelab.skill.groupmodels`) and which way each group's score points
(:mod:`stridelab.skill.orientation`); the better runners' curve bands; split-half reliability
(:mod:`stridelab.skill.reliability`); and the model card.

What the features, groups and target are comes from a motion declaration
(:mod:`stridelab.skill.declaration`, ``FitOptions.declaration``); without one it is the running
declaration shipped as data (``skill/data/motion_running.json``) with ``FitOptions.target``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.progress import progress
from stridelab.skill._threads import single_thread
from stridelab.skill.angles import KINEMATICS_ANGLES, N_POINTS
from stridelab.skill.declaration import MotionDeclaration, running
from stridelab.skill.features import available_rhythm, runner_data
from stridelab.skill.groupmodels import fit_group_model
from stridelab.skill.groups import data_groups, discriminative_features, group_agreement
from stridelab.skill.learn import (
    DesignCache,
    LearnConfig,
    cross_validate,
    cross_validate_many,
    cv_fits,
    fit_pipeline,
    pearson_r,
)
from stridelab.skill.model import SkillModel
from stridelab.skill.orientation import orient_groups
from stridelab.skill.orientation import weights as overall_weights
from stridelab.skill.population import Population
from stridelab.skill.quality import check_population
from stridelab.skill.reliability import reliability_table, split_half
from stridelab.skill.stability import stability_selection
from stridelab.skill.targets import BETTER_SIGN

MIN_RUNNERS = 10


@dataclass
class FitOptions:
    """Settings of :func:`fit_model` (defaults are the documented method)."""

    target: str = "pace"
    riegel_km: float | None = None
    angles: list[str] | None = None
    side: str = "right"
    alpha: float = 0.9
    fpc_variance: float = 0.99
    max_components: int = 8
    n_folds: int = 5
    n_repeats: int | None = None
    n_permutations: int = 99
    n_pairs: int = 25
    pi_thr: float = 0.75
    ev: float = 4.0
    n_boot: int = 200
    n_orientation_permutations: int = 199
    test_fraction: float | None = None
    learning_fractions: tuple[float, ...] = (0.3, 0.5, 0.75)
    speed_window_mps: float = 0.3
    seed: int = 0
    name: str | None = None
    caveats: list[str] = field(default_factory=list)
    declaration: MotionDeclaration | None = None  # None: running with ``target``

    def motion(self) -> MotionDeclaration:
        """The declaration this fit uses."""
        return self.declaration or running(self.target)


def _bootstrap_r(y: np.ndarray, preds: np.ndarray, rng: np.random.Generator, n: int = 1000) -> list[float]:
    """Percentile bootstrap CI (runners resampled) of the mean over repeats of the CV r."""
    idx = rng.integers(0, len(y), (n, len(y)))
    rs = np.array([np.mean([pearson_r(p[i], y[i]) for p in preds]) for i in idx])
    return [float(np.quantile(rs, 0.025)), float(np.quantile(rs, 0.975))]


def _select_runners(pop: Population, opts: FitOptions) -> tuple[Population, np.ndarray, list[str]]:
    notes: list[str] = []
    decl = opts.motion()
    y = decl.target_values(pop, opts.riegel_km)
    keep = np.isfinite(y)
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} runner(s) without a known {decl.target} left out")
    sp = pop.speed_mps()
    if decl.compare_at_speed and np.isfinite(sp[keep]).any():
        med = float(np.nanmedian(sp[keep]))
        far = keep & np.isfinite(sp) & (np.abs(sp - med) > opts.speed_window_mps)
        if far.any():
            notes.append(f"{int(far.sum())} runner(s) more than {opts.speed_window_mps} m/s from the median speed {med:.2f} m/s left out (compared at comparable speed only)")
        keep &= ~far
    if decl.compare_at_speed and (~np.isfinite(sp[keep])).any():
        notes.append(f"{int((~np.isfinite(sp[keep])).sum())} runner(s) of unknown speed kept")
    ids = [r.id for r, k in zip(pop.runners, keep, strict=True) if k]
    return pop.subset(ids), y[keep], notes


def fit_model(pop: Population, opts: FitOptions | None = None) -> SkillModel:
    """Fit a skill model (see the module doc). Raises InvalidInputError when the data cannot support one."""
    opts = opts or FitOptions()
    if opts.declaration is None and opts.target not in BETTER_SIGN:
        raise InvalidInputError(f"unknown target {opts.target!r}; use pace or level")
    with single_thread():
        return _fit(pop, opts)


def _fit(pop: Population, opts: FitOptions) -> SkillModel:
    rng = np.random.default_rng(opts.seed)
    decl = opts.motion()
    clean, qrep = check_population(pop)
    fitpop, y, notes = _select_runners(clean, opts)
    n = len(fitpop)
    if n < MIN_RUNNERS:
        raise InvalidInputError(f"only {n} runner(s) with curves, {decl.target}" + (" and comparable speed" if decl.compare_at_speed else "")
                                + f"; a skill model needs at least {MIN_RUNNERS}")
    have = fitpop.angles()
    wanted = opts.angles or (list(decl.angles) if decl.angles is not None else None)
    if wanted:
        missing = [a for a in wanted if a not in have]
        if missing:
            raise InvalidInputError(f"the population lacks {', '.join(missing)} for some runners")
        angles = list(wanted)
    else:
        angles = [a for a in KINEMATICS_ANGLES if a in have]
    uncovered = [a for a in angles if not decl.covers(a + ".")]
    if uncovered and wanted:
        raise InvalidInputError(f"{', '.join(uncovered)} belong(s) to no group of the {decl.activity!r} declaration")
    angles = [a for a in angles if a not in uncovered]
    if not angles:
        raise InvalidInputError("the population has no joint angle that stridelab's kinematics produces")
    rhythm = [k for k in available_rhythm(fitpop) if (decl.scalars is None or k in decl.scalars) and decl.covers(k)]
    data = runner_data(fitpop, angles, opts.side, rhythm)
    cfg = LearnConfig(angles=angles, rhythm=rhythm, alpha=opts.alpha, fpc_variance=opts.fpc_variance, max_components=opts.max_components, seed=opts.seed,
                      group_of=decl.group_of)
    cache = DesignCache()

    test_fraction = opts.test_fraction if opts.test_fraction is not None else (0.2 if n >= 100 else 0.0)
    perm = rng.permutation(n)
    n_test = int(round(test_fraction * n))
    test, dev = np.sort(perm[:n_test]), np.sort(perm[n_test:])
    repeats = opts.n_repeats or (10 if len(dev) < 100 else 1)
    sgn = decl.better_sign

    # cross-validation and the permutation test (same folds, same procedure, permuted targets)
    ys = [y]
    for _ in range(opts.n_permutations):
        yp = y.copy()
        yp[dev] = y[rng.permutation(dev)]
        ys.append(yp)
    # a bar on a terminal (stridelab.progress): one fit per target (and permutation) and training
    # fold of the cross-validation, then of the learning curve; the rest of the fit is a few per cent
    n_fits = cv_fits(len(dev), opts.n_folds, repeats, len(ys)) + cv_fits(len(dev), opts.n_folds, repeats) * len(opts.learning_fractions)
    with progress("cross-validating", n_fits, unit="fits") as advance:
        cvs = cross_validate_many(data, np.array(ys), cfg, opts.n_folds, repeats, rows=dev, cache=cache, seed=opts.seed, advance=advance)
        cv = cvs[0]
        null = np.array([c.r for c in cvs[1:]])
        p_perm = float((1 + np.sum(null >= cv.r)) / (1 + len(null))) if len(null) else None
        r_ci = _bootstrap_r(y[dev], cv.predictions, rng)
        curve = []
        for frac in opts.learning_fractions:
            lc = cross_validate(data, y, cfg, opts.n_folds, repeats, rows=dev, cache=cache, seed=opts.seed + 1, train_fraction=frac, advance=advance)
            curve.append({"train_fraction": frac, "n_train": int(round(frac * len(dev) * (opts.n_folds - 1) / opts.n_folds)), "cv_r": lc.r})
    curve.append({"train_fraction": 1.0, "n_train": int(round(len(dev) * (opts.n_folds - 1) / opts.n_folds)), "cv_r": cv.r})

    test_block: dict[str, Any] | None = None
    if n_test:
        p_test = fit_pipeline(data, y, dev, cfg, test=test, cache=cache).predict_test()
        test_block = {"n": int(n_test), "r": pearson_r(p_test, y[test]), "rmse": float(np.sqrt(np.mean((p_test - y[test]) ** 2)))}

    final = fit_pipeline(data, y, np.arange(n), cfg, cache=cache)
    ref_pred = final.intercept_ + final.design.x_train @ final.coef_  # same scale as a new runner's
    stab = stability_selection(data, y, cfg, n_pairs=opts.n_pairs, pi_thr=opts.pi_thr, ev=opts.ev, seed=opts.seed, cache=cache)
    stab_note = None
    if p_perm is not None and p_perm >= 0.05 and stab.stable_groups:
        # no association beyond chance: groups above the threshold are not evidence of anything
        stab_note = f"groups above the threshold ({', '.join(stab.stable_groups)}) not reported: permutation p = {p_perm:.2f}"
        stab.stable_groups = []
    names = final.names
    xs = final.design.x_train
    disc = discriminative_features(names, xs, y, stab.features)
    found = data_groups(names, xs, disc, group_rule=decl.group_of)
    measured = [g for g in decl.groups if any(decl.group_of(f) == g for f in names)]
    gms = {g: fit_group_model(g, names, xs, y, opts.n_boot, rng, group_of=decl.group_of) for g in measured}

    better = sgn * y >= np.quantile(sgn * y, 2.0 / 3.0)
    x_raw = xs * final.design.scale_ + final.design.mean_
    bands = {}
    for a in angles:
        c = data.curves[a][better]
        level = float(c[:, : N_POINTS - 1].mean())
        cc = c - c[:, : N_POINTS - 1].mean(axis=1, keepdims=True) + level
        bands[a] = {"mean": cc.mean(axis=0).round(3).tolist(), "sd": cc.std(axis=0, ddof=1).round(3).tolist()}
    ranges = {}
    for j, f in enumerate(names):
        v = x_raw[better, j]
        ranges[f] = [float(np.quantile(v, 0.1)), float(np.quantile(v, 0.9))]

    model = SkillModel(
        target=decl.target,
        better_sign=sgn,
        side=opts.side,
        extractor=final.design.extractor,
        mean_=final.design.mean_,
        scale_=final.design.scale_,
        coef_=final.coef_,
        intercept_=final.intercept_,
        groups_=final.groups_,
        measured_groups=measured,
        group_models=gms,
        reference_pred=ref_pred,
        reference_target=y,
        reference_name=fitpop.name,
        speed_mps=float(np.nanmedian(data.speed_mps)) if decl.compare_at_speed and np.isfinite(data.speed_mps).any() else None,
        bands=bands,
        better_ranges=ranges,
        orientation=orient_groups(names, xs, y, sgn, gms, rng, opts.n_orientation_permutations, table=None if decl.published_directions else []),
        reference_x=xs,
    )
    model.reliability = _reliability(model, fitpop)
    model.card = _card(model, pop, fitpop, opts, qrep.to_dict(), notes, cv, r_ci, p_perm, null, curve, test_block, final, stab, found, repeats, len(dev), stab_note)
    return model


def _reliability(model: SkillModel, pop: Population) -> dict[str, dict[str, float]]:
    from stridelab.skill.score import score_data

    a, b = split_half(pop)
    if min(r.n_strides() for r in b.runners) < 2:
        return {}
    ra = score_data(model, runner_data(a, model.extractor.angles, model.side, model.extractor.rhythm))
    rb = score_data(model, runner_data(b, model.extractor.angles, model.side, model.extractor.rhythm))
    out = {}
    if ra["skill_value"] is not None and rb["skill_value"] is not None:
        out["skill_value"] = reliability_table(ra["skill_value"], rb["skill_value"])
    for g in model.group_models:
        out[g] = reliability_table(ra["groups"][g], rb["groups"][g])
    return out


def _card(model: SkillModel, pop: Population, fitpop: Population, opts: FitOptions, quality: dict[str, Any], notes: list[str],
          cv: Any, r_ci: list[float], p_perm: float | None, null: np.ndarray, curve: list[dict[str, Any]],
          test_block: dict[str, Any] | None, final: Any, stab: Any, found: dict[str, str], repeats: int, n_dev: int,
          stab_note: str | None) -> dict[str, Any]:
    desc = fitpop.describe()
    decl = opts.motion()
    caveats = [
        "Associations, not causes: the data are cross-sectional.",
        f"Scores are percentiles within the reference population {fitpop.name!r}; they compare a runner with those runners only.",
        "Runners are compared at comparable speed only; a runner scored at another speed gets a warning."
        if decl.compare_at_speed else "Not compared at one speed (the declaration's compare_at_speed is false).",
        "Within-session reliability (split halves) is a lower bound of the variability between sessions.",
        "Not a diagnosis.",
    ]
    if pop.synthetic:
        caveats.insert(0, "SYNTHETIC population: for testing the method only, not for real runners.")
    caveats += opts.caveats
    groups_status = {g: ("measured" if g in model.measured_groups else "not measured") for g in decl.groups}
    return {
        "name": opts.name or f"skill model ({decl.target}) on {fitpop.name}",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {**desc, "synthetic": pop.synthetic, "quality": quality, "selection_notes": notes},
        "reference_population": fitpop.name,
        "target": {"name": decl.target, "unit": decl.unit, "riegel_km": opts.riegel_km, "better": "lower" if model.better_sign < 0 else "higher"},
        "declaration": decl.to_dict(),
        "features": {"names": model.names, "angles": model.extractor.angles, "rhythm": model.extractor.rhythm,
                     "fpc_variance": opts.fpc_variance, "components": model.extractor.components_},
        "groups": groups_status,
        "orientation": {
            g: {"kind": o.kind, "evidence": o.evidence, "weight_in_skill_value": overall_weights(model.orientation).get(g, 0.0)}
            for g, o in model.orientation.items()
        },
        "method": {
            "model": "sparse-group lasso (simon2013), FISTA; lambda by inner runner-wise CV with early stopping",
            "options": {k: v for k, v in asdict(opts).items() if k not in ("caveats", "name", "declaration")},
            "selected_groups": final.selected_groups(),
            "lambda": final.lambda_,
            "coefficients": {n: float(c) for n, c in zip(model.names, final.coef_, strict=True) if c != 0},
        },
        "validation": {
            "cv_r": cv.r,
            "cv_r_ci95": r_ci,
            "cv_r_per_repeat": cv.r_per_repeat.tolist(),
            "cv_rmse": cv.rmse,
            "n_folds": opts.n_folds,
            "n_repeats": repeats,
            "n_dev": n_dev,
            "permutation_p": p_perm,
            "n_permutations": len(null),
            "null_r_mean": float(np.mean(null)) if len(null) else None,
            "learning_curve": curve,
            "test": test_block,
        },
        "stability_selection": {**stab.to_dict(), "note": stab_note},
        "data_groups": {"clusters": found, "adjusted_rand_index": group_agreement(found, decl.group_of) if found else None},
        "reliability": model.reliability,
        "caveats": caveats,
    }

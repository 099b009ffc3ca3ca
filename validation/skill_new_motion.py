"""Worked example of a motion declared as data: "running at different speeds" (issue 17, item 6).

The declaration ``skill/data/motion_running_speed.json`` (:mod:`stridelab.skill.declaration`) makes
a new task of the real Fukuchi et al. (2017) full trials, without touching the running code: the
entities are TRIALS (a runner at one treadmill speed), the target is the treadmill speed (higher =
"better", i.e. faster), the features are the stride curves of hip, knee and ankle in three planes,
grouped by anatomical plane (sagittal, frontal, transverse) plus stride-to-stride variability.
Question: does the skill-model machinery find that speed changes joint motion, and in which plane?
Fukuchi et al. (2017, PeerJ 5:e3298) report that sagittal hip and knee angles change with speed.

Data (real, nothing synthetic): 29 trials of 20 runners (20 at 3.5 m/s, 5 at 2.5, 4 at 4.5 m/s; 5
runners at 2 or 3 speeds), analysed once by ``validation/skill_trials_cache.py`` (``out/skill_trials``).

Figures:

1. ``fit_model`` with the declaration: its trial-wise repeated 5-fold CV r, CI and permutation p
   (trials of one runner can fall in training and test folds: optimistic), group orientation.
2. Leave-one-RUNNER-out CV (all trials of the held-out runner out of the fit, lambda chosen inside):
   r of predicted vs true speed, permutation p (speeds permuted across trials, same procedure), and
   for the 5 runners with several speeds whether their predicted speeds are in the right order.

    .venv/bin/python validation/skill_trials_cache.py         # once (about 1-2 min)
    .venv/bin/python validation/skill_new_motion.py [--permutations 99]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "out" / "skill_trials"


def speed_population(cache: Path = CACHE) -> Any:
    """Every cached trial as one entity ``RUNNER@SPEED`` with the nominal treadmill speed; person in meta."""
    from stridelab.skill.population import Population

    index = json.loads((cache / "trials.json").read_text())
    curves: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    for r in index.values():
        rid = f"{r['runner']}@{r['speed_mps']:.1f}"
        z = np.load(cache / f"{r['trial']}.npz")
        per: dict[str, dict[str, np.ndarray]] = {}
        for key in z.files:
            a, side = key.split("__")
            per.setdefault(a, {})[side] = z[key]
        curves[rid] = per
        meta[rid] = {"speed_mps": float(r["speed_mps"]), "height_m": r["height_m"], "mass_kg": r["mass_kg"],
                     "leg_length_m": r["leg_length_m"], "sex": r["sex"], "age_y": r["age_y"], "person": r["runner"]}
    return Population.from_curves(curves, meta, name="fukuchi2017 full trials, 2.5-4.5 m/s (one entity per trial)", source=str(cache))


def leave_one_runner_out(model: Any, pop: Any, n_perm: int, seed: int = 0) -> dict[str, Any]:
    """Leave-one-runner-out predictions of the declared target, r, permutation p, within-runner order."""
    from stridelab.skill.declaration import declaration_of
    from stridelab.skill.features import runner_data
    from stridelab.skill.learn import DesignCache, LearnConfig, fit_pipelines, pearson_r

    decl = declaration_of(model)
    ids = [rid for rid in pop.ids if rid in set(_ref_ids(model, pop))]
    sub = pop.subset(ids)
    y = decl.target_values(sub)
    person = np.array([r.meta["person"] for r in sub.runners])
    data = runner_data(sub, model.extractor.angles, model.side, model.extractor.rhythm)
    cfg = LearnConfig(angles=model.extractor.angles, rhythm=model.extractor.rhythm, alpha=0.9, group_of=decl.group_of, seed=seed)
    rng = np.random.default_rng(seed)
    ys = np.array([y] + [y[rng.permutation(len(y))] for _ in range(n_perm)])
    pred = np.zeros_like(ys)
    cache = DesignCache()
    for p in np.unique(person):
        test = np.flatnonzero(person == p)
        train = np.flatnonzero(person != p)
        pipes = fit_pipelines(data, ys, train, cfg, test=test, cache=cache)
        for k, pipe in enumerate(pipes):
            pred[k, test] = pipe.predict_test()
    rs = np.array([pearson_r(pred[k], ys[k]) for k in range(len(ys))])
    order = {}
    for p in np.unique(person):
        i = np.flatnonzero(person == p)
        if len(i) > 1:
            o = np.argsort(y[i])
            order[str(p)] = {"speeds": y[i][o].tolist(), "predicted": np.round(pred[0, i][o], 2).tolist(),
                             "right_order": bool(np.all(np.diff(pred[0, i][o]) > 0))}
    return {"n_trials": len(y), "n_runners": len(np.unique(person)), "r": float(rs[0]),
            "permutation_p": float((1 + np.sum(rs[1:] >= rs[0])) / (1 + n_perm)), "n_permutations": n_perm,
            "rmse_mps": float(np.sqrt(np.mean((pred[0] - y) ** 2))), "within_runner_order": order}


def _ref_ids(model: Any, pop: Any) -> list[str]:
    # the fit keeps every trial with a known speed (compare_at_speed is false): all of them here
    return [r.id for r in pop.runners if r.speed_mps is not None]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--permutations", type=int, default=99)
    args = ap.parse_args()
    if not (CACHE / "trials.json").is_file():
        raise SystemExit("run validation/skill_trials_cache.py first")
    from stridelab.skill.declaration import load_declaration
    from stridelab.skill.fit import FitOptions, fit_model

    t0 = time.perf_counter()
    pop = speed_population()
    decl = load_declaration("running_speed")
    model = fit_model(pop, FitOptions(declaration=decl, n_permutations=args.permutations, side="right"))
    v = model.card["validation"]
    print(f"declaration {decl.activity!r}: {len(model.reference_target)} trials, {len(model.names)} features, groups {model.measured_groups}")
    print(f"1. trial-wise repeated 5-fold CV (optimistic: a runner's other trials may be in training): r = {v['cv_r']:+.3f} "
          f"(95% CI {v['cv_r_ci95'][0]:+.2f} to {v['cv_r_ci95'][1]:+.2f}), permutation p = {v['permutation_p']:.3f}")
    for g, o in model.orientation.items():
        print(f"   {g:>11}: {o.kind}; {o.evidence}")
    lo = leave_one_runner_out(model, pop, args.permutations)
    print(f"2. leave-one-runner-out ({lo['n_runners']} runners, {lo['n_trials']} trials): r = {lo['r']:+.3f}, "
          f"permutation p = {lo['permutation_p']:.3f}, RMSE {lo['rmse_mps']:.2f} m/s")
    for p, d in lo["within_runner_order"].items():
        print(f"   {p}: speeds {d['speeds']} predicted {d['predicted']} {'right order' if d['right_order'] else 'WRONG order'}")
    print(json.dumps({"note": "real trials only; nothing synthetic", "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()

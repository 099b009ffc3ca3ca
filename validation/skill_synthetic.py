"""Acceptance test of the skill method on SYNTHETIC populations (every number here is synthetic).

A generator fitted on the real per-stride curves of ``population/rbds_strides``
(:mod:`stridelab.skill.synthetic`) makes populations of 200 to 2,000 synthetic runners with
technique effects planted in curve space (knee swing flexion, ankle timing); the skill learner
(:mod:`stridelab.skill.learn`, :mod:`stridelab.skill.stability`, the same code as ``skill fit``) is
fitted on each, and we count how often the planted groups are recovered (stable in stability
selection) and how often a group without a planted effect is selected, and compare the
cross-validated r with:

- the best achievable r for the planted signal and noise (``oracle_r(method="bayes")``: the
  posterior mean of the ability given a runner's observed mean curves, computed exactly from the
  generator's model on 3,000 fresh synthetic runners);
- the best *linear* predictor from the full mean curves (least squares, 20,000 + 20,000 runners);
- the ceiling of the model's own features (least squares on the features, 3,000 + 3,000 runners);
- ridge regression on the features of the planted angles only (knee and ankle, the truth known),
  in the same cross-validation folds ("told"): what the sample size allows a learner that is told
  where the effects are.

    .venv/bin/python validation/skill_synthetic.py                               # 20 fits per size, Matern residual
    .venv/bin/python validation/skill_synthetic.py --kernel squared_exponential  # the former residual
    .venv/bin/python validation/skill_synthetic.py --fits 5                      # quicker
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from stridelab.skill._threads import single_thread
from stridelab.skill.features import FeatureExtractor, RunnerData, runner_data
from stridelab.skill.fit import FitOptions
from stridelab.skill.groupmodels import ridge_gcv
from stridelab.skill.learn import DesignCache, LearnConfig, cross_validate, kfold, pearson_r
from stridelab.skill.quality import check_population
from stridelab.skill.stability import stability_selection
from stridelab.skill.stridefiles import load_stride_folder
from stridelab.skill.synthetic import RESIDUAL_KERNELS, PlantedEffects, SyntheticGenerator

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "population" / "rbds_strides"
ANGLES = ["hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion", "knee_adduction", "ankle_dorsiflexion", "ankle_inversion"]
PLANTED_ANGLES = ("knee_flexion.", "knee_adduction.", "ankle_dorsiflexion.", "ankle_inversion.")
GROUPS = ["hip and pelvis", "knee", "ankle and foot", "stability"]


def told_where(data: RunnerData, y: np.ndarray, seed: int, n_folds: int = 5) -> float:
    """CV r of ridge regression (lambda by GCV) on the planted angles' features (knee, ankle; no variability)."""
    preds = np.zeros(len(y))
    for f in kfold(len(y), n_folds, np.random.default_rng(seed)):
        tr = np.setdiff1d(np.arange(len(y)), f)
        ex = FeatureExtractor(ANGLES).fit(data.take(tr))
        cols = [i for i, n in enumerate(ex.names_) if n.startswith(PLANTED_ANGLES) and not n.endswith(".sd_deg")]
        xtr, xte = ex.transform(data.take(tr))[:, cols], ex.transform(data.take(f))[:, cols]
        mu, sd = xtr.mean(axis=0), xtr.std(axis=0) + 1e-12
        coef, _, _ = ridge_gcv((xtr - mu) / sd, y[tr])
        preds[f] = y[tr].mean() + ((xte - mu) / sd) @ coef
    return pearson_r(preds, y)


def one_fit(gen: SyntheticGenerator, n: int, seed: int, effects: PlantedEffects, opts: FitOptions) -> dict[str, object]:
    pop, truth = gen.sample(n, effects, seed=seed)
    pop, _ = check_population(pop)
    data = runner_data(pop, ANGLES)
    y = pop.target("pace")
    cfg = LearnConfig(angles=ANGLES, alpha=opts.alpha, fpc_variance=opts.fpc_variance, max_components=opts.max_components, seed=seed)
    cache = DesignCache()
    cv = cross_validate(data, y, cfg, n_folds=opts.n_folds, cache=cache, seed=seed)
    st = stability_selection(data, y, cfg, n_pairs=opts.n_pairs, pi_thr=opts.pi_thr, ev=opts.ev, seed=seed, cache=cache)
    return {"r": cv.r, "told": told_where(data, y, seed), "stable": st.stable_groups, "prob": st.groups, "planted": truth["planted_groups"]}


def feature_ceiling(gen: SyntheticGenerator, effects: PlantedEffects, opts: FitOptions, n: int = 3000) -> float:
    """r of least squares on the model's features, fitted on n and tested on n fresh SYNTHETIC runners."""
    pop, _ = gen.sample(2 * n, effects, seed=777)
    d = runner_data(pop, ANGLES)
    y = pop.target("pace")
    ex = FeatureExtractor(ANGLES, fpc_variance=opts.fpc_variance, max_components=opts.max_components).fit(d.take(np.arange(n)))
    x = ex.transform(d)
    a = np.c_[np.ones(2 * n), (x - x[:n].mean(0)) / x[:n].std(0)]
    coef, *_ = np.linalg.lstsq(a[:n], y[:n], rcond=None)
    return float(np.corrcoef(a[n:] @ coef, y[n:])[0, 1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fits", type=int, default=20)
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 2000])
    ap.add_argument("--coupling", nargs="+", default=["by_group", "joint"])
    ap.add_argument("--kernel", choices=RESIDUAL_KERNELS, default="matern52")
    ap.add_argument("--alpha", type=float, default=FitOptions.alpha)
    ap.add_argument("--ev", type=float, default=FitOptions.ev)
    args = ap.parse_args()
    real, _ = check_population(load_stride_folder(DATA))
    effects = PlantedEffects()
    opts = FitOptions(alpha=args.alpha, ev=args.ev)
    print(f"SYNTHETIC populations from {DATA.name}: planted +{effects.knee_swing_deg} deg knee swing flexion, "
          f"{effects.ankle_shift_pct} % earlier ankle curve per SD of skill; corr(pace, ability) = {effects.rho}; residual {args.kernel}")
    print(f"learner: sparse-group lasso alpha={opts.alpha}, {opts.n_folds}-fold runner-wise CV, fPCs to "
          f"{opts.fpc_variance:.0%} variance (at most {opts.max_components}); stability selection "
          f"{2 * opts.n_pairs} half-samples, pi_thr={opts.pi_thr}, E[V]<={opts.ev}")
    with single_thread():
        for coupling in args.coupling:
            gen = SyntheticGenerator(coupling=coupling, residual_kernel=args.kernel).fit(real, ANGLES)
            bayes = gen.oracle_r(effects, n=3000)
            linear = gen.oracle_r(effects, n=20000, method="linear")
            fc = feature_ceiling(gen, effects, opts)
            print(f"\ncoupling={coupling}: best achievable r (Bayes oracle) = {bayes:.3f}; best linear predictor = {linear:.3f}; "
                  f"ceiling of the model's features = {fc:.3f}")
            print(f"{'runners':>8} {'fits':>5} {'CV r':>7} {'gap':>6} {'told':>6} " + " ".join(f"{g[:14]:>15}" for g in GROUPS) + "   s/fit")
            for n in args.sizes:
                t0 = time.perf_counter()
                res = [one_fit(gen, n, 1000 * n + k, effects, opts) for k in range(args.fits)]
                dt = (time.perf_counter() - t0) / args.fits
                r = float(np.mean([x["r"] for x in res]))  # type: ignore[misc]
                told = float(np.mean([x["told"] for x in res]))  # type: ignore[misc]
                rates = {g: np.mean([g in x["stable"] for x in res]) for g in GROUPS}  # type: ignore[operator]
                tag = {g: ("planted" if g in res[0]["planted"] else "null") for g in GROUPS}  # type: ignore[operator]
                cells = " ".join(f"{rates[g] * 100:5.0f}% {tag[g]:>8}" for g in GROUPS)
                print(f"{n:>8} {args.fits:>5} {r:7.3f} {bayes - r:6.3f} {told:6.3f} {cells}   {dt:.1f}", flush=True)


if __name__ == "__main__":
    main()

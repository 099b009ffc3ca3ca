"""Speed of the skill model: fitting on 2,000 SYNTHETIC runners with cross-validation, scoring one runner.

Targets (issue 6): fit with cross-validation < 60 s; scoring one runner < 50 ms.

    .venv/bin/python benchmarks/skill.py [--runners 2000] [--permutations 99]

The synthetic population is generated from the real curves of ``population/rbds_strides``
(``stridelab.skill.synthetic``); generation time is reported separately and not counted.
The fit includes everything ``stridelab skill fit`` does: quality checks, a 20 % test set,
5-fold runner-wise CV with a permutation test, the bootstrap CI, a learning curve, the final
fit, stability selection (50 half-samples), group models with 200 bootstrap refits and the
split-half reliability.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from stridelab.skill.fit import FitOptions, fit_model
from stridelab.skill.model import load_model
from stridelab.skill.quality import check_population
from stridelab.skill.score import score_population
from stridelab.skill.stridefiles import load_stride_folder
from stridelab.skill.synthetic import PlantedEffects, SyntheticGenerator

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "population" / "rbds_strides"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runners", type=int, default=2000)
    ap.add_argument("--permutations", type=int, default=99)
    args = ap.parse_args()
    real = load_stride_folder(DATA)
    t0 = time.perf_counter()
    gen = SyntheticGenerator().fit(check_population(real)[0])
    pop, _ = gen.sample(args.runners, PlantedEffects(), n_strides=16, seed=0)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = fit_model(pop, FitOptions(n_permutations=args.permutations))
    t_fit = time.perf_counter() - t0
    v = model.card["validation"]
    print(f"SYNTHETIC population: {args.runners} runners x 16 strides, generated in {t_gen:.1f} s (not counted)")
    print(f"fit with CV ({v['n_folds']}-fold x {v['n_repeats']}, {v['n_permutations']} permutations, stability selection, "
          f"bootstrap): {t_fit:.1f} s  (target < 60 s)   [cv r = {v['cv_r']:.2f}, test r = {v['test']['r']:.2f}]")
    default = load_model()
    one = real.subset(["RBDS001"])
    score_population(default, one)  # warm-up (imports)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        score_population(default, one)
        times.append(time.perf_counter() - t0)
    print(f"score one runner (default model, 34 strides): median {np.median(times) * 1000:.1f} ms, "
          f"max {np.max(times) * 1000:.1f} ms  (target < 50 ms)")


if __name__ == "__main__":
    main()

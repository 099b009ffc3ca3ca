"""Stability selection of skill groups and features.

``method="meinshausen2010"``: the sparse-group lasso is fitted on many half-samples of the
runners over a range of lambda, from lambda_max down to the lambda at which the half-samples
select on average q features, q = sqrt((2 pi_thr - 1) p EV) so that the expected number of falsely
selected features is at most ``ev`` (their Theorem 1, exchangeability assumed); a feature's (a
group's) selection probability is the largest, over that range, of the share of half-samples in
which it (any of its features) has a non-zero coefficient; groups at or above ``pi_thr`` are stable (Meinshausen N, Buehlmann P (2010) Stability selection. J R Stat Soc B 72:417-473).
Half-samples come in complementary pairs (Shah RD, Samworth RJ (2013) J R Stat Soc B 75:55-80).
Features and scaling are refitted on every half-sample (with the numbers of functional PCs chosen
once on all runners, so that the half-samples share their features).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stridelab.skill.features import RunnerData
from stridelab.skill.learn import DesignCache, LearnConfig, group_index
from stridelab.skill.sgl import lambda_max, sgl_solve_batch


@dataclass
class StabilityResult:
    groups: dict[str, float]
    features: dict[str, float]
    stable_groups: list[str]
    pi_thr: float
    n_subsamples: int
    ev_bound: float
    q: float

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def stability_selection(
    data: RunnerData,
    y: np.ndarray,
    cfg: LearnConfig,
    rows: np.ndarray | None = None,
    n_pairs: int = 25,
    pi_thr: float = 0.75,
    ev: float = 1.0,
    n_lambdas: int = 40,
    seed: int = 0,
    cache: DesignCache | None = None,
) -> StabilityResult:
    """Selection probabilities over ``n_pairs`` complementary pairs of half-samples."""
    rows = np.arange(len(y)) if rows is None else np.asarray(rows)
    cache = cache or DesignCache()
    rng = np.random.default_rng(seed)
    half = len(rows) // 2
    designs, cs = [], []
    # the numbers of functional PCs are chosen once on all rows (no target involved), so that every
    # half-sample has the same features
    components = cache.get(data, np.sort(rows), np.zeros(0, dtype=int), cfg).extractor.components_
    for _ in range(n_pairs):
        perm = rng.permutation(rows)
        for part in (np.sort(perm[:half]), np.sort(perm[half : 2 * half])):
            d = cache.get(data, part, np.zeros(0, dtype=int), cfg, components)
            yy = y[part] - y[part].mean()
            designs.append(d)
            cs.append(d.x_train.T @ yy / len(part))
    names = designs[0].extractor.names_
    gidx, groups = group_index(names, cfg)
    grams = np.stack([d.gram for d in designs])
    lips = np.array([d.lipschitz for d in designs])
    c = np.stack(cs)[None]
    q_max = float(np.sqrt((2 * pi_thr - 1) * len(names) * ev))
    lam_top = max(lambda_max(cc, gidx, cfg.alpha) for cc in cs)
    lams = lam_top * np.geomspace(1.0, 0.005, n_lambdas)
    b = np.zeros_like(c)
    best_f = np.zeros(len(names))
    best_g = np.zeros(len(groups))
    q = 0.0
    for lam in lams:
        b = sgl_solve_batch(grams, c, gidx, np.array([lam]), cfg.alpha, b, lips)
        nz = b[0] != 0  # (S, p)
        if nz.sum(axis=1).mean() > q_max:
            break
        q = float(nz.sum(axis=1).mean())
        best_f = np.maximum(best_f, nz.mean(axis=0))
        gsel = np.stack([nz[:, gidx == k].any(axis=1) for k in range(len(groups))], axis=1)
        best_g = np.maximum(best_g, gsel.mean(axis=0))
    gp = {g: float(best_g[k]) for k, g in enumerate(groups)}
    return StabilityResult(
        groups=gp,
        features={n: float(best_f[i]) for i, n in enumerate(names)},
        stable_groups=[g for g, v in gp.items() if v >= pi_thr],
        pi_thr=pi_thr,
        n_subsamples=2 * n_pairs,
        ev_bound=float(q**2 / ((2 * pi_thr - 1) * len(names))),
        q=q,
    )

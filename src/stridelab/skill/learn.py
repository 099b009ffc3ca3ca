"""Learning which motions matter: sparse-group lasso inside runner-wise cross-validation.

Every step that looks at more than one runner (functional PCA bases, reference timings, feature
scaling, the choice of lambda, the selection of groups) is fitted on training runners only:
:func:`make_design` fits the features on the training rows and applies them to the held-out
rows; :func:`fit_pipeline` chooses lambda by an inner K-fold cross-validation of the training
runners (each with its own design, with the numbers of functional PCs chosen on the training
runners of the fit it belongs to, so that the inner designs line up) and refits; the outer folds
of :func:`cross_validate` never let a held-out runner into any of it. Lambda is searched from the largest value down and the
search stops early when the inner validation error has not improved for ``patience`` steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from stridelab.skill.angles import group_of
from stridelab.skill.features import FeatureExtractor, RunnerData
from stridelab.skill.sgl import lambda_max, sgl_solve_batch


@dataclass
class LearnConfig:
    """Model settings (see the module doc). ``feature_groups`` maps feature -> group (None: given groups);
    ``group_of`` gives a feature's group by a declared rule (:mod:`stridelab.skill.declaration`) instead."""

    angles: list[str]
    rhythm: list[str] = field(default_factory=list)
    feature_groups: dict[str, str] | None = None
    group_of: Callable[[str], str] | None = None
    fpc_variance: float = 0.99
    max_components: int = 8
    alpha: float = 0.5
    n_lambdas: int = 30
    min_ratio: float = 0.02
    inner_folds: int = 5
    patience: int = 5
    seed: int = 0


@dataclass
class Design:
    """Features fitted on ``train`` rows and applied to ``test`` rows (standardised)."""

    train: np.ndarray
    test: np.ndarray
    extractor: FeatureExtractor
    mean_: np.ndarray
    scale_: np.ndarray
    x_train: np.ndarray
    x_test: np.ndarray
    gram: np.ndarray
    lipschitz: float


class DesignCache:
    """Designs depend on the training runners only (not on the target): reuse them across targets."""

    def __init__(self) -> None:
        self._d: dict[tuple[bytes, bytes, tuple[tuple[str, int], ...] | None], Design] = {}
        self.fits = 0

    def get(self, data: RunnerData, train: np.ndarray, test: np.ndarray, cfg: LearnConfig, components: dict[str, int] | None = None) -> Design:
        key = (np.sort(train).tobytes(), np.sort(test).tobytes(), tuple(sorted(components.items())) if components else None)
        if key not in self._d:
            self._d[key] = make_design(data, train, test, cfg, components)
            self.fits += 1
        return self._d[key]


def make_design(data: RunnerData, train: np.ndarray, test: np.ndarray, cfg: LearnConfig, components: dict[str, int] | None = None) -> Design:
    """Fit the feature extractor and the scaler on ``train`` rows only; transform both.

    ``components`` fixes the number of functional PCs per angle (None: chosen on ``train``)."""
    ex = FeatureExtractor(list(cfg.angles), list(cfg.rhythm), cfg.fpc_variance, cfg.max_components, components).fit(data.take(train))
    xtr = ex.transform(data.take(train))
    mean = xtr.mean(axis=0)
    sd = xtr.std(axis=0)
    sd[~(sd > 1e-12)] = 1.0
    xtr = (xtr - mean) / sd
    xte = (ex.transform(data.take(test)) - mean) / sd if len(test) else np.zeros((0, xtr.shape[1]))
    gram = xtr.T @ xtr / max(len(train), 1)
    lip = float(np.linalg.eigvalsh(gram)[-1]) if gram.size else 1.0
    return Design(train, test, ex, mean, sd, xtr, xte, gram, lip)


def group_index(names: list[str], cfg: LearnConfig) -> tuple[np.ndarray, list[str]]:
    """Group index per feature and the group names (given groups unless ``feature_groups``)."""
    rule = cfg.group_of or group_of
    labels = [cfg.feature_groups.get(n, "other") if cfg.feature_groups else rule(n) for n in names]
    groups = list(dict.fromkeys(labels))
    return np.array([groups.index(g) for g in labels], dtype=int), groups


@dataclass
class Pipeline:
    """A fitted model: design (features + scaler), SGL coefficients, intercept, lambda."""

    design: Design
    coef_: np.ndarray
    intercept_: float
    lambda_: float
    groups_: list[str]
    gidx_: np.ndarray
    inner_mse_: np.ndarray

    @property
    def names(self) -> list[str]:
        return self.design.extractor.names_

    def selected_groups(self) -> list[str]:
        return [g for k, g in enumerate(self.groups_) if np.any(self.coef_[self.gidx_ == k] != 0)]

    def predict_test(self) -> np.ndarray:
        return self.intercept_ + self.design.x_test @ self.coef_

    def predict(self, data: RunnerData) -> np.ndarray:
        x = (self.design.extractor.transform(data) - self.design.mean_) / self.design.scale_
        return self.intercept_ + x @ self.coef_


def kfold(n: int, k: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Runner-wise folds: a random partition of 0..n-1 into min(k, n) parts."""
    k = max(2, min(k, n))
    return [np.sort(f) for f in np.array_split(rng.permutation(n), k)]


def fit_pipelines(
    data: RunnerData,
    y: np.ndarray,
    train: np.ndarray,
    cfg: LearnConfig,
    test: np.ndarray | None = None,
    cache: DesignCache | None = None,
    rng: np.random.Generator | None = None,
) -> list[Pipeline]:
    """Fit on ``train`` rows for each target row of ``y`` (m, n) (e.g. the target and its permutations).

    Lambda: inner runner-wise K-fold CV on the training rows (each inner fold with its own design),
    searched down a geometric grid from lambda_max with early stopping after ``patience`` steps
    without improvement; then the model is refitted on all training rows at that lambda.
    """
    cache = cache or DesignCache()
    rng = rng or np.random.default_rng(cfg.seed)
    test = np.zeros(0, dtype=int) if test is None else test
    y2 = np.atleast_2d(np.asarray(y, float))
    m = y2.shape[0]
    full = cache.get(data, train, test, cfg)
    gidx, groups = group_index(full.extractor.names_, cfg)
    ytr = y2[:, train]
    ym = ytr.mean(axis=1)
    c_full = (ytr - ym[:, None]) @ full.x_train / len(train)
    lmax = np.array([max(lambda_max(c_full[i], gidx, cfg.alpha), 1e-12) for i in range(m)])
    grids = lmax[:, None] * np.geomspace(1.0, cfg.min_ratio, cfg.n_lambdas)[None, :]
    designs, c_in, means, yval = [], [], [], []
    for f in kfold(len(train), cfg.inner_folds, rng):
        tr_in = np.setdiff1d(np.arange(len(train)), f)
        d = cache.get(data, train[tr_in], train[f], cfg, full.extractor.components_)
        yi = y2[:, train[tr_in]]
        mi = yi.mean(axis=1)
        designs.append(d)
        c_in.append((yi - mi[:, None]) @ d.x_train / len(tr_in))
        means.append(mi)
        yval.append(y2[:, train[f]])
    grams = np.stack([d.gram for d in designs])
    lips = np.array([d.lipschitz for d in designs])
    cb = np.stack(c_in, axis=1)  # (m, F, p)
    betas = np.zeros_like(cb)
    mse = np.full((m, cfg.n_lambdas), np.nan)
    best = np.zeros(m, dtype=int)
    since = np.zeros(m, dtype=int)
    active = np.ones(m, dtype=bool)
    for i in range(cfg.n_lambdas):
        betas = sgl_solve_batch(grams, cb, gidx, grids[:, i], cfg.alpha, betas, lips)
        err = np.zeros(m)
        for k, d in enumerate(designs):
            pred = means[k][:, None] + betas[:, k, :] @ d.x_test.T
            err += np.sum((yval[k] - pred) ** 2, axis=1)
        mse[:, i] = np.where(active, err / len(train), np.nan)
        improved = active & ((i == 0) | (err / len(train) < mse[np.arange(m), best] - 1e-12))
        best[improved] = i
        since[improved] = 0
        since[active & ~improved] += 1
        active &= since < cfg.patience  # early stopping along the lambda path
        if not active.any():
            break
    coef = np.zeros((m, full.gram.shape[0]))
    b = np.zeros((m, 1, full.gram.shape[0]))
    for i in range(int(best.max()) + 1):
        b = sgl_solve_batch(full.gram[None], c_full[:, None, :], gidx, grids[:, i], cfg.alpha, b, np.array([full.lipschitz]))
        coef[best == i] = b[best == i, 0]
    return [Pipeline(full, coef[k], float(ym[k]), float(grids[k, best[k]]), groups, gidx, mse[k]) for k in range(m)]


def fit_pipeline(
    data: RunnerData,
    y: np.ndarray,
    train: np.ndarray,
    cfg: LearnConfig,
    test: np.ndarray | None = None,
    cache: DesignCache | None = None,
    rng: np.random.Generator | None = None,
) -> Pipeline:
    """:func:`fit_pipelines` for one target (n,)."""
    return fit_pipelines(data, np.asarray(y, float)[None, :], train, cfg, test, cache, rng)[0]


def pearson_r(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson r; 0 when either side is constant (a model that predicts nothing)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    sa, sb = a.std(), b.std()
    if not (sa > 1e-12 and sb > 1e-12):
        return 0.0
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))


@dataclass
class CVResult:
    """Out-of-fold predictions (n_repeats, n) and their agreement with the target."""

    predictions: np.ndarray
    r_per_repeat: np.ndarray
    rmse: float
    selected: list[list[str]]

    @property
    def r(self) -> float:
        return float(np.mean(self.r_per_repeat))


def cross_validate_many(
    data: RunnerData,
    y: np.ndarray,
    cfg: LearnConfig,
    n_folds: int = 5,
    n_repeats: int = 1,
    rows: np.ndarray | None = None,
    cache: DesignCache | None = None,
    seed: int | None = None,
    train_fraction: float = 1.0,
    advance: Callable[[float], None] | None = None,
) -> list[CVResult]:
    """Runner-wise K-fold CV (repeated) of each target row of ``y`` (m, n), all on the same folds.

    Everything is refitted inside each training fold. ``rows`` restricts to a subset (a development
    set); ``train_fraction`` < 1 trains on a random part of each training fold (learning curve).
    Folds depend on ``seed`` only, so permutations share them (and the cached designs).
    ``advance(m)`` is called after each training fold (its m fits done): a progress bar's hook
    (:func:`cv_fits` gives the total).
    """
    y2 = np.atleast_2d(np.asarray(y, float))
    m = y2.shape[0]
    rows = np.arange(y2.shape[1]) if rows is None else np.asarray(rows)
    cache = cache or DesignCache()
    rng = np.random.default_rng(cfg.seed if seed is None else seed)
    preds = np.full((m, n_repeats, len(rows)), np.nan)
    selected: list[list[list[str]]] = [[] for _ in range(m)]
    k = 0
    for rep in range(n_repeats):
        for f in kfold(len(rows), n_folds, rng):
            tr = np.setdiff1d(np.arange(len(rows)), f)
            if train_fraction < 1.0:
                size = max(cfg.inner_folds + 2, int(round(train_fraction * len(tr))))
                tr = np.sort(rng.choice(tr, size=min(size, len(tr)), replace=False))
            pipes = fit_pipelines(data, y2, rows[tr], cfg, test=rows[f], cache=cache, rng=np.random.default_rng(1000 + k))
            k += 1
            for i, p in enumerate(pipes):
                preds[i, rep, f] = p.predict_test()
                selected[i].append(p.selected_groups())
            if advance is not None:
                advance(m)
    out = []
    for i in range(m):
        yr = y2[i, rows]
        r = np.array([pearson_r(preds[i, j], yr) for j in range(n_repeats)])
        rmse = float(np.sqrt(np.mean((preds[i] - yr[None, :]) ** 2)))
        out.append(CVResult(preds[i], r, rmse, selected[i]))
    return out


def cross_validate(
    data: RunnerData,
    y: np.ndarray,
    cfg: LearnConfig,
    n_folds: int = 5,
    n_repeats: int = 1,
    rows: np.ndarray | None = None,
    cache: DesignCache | None = None,
    seed: int | None = None,
    train_fraction: float = 1.0,
    advance: Callable[[float], None] | None = None,
) -> CVResult:
    """:func:`cross_validate_many` for one target (n,)."""
    return cross_validate_many(data, np.asarray(y, float)[None, :], cfg, n_folds, n_repeats, rows, cache, seed, train_fraction, advance)[0]


def cv_fits(n_rows: int, n_folds: int, n_repeats: int, n_targets: int = 1) -> int:
    """How many fits :func:`cross_validate_many` makes: one per target and training fold
    (``n_repeats`` x the folds :func:`kfold` makes)."""
    return n_targets * n_repeats * max(2, min(n_folds, n_rows))

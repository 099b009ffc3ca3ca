"""Learning which motions matter: sparse-group lasso inside runner-wise cross-validation.

Every step that looks at more than one runner (functional PCA bases, reference timings, feature
scaling, the choice of lambda, the selection of groups) is fitted on training runners only:
:func:`make_design` fits the features on the training rows and applies them to the held-out
rows; :func:`fit_pipeline` chooses lambda by an inner K-fold cross-validation of the training
runners (each with its own design) and refits; the outer folds of :func:`cross_validate` never
let a held-out runner into any of it. Lambda is searched from the largest value down and the
search stops early when the inner validation error has not improved for ``patience`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.skill.angles import group_of
from stridelab.skill.features import FeatureExtractor, RunnerData
from stridelab.skill.sgl import lambda_grid, lambda_max, sgl_solve


@dataclass
class LearnConfig:
    """Model settings (see the module doc). ``feature_groups`` maps feature -> group (None: given groups)."""

    angles: list[str]
    rhythm: list[str] = field(default_factory=list)
    feature_groups: dict[str, str] | None = None
    n_components: int = 3
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
        self._d: dict[tuple[bytes, bytes], Design] = {}
        self.fits = 0

    def get(self, data: RunnerData, train: np.ndarray, test: np.ndarray, cfg: LearnConfig) -> Design:
        key = (np.sort(train).tobytes(), np.sort(test).tobytes())
        if key not in self._d:
            self._d[key] = make_design(data, train, test, cfg)
            self.fits += 1
        return self._d[key]


def make_design(data: RunnerData, train: np.ndarray, test: np.ndarray, cfg: LearnConfig) -> Design:
    """Fit the feature extractor and the scaler on ``train`` rows only; transform both."""
    ex = FeatureExtractor(list(cfg.angles), list(cfg.rhythm), cfg.n_components).fit(data.take(train))
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
    labels = [cfg.feature_groups.get(n, "other") if cfg.feature_groups else group_of(n) for n in names]
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


def fit_pipeline(
    data: RunnerData,
    y: np.ndarray,
    train: np.ndarray,
    cfg: LearnConfig,
    test: np.ndarray | None = None,
    cache: DesignCache | None = None,
    rng: np.random.Generator | None = None,
) -> Pipeline:
    """Fit on ``train`` rows: lambda by inner runner-wise CV with early stopping, then refit."""
    cache = cache or DesignCache()
    rng = rng or np.random.default_rng(cfg.seed)
    test = np.zeros(0, dtype=int) if test is None else test
    full = cache.get(data, train, test, cfg)
    gidx, groups = group_index(full.extractor.names_, cfg)
    ytr = y[train]
    ym = float(ytr.mean())
    c_full = full.x_train.T @ (ytr - ym) / len(train)
    lams = lambda_grid(max(lambda_max(c_full, gidx, cfg.alpha), 1e-12), cfg.n_lambdas, cfg.min_ratio)
    inner = []
    for f in kfold(len(train), cfg.inner_folds, rng):
        tr_in = np.setdiff1d(np.arange(len(train)), f)
        d = cache.get(data, train[tr_in], train[f], cfg)
        yi = y[train[tr_in]]
        mi = float(yi.mean())
        inner.append((d, d.x_train.T @ (yi - mi) / len(tr_in), mi, y[train[f]]))
    betas = [np.zeros(full.gram.shape[0]) for _ in inner]
    mse = np.full(len(lams), np.nan)
    best, since = 0, 0
    for i, lam in enumerate(lams):
        err = 0.0
        for j, (d, c, mi, yv) in enumerate(inner):
            betas[j] = sgl_solve(d.gram, c, gidx, float(lam), cfg.alpha, betas[j], lipschitz=d.lipschitz)
            err += float(np.sum((yv - (mi + d.x_test @ betas[j])) ** 2))
        mse[i] = err / len(train)
        if mse[i] < mse[best] - 1e-12 or i == 0:
            best, since = i, 0
        else:
            since += 1
            if since >= cfg.patience:  # early stopping along the lambda path
                break
    b = np.zeros(full.gram.shape[0])
    for lam in lams[: best + 1]:
        b = sgl_solve(full.gram, c_full, gidx, float(lam), cfg.alpha, b, lipschitz=full.lipschitz)
    return Pipeline(full, b, ym, float(lams[best]), groups, gidx, mse)


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
) -> CVResult:
    """Runner-wise K-fold CV (repeated); everything is refitted inside each training fold.

    ``rows`` restricts to a subset (a development set); ``train_fraction`` < 1 trains on a random
    part of each training fold (learning curve). Folds depend on ``seed`` only, so permutation
    tests reuse them (and the cached designs).
    """
    rows = np.arange(len(y)) if rows is None else np.asarray(rows)
    cache = cache or DesignCache()
    rng = np.random.default_rng(cfg.seed if seed is None else seed)
    preds = np.full((n_repeats, len(rows)), np.nan)
    selected: list[list[str]] = []
    for rep in range(n_repeats):
        for f in kfold(len(rows), n_folds, rng):
            tr = np.setdiff1d(np.arange(len(rows)), f)
            if train_fraction < 1.0:
                k = max(cfg.inner_folds + 2, int(round(train_fraction * len(tr))))
                tr = np.sort(rng.choice(tr, size=min(k, len(tr)), replace=False))
            p = fit_pipeline(data, y, rows[tr], cfg, test=rows[f], cache=cache, rng=np.random.default_rng(rep * 1000 + len(selected)))
            preds[rep, f] = p.predict_test()
            selected.append(p.selected_groups())
    yr = y[rows]
    r = np.array([pearson_r(preds[i], yr) for i in range(n_repeats)])
    rmse = float(np.sqrt(np.mean((preds - yr[None, :]) ** 2)))
    return CVResult(preds, r, rmse, selected)

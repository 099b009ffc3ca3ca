"""Runner-wise evaluation: nested cross-validation, errors per runner, permutation baseline, learning curves.

A *model* is any object with ``fit(train, val=None)`` and ``predict(ds) -> (rows, targets)``
working on :class:`~stridelab.learn.dataset.StepDataset` (so a feature model reads ``ds.X`` and a
sequence model ``ds.windows``); a model with ``uses_validation = True`` gets a validation set of
runners held out of its training runners, e.g. for early stopping on the validation loss. A
*factory* makes a fresh model from a dict of hyperparameters.

* :func:`cross_validate`: outer runner-wise folds give the test error; inside each outer training
  set, inner runner-wise folds choose the hyperparameters from ``grid`` (nested cross-validation,
  Varma S & Simon R 2006, BMC Bioinformatics 7:91: choosing them on the test runners would bias
  the error down). The reported error is computed from the out-of-fold predictions only: every
  step is predicted by a model that never saw its runner. Training errors are kept beside it, to
  show over-fitting, never in its place.
* :func:`runner_errors`: RMSE, bias and 95 % limits of agreement (Bland JM & Altman DG 1986, Lancet
  i:307) over all test steps, a 95 % interval of the pooled RMSE by resampling runners (a cluster
  bootstrap: steps of a runner are not independent), and every runner's RMSE and bias with a 95 %
  interval from resampling that runner's steps (approximate: neighbouring steps are correlated, so
  these intervals are somewhat too narrow).
* :func:`permutation_baseline`: the same cross-validation with the targets shuffled across steps
  (Ojala M & Garriga GC 2010, J Mach Learn Res 11:1833): the error of a model that learned nothing
  and the p-value of the real one against it.
* :func:`learning_curve`: training and test error against the number of training runners: a gap
  that stays large says over-fitting, two high curves that meet say under-fitting, a test curve
  still falling says more runners would help.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from stridelab.learn.dataset import StepDataset
from stridelab.learn.splits import check_disjoint, runner_folds, validation_split


class Model(Protocol):
    def fit(self, train: StepDataset, val: StepDataset | None = None) -> Any: ...

    def predict(self, ds: StepDataset) -> np.ndarray: ...


Factory = Callable[[dict[str, Any]], Model]


def rmse(y: np.ndarray, p: np.ndarray) -> float:
    """Root-mean-square error over finite pairs."""
    d = np.asarray(p, dtype=float) - np.asarray(y, dtype=float)
    d = d[np.isfinite(d)]
    return float(np.sqrt(np.mean(d**2))) if d.size else float("nan")


def _fit(factory: Factory, params: dict[str, Any], ds: StepDataset, seed: int) -> Model:
    model = factory(params)
    if getattr(model, "uses_validation", False):
        fit_rows, val_rows = validation_split(ds.groups, np.arange(len(ds)), 0.2, seed)
        model.fit(ds.subset(fit_rows), ds.subset(val_rows))
    else:
        model.fit(ds)
    return model


def _score(ds: StepDataset, pred: np.ndarray, score_on: str) -> float:
    j = list(ds.y.columns).index(score_on)
    return rmse(ds.y.to_numpy(float)[:, j], pred[:, j])


@dataclass
class CvResult:
    """Out-of-fold predictions of a nested, runner-wise cross-validation.

    ``pred``: (rows, targets), every row predicted by the model of the fold whose test set holds
    it; ``folds``: (train rows, test rows) per outer fold; ``params_``: the hyperparameters chosen
    inside each fold; ``train_rmse_`` / ``test_rmse_``: per fold, of ``score_on``."""

    name: str
    targets: list[str]
    y: np.ndarray
    pred: np.ndarray
    groups: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]
    params_: list[dict[str, Any]] = field(default_factory=list)
    train_rmse_: list[float] = field(default_factory=list)
    test_rmse_: list[float] = field(default_factory=list)
    inner_scores_: list[dict[str, float]] = field(default_factory=list)

    def rmse(self, target: str) -> float:
        """The test-set RMSE of one target, from the out-of-fold predictions."""
        j = self.targets.index(target)
        return rmse(self.y[:, j], self.pred[:, j])


def cross_validate(
    ds: StepDataset,
    factory: Factory,
    grid: Sequence[dict[str, Any]] = ({},),
    name: str = "model",
    n_splits: int | None = None,
    inner_splits: int = 3,
    score_on: str | None = None,
    seed: int = 0,
) -> CvResult:
    """Nested runner-wise cross-validation (module docstring). ``n_splits=None``: leave one runner out."""
    score_on = score_on or str(ds.y.columns[0])
    folds = runner_folds(ds.groups, n_splits, seed)
    y = ds.y.to_numpy(float)
    pred = np.full(y.shape, np.nan)
    res = CvResult(name, list(ds.y.columns), y, pred, ds.groups.copy(), folds)
    for k, (train, test) in enumerate(folds):
        check_disjoint(ds.groups, train, test)
        tr = ds.subset(train)
        scores: dict[str, float] = {}
        best = dict(grid[0])
        if len(grid) > 1:
            inner = runner_folds(tr.groups, inner_splits, seed + k)
            best_score = np.inf
            for params in grid:
                errs = []
                for itr, ite in inner:
                    m = _fit(factory, params, tr.subset(itr), seed)
                    errs.append(_score(tr.subset(ite), m.predict(tr.subset(ite)), score_on))
                s = float(np.mean(errs))
                scores[repr(sorted(params.items()))] = s
                if s < best_score:
                    best_score, best = s, dict(params)
        model = _fit(factory, best, tr, seed)
        te = ds.subset(test)
        p = np.asarray(model.predict(te), dtype=float).reshape(len(te), -1)
        pred[test] = p
        res.params_.append(best)
        res.inner_scores_.append(scores)
        res.train_rmse_.append(_score(tr, np.asarray(model.predict(tr), dtype=float).reshape(len(tr), -1), score_on))
        res.test_rmse_.append(_score(te, p, score_on))
    return res


def runner_errors(y: np.ndarray, pred: np.ndarray, groups: np.ndarray, n_boot: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Pooled RMSE with a runner-bootstrap 95 % interval, bias and limits of agreement, per-runner RMSE."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(pred, dtype=float)
    g = np.asarray(groups).astype(str)
    ok = np.isfinite(y) & np.isfinite(p)
    y, p, g = y[ok], p[ok], g[ok]
    d = p - y
    runners = sorted(set(g.tolist()))
    idx = {r: np.flatnonzero(g == r) for r in runners}
    ss = np.array([np.sum(d[idx[r]] ** 2) for r in runners])
    nn = np.array([idx[r].size for r in runners])
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(runners), size=(n_boot, len(runners)))
    boot = np.sqrt(ss[draws].sum(axis=1) / nn[draws].sum(axis=1))
    sd = float(np.std(d, ddof=1)) if d.size > 1 else float("nan")
    per = []
    for r in runners:
        dr = d[idx[r]]
        bs = rng.integers(0, dr.size, size=(min(n_boot, 500), dr.size))
        rb = np.sqrt(np.mean(dr[bs] ** 2, axis=1))
        per.append({"runner": r, "n": int(dr.size), "rmse": float(np.sqrt(np.mean(dr**2))), "bias": float(np.mean(dr)),
                    "rmse_ci95": [float(np.percentile(rb, 2.5)), float(np.percentile(rb, 97.5))]})
    return {
        "n_steps": int(d.size),
        "n_runners": len(runners),
        "rmse": float(np.sqrt(np.mean(d**2))) if d.size else float("nan"),
        "rmse_ci95": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))],
        "bias": float(np.mean(d)) if d.size else float("nan"),
        "loa95": [float(np.mean(d) - 1.96 * sd), float(np.mean(d) + 1.96 * sd)],
        "mae": float(np.mean(np.abs(d))) if d.size else float("nan"),
        "per_runner": per,
    }


def permutation_baseline(
    ds: StepDataset, factory: Factory, params: dict[str, Any], n_perm: int = 10, n_splits: int | None = 5, score_on: str | None = None, seed: int = 0
) -> dict[str, Any]:
    """RMSE of the real model and of ``n_perm`` models trained on shuffled targets, same splits."""
    score_on = score_on or str(ds.y.columns[0])
    real = cross_validate(ds, factory, [params], n_splits=n_splits, score_on=score_on, seed=seed).rmse(score_on)
    rng = np.random.default_rng(seed)
    perm = []
    for _ in range(n_perm):
        order = rng.permutation(len(ds))
        shuffled = StepDataset(ds.X, ds.y.iloc[order].reset_index(drop=True), ds.groups, ds.meta, ds.windows,
                               None if ds.curves is None else ds.curves[order])
        perm.append(cross_validate(shuffled, factory, [params], n_splits=n_splits, score_on=score_on, seed=seed).rmse(score_on))
    pa = np.array(perm)
    return {"target": score_on, "rmse": real, "permuted_rmse_mean": float(pa.mean()), "permuted_rmse_min": float(pa.min()),
            "n_perm": n_perm, "p_value": float((1 + np.sum(pa <= real)) / (n_perm + 1))}


def learning_curve(
    ds: StepDataset, factory: Factory, params: dict[str, Any], sizes: Sequence[int], n_splits: int = 5, repeats: int = 2,
    score_on: str | None = None, seed: int = 0,
) -> pd.DataFrame:
    """Train and test RMSE against the number of training runners (drawn from each fold's training side)."""
    score_on = score_on or str(ds.y.columns[0])
    rng = np.random.default_rng(seed)
    rows = []
    for train, test in runner_folds(ds.groups, n_splits, seed):
        runners = np.array(sorted(set(ds.groups[train].tolist())))
        te = ds.subset(test)
        for n in sizes:
            if n > runners.size or n < 2:
                continue
            for rep in range(repeats if n < runners.size else 1):
                pick = set(rng.choice(runners, n, replace=False).tolist())
                rows_n = train[np.isin(ds.groups[train], list(pick))]
                check_disjoint(ds.groups, rows_n, test)
                tr = ds.subset(rows_n)
                m = _fit(factory, params, tr, seed + rep)
                rows.append({"n_runners": n, "train_rmse": _score(tr, np.asarray(m.predict(tr)).reshape(len(tr), -1), score_on),
                             "test_rmse": _score(te, np.asarray(m.predict(te)).reshape(len(te), -1), score_on)})
    tab = pd.DataFrame(rows)
    return tab.groupby("n_runners").agg(train_rmse=("train_rmse", "mean"), test_rmse=("test_rmse", "mean"),
                                         test_rmse_sd=("test_rmse", "std"), n_fits=("test_rmse", "size")).reset_index()


__all__ = ["CvResult", "Factory", "Model", "cross_validate", "learning_curve", "permutation_baseline", "rmse", "runner_errors"]

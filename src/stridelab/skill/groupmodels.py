"""Per-group models: how each skill group's motion is associated with performance.

For each measured skill group, a ridge regression of the target on the group's standardised
features (``method="hoerl1970"``: Hoerl AE, Kennard RW (1970) Technometrics 12:55-67), with
lambda chosen by generalised cross-validation (Golub GH, Heath M, Wahba G (1979) Technometrics
21:215-223). Its prediction minus the reference mean is the runner's *association*: how much
better or worse than average runners whose motion in that group is like the runner's perform in
the reference population. Its fitted associations for the reference runners are the reference
distribution of the 0-100 group score (percentiles do not depend on the shrinkage, so the score
ranks runners along the group's association direction even when that association is weak; the
leave-one-out error is kept for the card), and ``n_boot``
bootstrap refits (runners resampled with replacement, same lambda; Efron B, Tibshirani RJ (1993)
*An Introduction to the Bootstrap*) give the confidence interval of a runner's association.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class GroupModel:
    group: str
    features: list[str]
    columns: list[int]
    coef: np.ndarray
    lam: float
    loo: np.ndarray  # LOO predictions minus the mean target, reference runners
    fitted: np.ndarray  # fitted associations of the reference runners (score distribution)
    boot_coef: np.ndarray  # (B, p)
    boot_offset: np.ndarray  # (B,)

    def association(self, xs: np.ndarray) -> np.ndarray:
        """Predicted target minus the reference mean for standardised features xs (n, all)."""
        return xs[:, self.columns] @ self.coef

    def association_ci(self, xs: np.ndarray, level: float = 0.95) -> np.ndarray:
        """(n, 2) percentile bootstrap interval of the association."""
        b = xs[:, self.columns] @ self.boot_coef.T + self.boot_offset[None, :]
        q = (1 - level) / 2
        return np.quantile(b, [q, 1 - q], axis=1).T

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "features": self.features,
            "columns": self.columns,
            "coef": self.coef.tolist(),
            "lambda": self.lam,
            "loo": self.loo.tolist(),
            "fitted": self.fitted.tolist(),
            "boot_coef": np.round(self.boot_coef, 6).tolist(),
            "boot_offset": np.round(self.boot_offset, 6).tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GroupModel:
        return cls(
            d["group"],
            list(d["features"]),
            [int(c) for c in d["columns"]],
            np.asarray(d["coef"], float),
            float(d["lambda"]),
            np.asarray(d["loo"], float),
            np.asarray(d["fitted"], float),
            np.asarray(d["boot_coef"], float).reshape(len(d["boot_offset"]), -1),
            np.asarray(d["boot_offset"], float),
        )


def ridge_gcv(x: np.ndarray, y: np.ndarray, lambdas: np.ndarray | None = None) -> tuple[np.ndarray, float, np.ndarray]:
    """Ridge on centred x, y: (coef, lambda, LOO residual-based predictions of centred y)."""
    n = x.shape[0]
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    u, s, vt = np.linalg.svd(xc, full_matrices=False)
    uty = u.T @ yc
    lambdas = n * np.geomspace(1e-3, 1e3, 61) if lambdas is None else lambdas
    best = (np.inf, 0.0)
    for lam in lambdas:
        f = s**2 / (s**2 + lam)
        fit = u @ (f * uty)
        df = f.sum() + 1.0  # + intercept
        gcv = n * np.sum((yc - fit) ** 2) / max(n - df, 1e-9) ** 2
        if gcv < best[0]:
            best = (gcv, float(lam))
    lam = best[1]
    f = s**2 / (s**2 + lam)
    coef = vt.T @ ((s / (s**2 + lam)) * uty)
    fit = u @ (f * uty)
    h = np.sum((u * f) * u, axis=1) + 1.0 / n
    loo = yc - (yc - fit) / np.maximum(1.0 - h, 1e-9)
    return coef, lam, loo


def fit_group_model(group: str, names: list[str], xs: np.ndarray, y: np.ndarray, n_boot: int, rng: np.random.Generator,
                    group_of: Callable[[str], str] | None = None) -> GroupModel:
    """Fit one group's ridge model on standardised features ``xs`` (n, all) and target ``y``."""
    cols = [i for i, n in enumerate(names) if n in set(_group_features(group, names, group_of))]
    x = xs[:, cols]
    coef, lam, loo = ridge_gcv(x, y)
    n = len(y)
    bc = np.zeros((n_boot, len(cols)))
    bo = np.zeros(n_boot)
    for b in range(n_boot):
        i = rng.integers(0, n, n)
        xb, yb = x[i], y[i]
        xm = xb.mean(axis=0)
        xc, yc = xb - xm, yb - yb.mean()
        cb = np.linalg.solve(xc.T @ xc + lam * np.eye(len(cols)), xc.T @ yc)
        bc[b] = cb
        bo[b] = float(yb.mean() - y.mean() - xm @ cb)
    return GroupModel(group, [names[c] for c in cols], cols, coef, lam, loo, x @ coef, bc, bo)


def _group_features(group: str, names: list[str], rule: Callable[[str], str] | None = None) -> list[str]:
    from stridelab.skill.angles import group_of

    rule = rule or group_of
    return [n for n in names if rule(n) == group]

"""Runner-wise splits: leave-one-runner-out or GroupKFold, and the check that no runner leaks.

Steps of one runner are correlated (same body, shoes, technique), so rows are never split
independently: every split is by runner (Hastie, Tibshirani & Friedman 2009, *The Elements of
Statistical Learning*, 7.10.2 on doing cross-validation right; Halilaj E et al. 2018, J Biomech
81:1, on machine learning in biomechanics, who name subject-wise splits as the first safeguard).
"""

from __future__ import annotations

import numpy as np


class RunnerLeakError(ValueError):
    """A runner's rows are on both sides of a split."""


def check_disjoint(groups: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
    """Raise :class:`RunnerLeakError` if any runner has rows in both ``train`` and ``test``."""
    g = np.asarray(groups)
    both = set(g[np.asarray(train)].tolist()) & set(g[np.asarray(test)].tolist())
    if both:
        raise RunnerLeakError(f"runner(s) {', '.join(sorted(map(str, both)))} on both sides of the split")


def runner_folds(groups: np.ndarray, n_splits: int | None = None, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train rows, test rows) per fold. ``n_splits=None`` (or as many as runners): leave one runner
    out; otherwise runners are shuffled (``seed``) and dealt into ``n_splits`` folds of nearly equal
    runner count. Every fold is checked with :func:`check_disjoint`."""
    g = np.asarray(groups).astype(str)
    runners = np.array(sorted(set(g.tolist())))
    if runners.size < 2:
        raise ValueError("runner-wise splits need at least two runners")
    k = runners.size if n_splits is None else min(int(n_splits), runners.size)
    if k < 2:
        raise ValueError("n_splits must be at least 2")
    order = runners if k == runners.size else np.random.default_rng(seed).permutation(runners)
    fold_of = {r: i % k for i, r in enumerate(order)}
    f = np.array([fold_of[r] for r in g])
    out = []
    for i in range(k):
        test = np.flatnonzero(f == i)
        train = np.flatnonzero(f != i)
        check_disjoint(g, train, test)
        out.append((train, test))
    return out


def validation_split(groups: np.ndarray, rows: np.ndarray, fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Split ``rows`` (positions into ``groups``) into (fit, validation) by runner: about ``fraction``
    of the runners (at least one) go to validation, e.g. for early stopping."""
    rows = np.asarray(rows)
    g = np.asarray(groups).astype(str)[rows]
    runners = np.array(sorted(set(g.tolist())))
    if runners.size < 2:
        raise ValueError("a validation split needs at least two runners")
    n_val = max(1, int(round(fraction * runners.size)))
    val_r = set(np.random.default_rng(seed).choice(runners, n_val, replace=False).tolist())
    is_val = np.array([r in val_r for r in g])
    fit, val = rows[~is_val], rows[is_val]
    check_disjoint(np.asarray(groups).astype(str), fit, val)
    return fit, val


__all__ = ["RunnerLeakError", "check_disjoint", "runner_folds", "validation_split"]

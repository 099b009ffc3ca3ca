"""Sparse-group lasso by accelerated proximal gradient, on sufficient statistics.

``method="simon2013"``: minimises

    1/(2n) ||y - X b||^2 + (1 - alpha) lambda sum_g sqrt(p_g) ||b_g||_2 + alpha lambda ||b||_1

(Simon N, Friedman J, Hastie T, Tibshirani R (2013) A sparse-group lasso. J Comput Graph Stat
22:231-245), so that whole groups of related features enter or leave together while the lasso
term keeps few features inside a selected group. The solver is FISTA with adaptive restart (Beck A,
Teboulle M (2009) SIAM J Imaging Sci 2:183-202; O'Donoghue B, Candes E (2015) Found Comput Math
15:715-732) on the Gram matrix G = X'X/n and c = X'y/n of standardised features and a centred
target, so one iteration costs O(p^2) whatever the number of runners. The proximal operator of
the penalty is the soft threshold followed by the group soft threshold (Simon et al. 2013, eq. 4).
"""

from __future__ import annotations

import numpy as np


def _prox(u: np.ndarray, t_l1: np.ndarray, t_grp: np.ndarray, onehot: np.ndarray) -> np.ndarray:
    """Proximal operator of the SGL penalty for a batch u (..., p); onehot (p, n_groups)."""
    s = np.sign(u) * np.maximum(np.abs(u) - t_l1, 0.0)
    norms = np.sqrt((s * s) @ onehot)
    shrink = np.maximum(1.0 - t_grp / np.maximum(norms, 1e-300), 0.0)
    return s * (shrink @ onehot.T)


def lambda_max(c: np.ndarray, gidx: np.ndarray, alpha: float) -> float:
    """Smallest lambda at which every coefficient is zero (bisection per group)."""
    n_groups = int(gidx.max()) + 1 if gidx.size else 0
    best = 0.0
    for g in range(n_groups):
        cg = np.abs(c[gidx == g])
        if cg.size == 0 or cg.max() == 0:
            continue
        w = np.sqrt(cg.size) * (1.0 - alpha)

        def excess(lam: float, cg: np.ndarray = cg, w: float = w) -> float:
            return float(np.linalg.norm(np.maximum(cg - alpha * lam, 0.0)) - w * lam)

        lo, hi = 0.0, float(cg.max() / alpha) if alpha > 0 else float(np.linalg.norm(cg) / w)
        hi = max(hi, 1e-12)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if excess(mid) > 0:
                lo = mid
            else:
                hi = mid
        best = max(best, hi)
    return best


def sgl_solve_batch(
    grams: np.ndarray,
    c: np.ndarray,
    gidx: np.ndarray,
    lam: np.ndarray,
    alpha: float = 0.5,
    beta0: np.ndarray | None = None,
    lipschitz: np.ndarray | None = None,
    max_iter: int = 1000,
    tol: float = 1e-4,
) -> np.ndarray:
    """Solve many problems at once: grams (F, p, p), c (m, F, p), lam (m,) -> coefficients (m, F, p).

    Problem (i, f) uses Gram ``grams[f]``, ``c[i, f]`` and lambda ``lam[i]`` (several targets,
    e.g. permutations, on several training sets, e.g. folds). Stops when no coefficient of any
    problem moves by more than ``tol`` (relative).
    """
    m, nf, p = c.shape
    if p == 0:
        return np.zeros((m, nf, 0))
    n_groups = int(gidx.max()) + 1
    onehot = np.zeros((p, n_groups))
    onehot[np.arange(p), gidx] = 1.0
    sizes = onehot.sum(axis=0)
    L = np.array([np.linalg.eigvalsh(g)[-1] for g in grams]) if lipschitz is None else np.asarray(lipschitz, float)
    L = np.maximum(L, 1e-12)[:, None, None]  # (F, 1, 1); work in the (F, m, p) layout for batched matmul
    lam_ = np.asarray(lam, float)[None, :, None]  # (1, m, 1)
    t_l1 = alpha * lam_ / L
    t_grp = (1.0 - alpha) * lam_ * np.sqrt(sizes)[None, None, :] / L
    cc = np.ascontiguousarray(c.transpose(1, 0, 2))
    b = np.zeros((nf, m, p)) if beta0 is None else np.ascontiguousarray(beta0.transpose(1, 0, 2))
    z = b.copy()
    t = np.ones((nf, m, 1))
    for _ in range(max_iter):
        grad = z @ grams - cc  # grams are symmetric
        b_new = _prox(z - grad / L, t_l1, t_grp, onehot)
        step = b_new - b
        restart = np.sum(step * (b_new - z), axis=2, keepdims=True) > 0  # O'Donoghue & Candes 2015
        t = np.where(restart, 1.0, t)
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        z = b_new + ((t - 1.0) / t_new) * step
        b, t = b_new, t_new
        if np.abs(step).max() <= tol * max(1.0, float(np.abs(b).max())):
            break
    return b.transpose(1, 0, 2)


def sgl_solve(
    gram: np.ndarray,
    c: np.ndarray,
    gidx: np.ndarray,
    lam: float,
    alpha: float = 0.5,
    beta0: np.ndarray | None = None,
    max_iter: int = 1000,
    tol: float = 1e-4,
    lipschitz: float | None = None,
) -> np.ndarray:
    """Coefficients (p,) at one lambda (warm start from ``beta0``); gidx: group index of each feature."""
    b0 = None if beta0 is None else beta0[None, None, :]
    lip = None if lipschitz is None else np.array([lipschitz])
    return sgl_solve_batch(gram[None], c[None, None, :], gidx, np.array([lam]), alpha, b0, lip, max_iter, tol)[0, 0]


def lambda_grid(lmax: float, n: int = 30, min_ratio: float = 0.01) -> np.ndarray:
    """Geometric grid from lambda_max down to min_ratio * lambda_max."""
    return lmax * np.geomspace(1.0, min_ratio, n)


def sgl_path(
    gram: np.ndarray, c: np.ndarray, gidx: np.ndarray, lambdas: np.ndarray, alpha: float = 0.5
) -> np.ndarray:
    """Coefficients (n_lambdas, p) along a decreasing lambda grid with warm starts."""
    L = float(np.linalg.eigvalsh(gram)[-1]) if c.size else 1.0
    out = np.zeros((len(lambdas), c.size))
    b = np.zeros(c.size)
    for i, lam in enumerate(lambdas):
        b = sgl_solve(gram, c, gidx, float(lam), alpha, beta0=b, lipschitz=L)
        out[i] = b
    return out

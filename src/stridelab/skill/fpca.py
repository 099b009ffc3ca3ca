"""Functional principal component analysis of time-normalised curves.

``method="ramsay2005"``: curves sampled on a common grid of equally spaced points are centred on
their mean function and decomposed by a singular value decomposition; with uniform quadrature
weights this is the discretised functional PCA of Ramsay JO, Silverman BW (2005) *Functional Data
Analysis*, 2nd ed., Springer, ch. 8. Components have unit norm over the grid; scores are in the
curves' unit (degrees). Signs are fixed so that each component's largest loading is positive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FPCA:
    """Functional PCA with ``n_components`` components; fitted results end in ``_``."""

    n_components: int = 3
    method: str = "ramsay2005"
    mean_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    components_: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    variance_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    explained_ratio_: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def fit(self, curves: np.ndarray) -> FPCA:
        """Fit on curves (n_curves, n_points) without NaN."""
        x = np.asarray(curves, float)
        if x.ndim != 2 or x.shape[0] < 2 or not np.isfinite(x).all():
            raise ValueError("fPCA needs at least two complete curves (n_curves, n_points)")
        self.mean_ = x.mean(axis=0)
        xc = x - self.mean_
        # eigen-decomposition of the (n_points x n_points) cross-product: same components as the
        # SVD of the centred curves, and fast whatever the number of curves
        w, v = np.linalg.eigh(xc.T @ xc)
        order = np.argsort(w)[::-1]
        w, v = np.clip(w[order], 0, None), v[:, order]
        k = min(self.n_components, x.shape[0] - 1, x.shape[1])
        comps = v[:, :k].T.copy()
        flip = np.sign(comps[np.arange(k), np.abs(comps).argmax(axis=1)])
        comps *= flip[:, None]
        var = w / (x.shape[0] - 1)
        self.components_ = comps
        self.variance_ = var[:k]
        total = var.sum()
        self.explained_ratio_ = var[:k] / total if total > 0 else np.zeros(k)
        if k < self.n_components:  # fewer curves than components: pad with zero components
            pad = self.n_components - k
            self.components_ = np.vstack([comps, np.zeros((pad, x.shape[1]))])
            self.variance_ = np.concatenate([self.variance_, np.zeros(pad)])
            self.explained_ratio_ = np.concatenate([self.explained_ratio_, np.zeros(pad)])
        return self

    def transform(self, curves: np.ndarray) -> np.ndarray:
        """Scores (n_curves, n_components)."""
        return (np.asarray(curves, float) - self.mean_) @ self.components_.T

    def inverse(self, scores: np.ndarray) -> np.ndarray:
        return self.mean_ + np.asarray(scores, float) @ self.components_

    def truncated(self, k: int) -> FPCA:
        """The first ``k`` components of this fit (a new object)."""
        return FPCA(k, self.method, self.mean_, self.components_[:k].copy(), self.variance_[:k].copy(), self.explained_ratio_[:k].copy())


def n_for_variance(explained_ratio: np.ndarray, threshold: float, max_components: int) -> int:
    """Smallest number of components whose cumulative explained variance reaches ``threshold``
    (at least 1, at most ``max_components`` and the number of non-zero components)."""
    ratio = np.asarray(explained_ratio, float)
    nonzero = int(np.sum(ratio > 1e-12))
    k = int(np.searchsorted(np.cumsum(ratio), threshold - 1e-12) + 1)
    return max(1, min(k, max_components, max(nonzero, 1)))

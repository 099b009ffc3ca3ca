"""Skill groups found from the data, and their agreement with the given groups.

Discriminative features (stability-selection probability >= 0.5, or else the ten features most
correlated with the target) are clustered by hierarchical clustering (average linkage) on the
distance 1 - |r| between features, cut at |r| = 0.5 (``method="average-linkage"``; Sokal RR,
Michener CD (1958) Univ Kansas Sci Bull 38:1409-1438). Agreement between the clusters and the
given body-part groups is the adjusted Rand index (``method="hubert1985"``: Hubert L, Arabie P
(1985) Comparing partitions. J Classif 2:193-218): 1 for identical partitions, about 0 for
chance agreement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from stridelab.skill.angles import group_of


def adjusted_rand_index(a: list[Any], b: list[Any]) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985)."""
    if len(a) != len(b):
        raise ValueError("labelings must have the same length")
    n = len(a)
    if n < 2:
        return 1.0
    _, ai = np.unique(np.asarray(a, dtype=str), return_inverse=True)
    _, bi = np.unique(np.asarray(b, dtype=str), return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(table, (ai, bi), 1)

    def comb2(x: np.ndarray) -> float:
        return float(np.sum(x * (x - 1) / 2.0))

    index = comb2(table)
    sa, sb = comb2(table.sum(axis=1)), comb2(table.sum(axis=0))
    expected = sa * sb / (n * (n - 1) / 2.0)
    maximum = 0.5 * (sa + sb)
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def discriminative_features(names: list[str], x: np.ndarray, y: np.ndarray, stability: dict[str, float] | None) -> list[str]:
    """Features with stability probability >= 0.5, or the ten most correlated with ``y``."""
    chosen = [n for n in names if stability and stability.get(n, 0.0) >= 0.5]
    if len(chosen) >= 2:
        return chosen
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc * yc[:, None]).sum(axis=0) / np.sqrt((xc**2).sum(axis=0) * (yc**2).sum())
    order = np.argsort(-np.abs(np.nan_to_num(r)))
    return [names[i] for i in order[: min(10, len(names))]]


def data_groups(names: list[str], x: np.ndarray, features: list[str], r_cut: float = 0.5,
                group_rule: Callable[[str], str] | None = None) -> dict[str, str]:
    """Cluster ``features`` (columns of x named by ``names``) by correlation; feature -> cluster name.

    A cluster is named after the given group most of its features belong to, with a number.
    """
    if len(features) < 2:
        return {f: "cluster 1" for f in features}
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    idx = [names.index(f) for f in features]
    r = np.nan_to_num(np.corrcoef(x[:, idx], rowvar=False))
    d = 1.0 - np.abs(r)
    np.fill_diagonal(d, 0.0)
    z = linkage(squareform(np.clip(d, 0, None), checks=False), method="average")
    lab = fcluster(z, t=1.0 - r_cut, criterion="distance")
    out: dict[str, str] = {}
    for k in np.unique(lab):
        members = [features[i] for i in np.flatnonzero(lab == k)]
        given = [(group_rule or group_of)(m) for m in members]
        main = max(set(given), key=given.count)
        for m in members:
            out[m] = f"{main} (cluster {int(k)})"
    return out


def group_agreement(found: dict[str, str], group_rule: Callable[[str], str] | None = None) -> float:
    """Adjusted Rand index between the found clusters and the given (or declared) groups of the same features."""
    feats = list(found)
    rule = group_rule or group_of
    return adjusted_rand_index([found[f] for f in feats], [rule(f) for f in feats])

"""Which way a skill group's score points: from the data, from published associations, or nowhere.

Each measured group gets one composite of its standardised features, and its 0-100 score is the
mid-rank percentile of the runner's composite among the reference runners' composites. The
composite is chosen in this order (``method="orientation"``):

1. ``"model"``: the group's ridge model (:mod:`stridelab.skill.groupmodels`) when the data support
   it: its runner-wise leave-one-out predictions correlate positively with the target and beat
   chance in a permutation test (the same ridge-with-GCV procedure refitted on permuted targets,
   p = (1 + #{r_perm >= r}) / (1 + n_perm) < 0.05; Good PI (2005) *Permutation, Parametric and
   Bootstrap Tests of Hypotheses*, Springer). Composite = the group's predicted performance,
   oriented so that higher = more like the better runners. Each group is tested on its own (no
   correction for the number of groups); the skill value is a grade only when the whole model's
   cross-validation beats chance too (:func:`stridelab.skill.score.validity`).
2. ``"published"``: otherwise, when the group has features listed in the table of published
   associations (``skill/data/published_directions.json``, with citations): the mean of those
   standardised features, each signed by its published better direction.
3. ``"similarity"``: otherwise the group is *not oriented*: its score is a similarity, 100 minus
   the percentile of the runner's root-mean-square distance (standardised features) from the
   reference runners' median; high = typical of the reference runners, not "better".

The overall skill value is the importance-weighted mean of the oriented groups' scores (so it
always lies between them): importance = the share of the target's variance the group explains,
its runner-wise leave-one-out q^2 = 1 - PRESS / TSS (``"model"``; the statistic of the permutation
test too) or max(r, 0)^2, r the correlation of the published composite with the oriented target
(``"published"``); equal weights when no oriented group explains any. Similarity groups do not
enter it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from stridelab.skill.groupmodels import GroupModel

KINDS = ("model", "published", "similarity")
P_SUPPORT = 0.05
N_PERMUTATIONS = 199
PUBLISHED_TABLE = "published_directions.json"


@dataclass
class GroupOrientation:
    """The composite of one skill group and the reference runners' composites."""

    group: str
    kind: str
    features: list[str]
    columns: list[int]
    weights: np.ndarray  # oriented weights (model, published); unused for similarity
    centre: np.ndarray  # reference runners' median of the standardised features
    reference: np.ndarray  # composites of the reference runners
    importance: float
    r: float | None  # model: leave-one-out q^2; published: r of the composite with the oriented target
    p: float | None
    evidence: str

    def composite(self, xs: np.ndarray) -> np.ndarray:
        """Composite of standardised features ``xs`` (n, all features): higher = better / more typical."""
        x = xs[:, self.columns]
        if self.kind == "similarity":
            return -np.sqrt(np.mean((x - self.centre) ** 2, axis=1))
        return x @ self.weights

    def contributions(self, xs: np.ndarray) -> np.ndarray:
        """(n, k) per-feature parts: oriented pushes from the median runner (model, published), or
        distances from it (similarity; larger = less typical)."""
        d = xs[:, self.columns] - self.centre
        return np.abs(d) if self.kind == "similarity" else d * self.weights

    @property
    def oriented(self) -> bool:
        return self.kind != "similarity"

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group, "kind": self.kind, "features": self.features, "columns": self.columns,
            "weights": self.weights.tolist(), "centre": self.centre.tolist(), "reference": self.reference.tolist(),
            "importance": self.importance, "r": self.r, "p": self.p, "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GroupOrientation:
        if d["kind"] not in KINDS:
            raise ValueError(f"unknown orientation kind {d['kind']!r}")
        return cls(
            d["group"], d["kind"], list(d["features"]), [int(c) for c in d["columns"]], np.asarray(d["weights"], float),
            np.asarray(d["centre"], float), np.asarray(d["reference"], float), float(d["importance"]),
            None if d.get("r") is None else float(d["r"]), None if d.get("p") is None else float(d["p"]), str(d["evidence"]),
        )


def published_directions() -> list[dict[str, Any]]:
    """The cited table of published associations (feature, better direction, citation)."""
    text = resources.files("stridelab.skill").joinpath(f"data/{PUBLISHED_TABLE}").read_text(encoding="utf-8")
    entries: list[dict[str, Any]] = json.loads(text)["entries"]
    return entries


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-12 else 0.0


def loo_q2(x: np.ndarray, y: np.ndarray) -> float:
    """Runner-wise leave-one-out q^2 = 1 - PRESS / total sum of squares of ridge (GCV) on ``x``.

    Unlike the correlation of leave-one-out predictions with the target (which is near -1 when the
    ridge shrinks everything: each prediction is then the mean of the other runners), q^2 is near or
    below 0 when the features predict nothing."""
    return float(_loo_q2_many(x, y[None, :])[0])


def _loo_q2_many(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """:func:`loo_q2` for each row of ``ys`` (one SVD of ``x``; the same computation as
    :func:`stridelab.skill.groupmodels.ridge_gcv`, lambda by GCV per target)."""
    n = x.shape[0]
    xc = x - x.mean(axis=0)
    u, sv, _ = np.linalg.svd(xc, full_matrices=False)
    lambdas = n * np.geomspace(1e-3, 1e3, 61)
    f = sv[None, :] ** 2 / (sv[None, :] ** 2 + lambdas[:, None])  # (L, k)
    h_all = (u**2) @ f.T + 1.0 / n  # (n, L) leverages
    out = np.empty(ys.shape[0])
    for m, y in enumerate(ys):
        yc = y - y.mean()
        tss = float(yc @ yc)
        if tss <= 0:
            out[m] = 0.0
            continue
        uty = u.T @ yc
        fits = u @ (f * uty[None, :]).T  # (n, L)
        df = f.sum(axis=1) + 1.0
        gcv = n * np.sum((yc[:, None] - fits) ** 2, axis=0) / np.maximum(n - df, 1e-9) ** 2
        j = int(np.argmin(gcv))
        res = (yc - fits[:, j]) / np.maximum(1.0 - h_all[:, j], 1e-9)
        out[m] = 1.0 - float(res @ res) / tss
    return out


def loo_permutation(x: np.ndarray, y: np.ndarray, n_perm: int, rng: np.random.Generator) -> tuple[float, float]:
    """Runner-wise leave-one-out q^2 of ridge (GCV) on ``x`` and its permutation p (same procedure, permuted targets)."""
    ys = np.vstack([y] + [rng.permutation(y) for _ in range(n_perm)])
    q = _loo_q2_many(x, ys)
    return float(q[0]), float((1 + np.sum(q[1:] >= q[0])) / (1 + n_perm))


def orient_groups(names: list[str], xs: np.ndarray, y: np.ndarray, better_sign: float, group_models: dict[str, GroupModel],
                  rng: np.random.Generator, n_perm: int = N_PERMUTATIONS, table: list[dict[str, Any]] | None = None) -> dict[str, GroupOrientation]:
    """The orientation of every measured group (see the module doc); ``xs`` standardised reference features."""
    table = published_directions() if table is None else table
    better = better_sign * y
    out: dict[str, GroupOrientation] = {}
    for g, gm in group_models.items():
        cols = list(gm.columns)
        x = xs[:, cols]
        centre = np.median(x, axis=0)
        r, p = loo_permutation(x, y, n_perm, rng)
        if r > 0 and p < P_SUPPORT:
            w = better_sign * gm.coef
            o = GroupOrientation(g, "model", list(gm.features), cols, w, centre, x @ w, max(r, 0.0), r, p,
                                 f"this group's motion predicted performance in runner-wise leave-one-out validation (q2 = {r:.2f}, permutation p = {p:.3f})")
            out[g] = o
            continue
        cites = [e for e in table if e["feature"] in gm.features]
        why_not = f"runner-wise leave-one-out q2 = {r:.2f}, permutation p = {p:.2f}"
        if cites:
            feats = sorted({e["feature"] for e in cites})
            pc = [cols[gm.features.index(f)] for f in feats]
            sign = {e["feature"]: (1.0 if e["better"] == "higher" else -1.0) for e in cites}
            w = np.array([sign[f] for f in feats]) / np.sqrt(len(feats))
            comp = xs[:, pc] @ w
            rr = _pearson(comp, better)
            refs = "; ".join(sorted({e["citation"].split(")")[0] + ")" for e in cites}))
            out[g] = GroupOrientation(g, "published", feats, pc, w, np.median(xs[:, pc], axis=0), comp, max(rr, 0.0) ** 2, rr, None,
                                      f"direction from published associations ({refs}); not supported by these runners' data ({why_not})")
            continue
        ref = -np.sqrt(np.mean((x - centre) ** 2, axis=1))
        out[g] = GroupOrientation(g, "similarity", list(gm.features), cols, np.zeros(len(cols)), centre, ref, 0.0, r, p,
                                  f"not oriented: similarity only (this motion was not associated with performance beyond chance in these runners, {why_not}, and no published association applies)")
    return out


def overall(scores: dict[str, np.ndarray], orientation: dict[str, GroupOrientation]) -> np.ndarray | None:
    """Importance-weighted mean of the oriented groups' scores; None when no group is oriented."""
    groups = [g for g, o in orientation.items() if o.oriented and g in scores]
    if not groups:
        return None
    w = np.array([orientation[g].importance for g in groups])
    if not w.sum() > 0:
        w = np.ones(len(groups))
    return np.asarray(sum(wi * scores[g] for wi, g in zip(w, groups, strict=True)) / w.sum(), float)


def weights(orientation: dict[str, GroupOrientation]) -> dict[str, float]:
    """Normalised weights of the oriented groups in the overall skill value."""
    groups = [g for g, o in orientation.items() if o.oriented]
    w = np.array([orientation[g].importance for g in groups])
    if groups and not w.sum() > 0:
        w = np.ones(len(groups))
    return {g: float(v / w.sum()) for g, v in zip(groups, w, strict=True)} if groups else {}

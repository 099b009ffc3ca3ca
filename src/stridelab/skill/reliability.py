"""Within-session reliability of skill scores from split halves of a runner's strides.

Each runner's strides are split into odd and even strides (alternating, so slow drifts fall in
both halves); both halves are scored with the same model. Across runners:

- ICC(A,1), two-way random effects, absolute agreement, single measures (``method="mcgraw1996"``:
  McGraw KO, Wong SP (1996) Psychol Methods 1:30-46; Shrout PE, Fleiss JL (1979) ICC(2,1));
- SEM = SD x sqrt(1 - ICC), SD of all scores (Weir JP (2005) J Strength Cond Res 19:231-240);
- MDC95 = 1.96 x sqrt(2) x SEM, the smallest change larger than measurement error with 95 %
  confidence.

Halves of one session share the day, the markers and the runner's state: these numbers are a
lower bound of the test-retest variability between sessions (and each half has half the strides).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.skill.population import Population


def split_half(pop: Population) -> tuple[Population, Population]:
    """Two populations with each runner's odd and even strides (same ids)."""
    a, b = [], []
    for r in pop.runners:
        a.append(r.with_curves({k: {s: v[0::2] for s, v in per.items()} for k, per in r.curves.items()}))
        b.append(r.with_curves({k: {s: v[1::2] for s, v in per.items()} for k, per in r.curves.items()}))
    return (
        Population(pop.name + " (odd strides)", a, pop.synthetic, pop.source, list(pop.notes)),
        Population(pop.name + " (even strides)", b, pop.synthetic, pop.source, list(pop.notes)),
    )


def icc_a1(x: np.ndarray) -> float:
    """ICC(A,1) of a (n_subjects, k_measurements) table (McGraw & Wong 1996)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x).all(axis=1)]
    n, k = x.shape
    if n < 3 or k < 2:
        return float("nan")
    gm = x.mean()
    ms_r = k * np.sum((x.mean(axis=1) - gm) ** 2) / (n - 1)
    ms_c = n * np.sum((x.mean(axis=0) - gm) ** 2) / (k - 1)
    sse = np.sum((x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + gm) ** 2)
    ms_e = sse / ((n - 1) * (k - 1))
    den = ms_r + (k - 1) * ms_e + k * (ms_c - ms_e) / n
    return float((ms_r - ms_e) / den) if den > 0 else float("nan")


def reliability_table(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """ICC(A,1), SEM and MDC95 of paired scores from two halves."""
    x = np.column_stack([a, b])
    if not np.nanstd(x) > 1e-9:  # constant scores: reliability is undefined
        return {"icc": float("nan"), "sem": float("nan"), "mdc95": float("nan"), "n_runners": int(np.isfinite(x).all(axis=1).sum())}
    icc = icc_a1(x)
    sd = float(np.nanstd(x, ddof=1))
    sem = sd * np.sqrt(max(0.0, 1.0 - icc)) if np.isfinite(icc) else float("nan")
    return {"icc": icc, "sem": float(sem), "mdc95": float(1.96 * np.sqrt(2.0) * sem), "n_runners": int(np.isfinite(x).all(axis=1).sum())}


def compare_scores(a: dict[str, Any], b: dict[str, Any], reliability: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Compare two score results of one runner (``skill score`` runner entries) against the MDC.

    Returns, per group and for ``skill_value``: both values, their difference, the MDC95 and
    whether the difference is within it (None when a value or the MDC is missing).
    """
    out: dict[str, dict[str, Any]] = {}
    pairs = {"skill_value": (a.get("skill_value"), b.get("skill_value"))}
    for g in set(a.get("groups", {})) | set(b.get("groups", {})):
        pairs[g] = (a.get("groups", {}).get(g), b.get("groups", {}).get(g))
    for name, (va, vb) in pairs.items():
        mdc = reliability.get(name, {}).get("mdc95")
        if va is None or vb is None or mdc is None or not np.isfinite(mdc):
            out[name] = {"a": va, "b": vb, "difference": None, "mdc95": mdc, "within_mdc": None}
            continue
        diff = float(vb) - float(va)
        out[name] = {"a": va, "b": vb, "difference": diff, "mdc95": mdc, "within_mdc": abs(diff) <= mdc}
    return out

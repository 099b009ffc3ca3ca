"""Change points in the mean of a series: PELT with a normal (least-squares) cost.

``method="killick2012"``: Killick R, Fearnhead P, Eckley IA (2012) Optimal detection of
changepoints with a linear computational cost. J Am Stat Assoc 107:1590-1598. Exact minimisation
of sum of segment costs + penalty x number of changes, with PELT's pruning.

Cost of a segment: sum of squared deviations from its mean divided by sigma^2, where sigma is
estimated robustly from first differences (MAD / 0.6745 / sqrt 2, unaffected by the mean shifts
themselves). Penalty: the Schwarz/BIC penalty for one new mean and location, 2 log n, times
``penalty_scale`` (default 1.5 to allow for the autocorrelation left in minute-by-minute running
data, which makes the plain BIC too eager). Segments are at least ``min_size`` samples long.
"""

from __future__ import annotations

import numpy as np


def robust_sigma(x: np.ndarray) -> float:
    """Noise SD from first differences: MAD(diff) / 0.6745 / sqrt(2)."""
    d = np.diff(x[np.isfinite(x)])
    if d.size < 2:
        return float("nan")
    return float(np.median(np.abs(d - np.median(d))) / 0.6745 / np.sqrt(2.0))


def pelt(x: np.ndarray, min_size: int = 5, penalty_scale: float = 1.5, sigma: float | None = None, method: str = "killick2012") -> list[int]:
    """Indices where a new segment starts (sorted; empty when the mean does not change)."""
    if method != "killick2012":
        raise ValueError(f"unknown change-point method {method!r}; use 'killick2012'")
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2 * min_size:
        return []
    s = robust_sigma(x) if sigma is None else sigma
    if not np.isfinite(s) or s <= 0:
        s = float(np.std(x)) or 1.0
    z = x / s
    s1 = np.r_[0.0, np.cumsum(z)]
    s2 = np.r_[0.0, np.cumsum(z * z)]
    beta = penalty_scale * 2.0 * np.log(n)
    f = np.full(n + 1, np.inf)
    f[0] = -beta
    last = np.zeros(n + 1, dtype=int)
    cands = np.array([0])
    for t in range(min_size, n + 1):
        c = cands[t - cands >= min_size]
        if c.size == 0:
            cands = np.r_[cands, t - min_size + 1] if t - min_size + 1 > 0 else cands
            continue
        length = t - c
        cost = (s2[t] - s2[c]) - (s1[t] - s1[c]) ** 2 / length
        total = f[c] + cost + beta
        j = int(np.argmin(total))
        f[t] = total[j]
        last[t] = c[j]
        keep = f[c] + cost <= f[t]
        cands = np.r_[cands[t - cands < min_size], c[keep], t]
        cands = np.unique(cands)
    out = []
    t = n
    while t > 0:
        s_ = last[t]
        if s_ > 0:
            out.append(int(s_))
        t = s_
    return sorted(out)

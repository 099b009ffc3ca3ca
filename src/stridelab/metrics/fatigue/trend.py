"""Trend of a metric over a run at matched speed and grade: regression with a HAC confidence interval.

``method="neweywest1987"``. Running records are first reduced to one value per minute (time-weighted
medians of the metric, speed and grade; minutes with < 30 s of running are dropped), then fitted
by least squares::

    metric = b0 + b_time * hours + b_speed * (speed - baseline speed) + b_grade * grade

so ``b_time`` is the change per hour *at the baseline speed on the flat*: speed is the main
confounder of running mechanics (cadence and step length rise, contact time falls with speed), and
grade the second. Terms whose regressor barely varies (speed SD < 0.05 m/s, e.g. a treadmill;
grade SD < 0.5 % or no altitude) are left out and the result says so. Minute values are still
autocorrelated, so the standard error of ``b_time`` uses the Newey-West HAC estimator (Newey WK,
West KD 1987, Econometrica 55:703) with a Bartlett kernel and lag floor(4 (n/100)^(2/9)); the 95 %
interval uses Student's t with n - p degrees of freedom (Cornish-Fisher expansion of the quantile).
The unadjusted trend (time only) is given beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

Z975 = 1.959963984540054


def t_quantile_975(dof: float) -> float:
    """0.975 quantile of Student's t (Cornish-Fisher expansion around the normal; < 0.1 % error for dof >= 3)."""
    if not np.isfinite(dof) or dof > 1e6:
        return Z975
    z, v = Z975, float(max(dof, 1.0))
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return float(z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4)


@dataclass
class Trend:
    """Fitted trend: ``slope_per_h_`` with its 95 % CI, the terms used and the fit's size."""

    slope_per_h_: float
    ci95_: tuple[float, float]
    se_: float
    terms: list[str]
    n: int
    r2_: float
    coefficients_: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    method: str = "neweywest1987"

    def to_json(self) -> dict[str, Any]:
        return {
            "slope_per_h": self.slope_per_h_,
            "ci95": list(self.ci95_),
            "se": self.se_,
            "terms": self.terms,
            "n_minutes": self.n,
            "r2": self.r2_,
            "coefficients": self.coefficients_,
            "notes": self.notes,
            "method": self.method,
        }


def hac_cov(x: np.ndarray, resid: np.ndarray, lag: int) -> np.ndarray:
    """Newey-West covariance of OLS coefficients (Bartlett weights)."""
    xtx_inv = np.linalg.pinv(x.T @ x)
    u = x * resid[:, None]
    s = u.T @ u
    for ell in range(1, lag + 1):
        w = 1.0 - ell / (lag + 1.0)
        g = u[ell:].T @ u[:-ell]
        s += w * (g + g.T)
    return xtx_inv @ s @ xtx_inv


def fit_trend(hours: np.ndarray, y: np.ndarray, speed: np.ndarray | None, grade: np.ndarray | None, v_ref: float | None, adjust: bool = True) -> Trend | None:
    """Fit the model of the module docstring; None when fewer than 8 minutes have data."""
    ok = np.isfinite(hours) & np.isfinite(y)
    cols = [np.ones(len(y)), hours]
    terms = ["time"]
    notes: list[str] = []
    if adjust:
        if speed is not None and v_ref is not None and np.isfinite(speed[ok]).sum() > 2 and np.nanstd(speed[ok]) >= 0.05:
            cols.append(speed - v_ref)
            terms.append("speed")
            ok &= np.isfinite(speed)
        else:
            notes.append("speed barely varies (or is unknown): no speed adjustment needed or possible")
        if grade is not None and np.isfinite(grade[ok]).sum() > 2 and np.nanstd(grade[ok]) >= 0.5:
            cols.append(grade)
            terms.append("grade")
            ok &= np.isfinite(grade)
        else:
            notes.append("grade unknown or nearly flat: not adjusted for")
    x = np.column_stack(cols)[ok]
    yy = y[ok]
    n, p = x.shape
    if n < max(8, p + 3):
        return None
    if "speed" in terms:
        r = np.corrcoef(x[:, 1], x[:, terms.index("speed") + 1])[0, 1]
        if abs(r) > 0.9:
            notes.append(f"speed and time are strongly correlated (r = {r:.2f}): their effects cannot be well separated")
    beta, *_ = np.linalg.lstsq(x, yy, rcond=None)
    resid = yy - x @ beta
    lag = int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))
    cov = hac_cov(x, resid, lag) * n / max(n - p, 1)
    se = float(np.sqrt(max(cov[1, 1], 0.0)))
    tq = t_quantile_975(n - p)
    ss_tot = float(((yy - yy.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else float("nan")
    coef = {"intercept": float(beta[0]), **{f"per_{t}": float(b) for t, b in zip(terms, beta[1:], strict=True)}}
    b1 = float(beta[1])
    return Trend(b1, (b1 - tq * se, b1 + tq * se), se, terms, n, r2, coef, notes)

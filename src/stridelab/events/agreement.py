"""Agreement of contact events from two sources (e.g. markers, sensors or video against force plates).

Each reference contact is paired with the estimated contact of the same side whose initial contact
is nearest, when within ``tol_s``; unpaired contacts are left out (count them with the lengths).
Errors are estimate minus reference, in ms, for initial contact (IC), toe-off (TO) and contact time.
Agreement is summarised as Bland & Altman (1986, Lancet 1:307) limits: mean ± 1.96 SD, with the
mean absolute error and the RMSE beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Columns of :func:`match_contacts`.
ERROR_COLUMNS = ("ic_err_ms", "to_err_ms", "gct_err_ms")


def match_contacts(reference: pd.DataFrame, estimate: pd.DataFrame, tol_s: float) -> pd.DataFrame:
    """Paired errors (ms), one row per reference contact with a same-side estimate within ``tol_s``.

    Both tables need ``side``, ``ic_s`` and ``to_s`` (a contact table); the result has ``side``,
    ``ic_s`` (the reference's) and :data:`ERROR_COLUMNS`.
    """
    rows = []
    for side, ref in reference.groupby("side", sort=False):
        est = estimate[estimate["side"] == side]
        if est.empty:
            continue
        e_ic = est["ic_s"].to_numpy(dtype=float)
        e_to = est["to_s"].to_numpy(dtype=float)
        r_ic = ref["ic_s"].to_numpy(dtype=float)
        r_to = ref["to_s"].to_numpy(dtype=float)
        j = np.argmin(np.abs(e_ic[None, :] - r_ic[:, None]), axis=1)
        ok = np.abs(e_ic[j] - r_ic) < tol_s
        ic_err = (e_ic[j] - r_ic)[ok] * 1000.0
        to_err = (e_to[j] - r_to)[ok] * 1000.0
        rows.append(pd.DataFrame({"side": side, "ic_s": r_ic[ok], "ic_err_ms": ic_err, "to_err_ms": to_err, "gct_err_ms": to_err - ic_err}))
    if not rows:
        return pd.DataFrame({"side": pd.Series(dtype=object), "ic_s": pd.Series(dtype=float), **{c: pd.Series(dtype=float) for c in ERROR_COLUMNS}})
    return pd.concat(rows, ignore_index=True).sort_values("ic_s", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Agreement:
    """Bland-Altman summary of paired errors (ms)."""

    n: int
    mean_ms: float
    sd_ms: float
    loa_low_ms: float
    loa_high_ms: float
    mae_ms: float
    rmse_ms: float

    def text(self, width: int = 5) -> str:
        """``mean SD [low, high] |MAE|`` for tables ("-" when empty)."""
        if self.n == 0:
            return "-"
        w = width
        return f"{self.mean_ms:+{w}.1f} {self.sd_ms:{w - 1}.1f} [{self.loa_low_ms:+{w}.1f}, {self.loa_high_ms:+{w}.1f}] {self.mae_ms:{w - 1}.1f}"


def agreement(errors_ms: np.ndarray | pd.Series) -> Agreement:
    """Mean, SD (n-1), 95% limits of agreement, mean absolute error and RMSE of paired errors."""
    e = np.asarray(errors_ms, dtype=float)
    e = e[np.isfinite(e)]
    if e.size == 0:
        nan = float("nan")
        return Agreement(0, nan, nan, nan, nan, nan, nan)
    mu = float(e.mean())
    sd = float(e.std(ddof=1)) if e.size > 1 else 0.0
    return Agreement(int(e.size), mu, sd, mu - 1.96 * sd, mu + 1.96 * sd, float(np.abs(e).mean()), float(np.sqrt(np.mean(e**2))))

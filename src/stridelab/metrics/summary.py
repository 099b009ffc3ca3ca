"""Summaries of the per-step table: medians, IQRs, per side, balance and symmetry.

* Summary values are medians over steps (robust to the odd mis-detected step), with the
  inter-quartile range beside them.
* ``gct_balance_left_pct`` = mean left GCT / (mean left GCT + mean right GCT) x 100, Garmin's
  "ground contact time balance".
* Symmetry index of a bilateral metric = 100 (L - R) / (0.5 (L + R)) with L, R the per-side means
  (Robinson et al. 1987, J Manipulative Physiol Ther 10:172); 0 is perfect symmetry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from stridelab.model.columns import Columns

#: The summary keys of the JSON contract, in order.
SUMMARY_KEYS = (
    "cadence_spm",
    "gct_ms",
    "flight_ms",
    "duty_factor",
    "step_length_m",
    "speed_mps",
    "pace_min_per_km",
    "pace_min_per_mile",
    "vertical_oscillation_cm",
    "vertical_ratio_pct",
    "gct_balance_left_pct",
)

#: Per-step metrics summarised per side and compared for symmetry.
BILATERAL_KEYS = ("gct_ms", "flight_ms", "step_time_ms", "step_length_m", "duty_factor", "vertical_oscillation_cm")

#: Per-step columns summarised (median and IQR) when present.
STEP_SUMMARY_KEYS = ("cadence_spm", "gct_ms", "flight_ms", "duty_factor", "step_length_m", "stride_length_m", "step_time_ms", "stride_time_ms", "vertical_oscillation_cm", "vertical_ratio_pct")


def _values(x: pd.Series | np.ndarray) -> np.ndarray:
    v = np.asarray(x, dtype=float)
    return v[np.isfinite(v)]


def _median(x: pd.Series | np.ndarray) -> float | None:
    v = _values(x)
    return float(np.median(v)) if v.size else None


def _iqr(x: pd.Series | np.ndarray) -> float | None:
    v = _values(x)
    if v.size < 2:
        return None
    q1, q3 = np.percentile(v, [25, 75])
    return float(q3 - q1)


def _mean(x: pd.Series | np.ndarray) -> float | None:
    v = _values(x)
    return float(np.mean(v)) if v.size else None


METRES_PER_MILE = 1609.344


def pace_from_speed(speed_mps: float | None) -> dict[str, float | None]:
    """Pace in decimal minutes per km and per mile (4.8 = 4:48 min/km); None without a speed."""
    if speed_mps is None or not speed_mps > 0:
        return {"pace_min_per_km": None, "pace_min_per_mile": None}
    return {"pace_min_per_km": 1000.0 / speed_mps / 60.0, "pace_min_per_mile": METRES_PER_MILE / speed_mps / 60.0}


def summarise(steps: Columns | pd.DataFrame, speed_mps: float | None, extra_columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """``summary``, ``summary_iqr``, ``by_side`` and ``symmetry_pct`` of the JSON contract."""
    summary: dict[str, Any] = {k: None for k in SUMMARY_KEYS}
    iqr: dict[str, Any] = {}
    cols = [c for c in (*STEP_SUMMARY_KEYS, *extra_columns) if c in steps.columns]
    values = {c: np.asarray(steps[c], dtype=float) for c in {*cols, *BILATERAL_KEYS, *extra_columns, "gct_ms"} if c in steps.columns}
    for c in cols:
        summary[c] = _median(values[c])
        iqr[c] = _iqr(values[c])
    summary["speed_mps"] = speed_mps
    by_side: dict[str, dict[str, Any]] = {}
    sides = np.asarray(steps["side"], dtype=object)
    is_side = {side: sides == side for side in ("left", "right")}
    for side in ("left", "right"):
        m = is_side[side]
        d: dict[str, Any] = {"n_steps": int(m.sum())}
        for c in cols:
            d[c] = _median(values[c][m])
        by_side[side] = d
    left, right = is_side["left"], is_side["right"]
    gl, gr = (_mean(values["gct_ms"][left]), _mean(values["gct_ms"][right])) if len(steps) else (None, None)
    summary["gct_balance_left_pct"] = 100.0 * gl / (gl + gr) if gl is not None and gr is not None else None
    symmetry: dict[str, Any] = {}
    for c in (*BILATERAL_KEYS, *extra_columns):
        if c not in steps.columns:
            continue
        lv, rv = _mean(values[c][left]), _mean(values[c][right])
        if lv is None or rv is None or (lv + rv) == 0:
            symmetry[c] = None
        else:
            symmetry[c] = 100.0 * (lv - rv) / (0.5 * (lv + rv))
    return {"summary": summary, "summary_iqr": iqr, "by_side": by_side, "symmetry_pct": symmetry}

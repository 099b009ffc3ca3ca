"""Input of the drift analysis: one table of running samples over a run, from records or steps.

A *drift input* has ``time_s``, optional ``distance_m``, ``speed_mps``, ``grade_pct``, ``lap``,
a ``weight_s`` (time each sample stands for), a ``running`` mask, and metric columns. Two sources
fill it:

* per-record device data (FIT): :func:`from_records` (records already masked and derived by
  :func:`stridelab.metrics.records.derive`);
* a per-step table (IMU, markers, forces): :func:`from_steps`; speed per step = step length / step
  time where both exist, otherwise the trial's speed; distance = cumulative step length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from stridelab.model.columns import Columns, as_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Metrics followed over a run when present (per-step tables may add their own).
DRIFT_METRICS = (
    "cadence_spm",
    "gct_ms",
    "flight_ms",
    "duty_factor",
    "step_length_m",
    "vertical_oscillation_cm",
    "vertical_ratio_pct",
    "gct_balance_left_pct",
    "power_w",
    "form_power_w",
    "leg_spring_stiffness_kn_m",
    "heart_rate_bpm",
)


@dataclass
class DriftInput:
    frame: Columns
    metrics: list[str]
    per_step: bool
    source: str

    @property
    def running(self) -> Columns:
        return self.frame.take(np.asarray(self.frame["running"], dtype=bool))


def _count(x: np.ndarray) -> int:
    """Values present (pandas' ``notna().sum()``: not NaN, not None)."""
    if x.dtype.kind == "f":
        return int((~np.isnan(x)).sum())
    if x.dtype == object:
        return sum(v is not None and v == v for v in x.tolist())
    return int(x.size)


def _metrics(df: Columns, extra: tuple[str, ...] = ()) -> list[str]:
    out = []
    for m in (*DRIFT_METRICS, *extra):
        if m in df and m not in out and _count(df[m]) >= 10:
            out.append(m)
    return out


def from_records(table: Columns | pd.DataFrame) -> DriftInput:
    """Drift input from a derived record table (see module docstring)."""
    from stridelab.metrics.records import record_weights

    table = as_columns(table)
    keep = [c for c in ("time_s", "distance_m", "speed_mps", "grade_pct", "lap") if c in table]
    metrics = _metrics(table)
    df = table.select(keep + metrics)
    df["weight_s"] = record_weights(np.asarray(table["time_s"], dtype=float))
    df["running"] = (table["state"] == "run") if "state" in table else np.ones(len(table), dtype=bool)
    return DriftInput(df, metrics, False, "records")


def from_steps(steps: Columns | pd.DataFrame, speed_mps: float | None = None, extra_metrics: tuple[str, ...] = ()) -> DriftInput:
    """Drift input from a per-step table (see module docstring)."""
    st = as_columns(steps).sort_by("ic_s")
    df = Columns({"time_s": np.asarray(st["ic_s"], dtype=float)})
    sl = np.asarray(st["step_length_m"], dtype=float) if "step_length_m" in st else np.full(len(st), np.nan)
    stt = np.asarray(st["step_time_ms"], dtype=float) if "step_time_ms" in st else np.full(len(st), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = sl / (stt / 1000.0)
    if np.isfinite(v).sum() < 10 and speed_mps is not None:
        v = np.full(len(st), float(speed_mps))
    df["speed_mps"] = v
    if np.isfinite(sl).any():
        df["distance_m"] = np.nancumsum(np.nan_to_num(sl))
    metrics = _metrics(st, extra_metrics)
    for m in metrics:
        df[m] = np.asarray(st[m], dtype=float)
    w = np.nan_to_num(stt / 1000.0, nan=0.0)
    df["weight_s"] = w if w.sum() > 0 else np.ones(len(st))
    df["running"] = np.isfinite(df["time_s"])
    if "stride_time_ms" in st:
        df["stride_time_ms"] = np.asarray(st["stride_time_ms"], dtype=float)
    if "side" in st:
        df["side"] = np.asarray(st["side"], dtype=object)
    return DriftInput(df, metrics, True, "steps")

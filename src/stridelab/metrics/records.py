"""Summaries and time series from per-record data (watch / foot-pod FIT records), without contacts.

A FIT record is the device's average over the last second or so, not one step, so there is no
contact or step table; the contract's ``summary`` is filled from the records instead:

* Only ``state == "run"`` records count (stops: speed < 1 m/s or cadence 0; walking: cadence
  < 130 steps/min); values flagged implausible by the reader are masked metric by metric.
* Summary values are *time-weighted* medians over those records (each record weighs the time to
  the next one, capped at 10 s, so "smart recording" files with irregular intervals are not biased
  towards the moments the watch chose to write), the inter-quartile range beside them.
* Derived per record, where the file lacks the native field (the source is stated in
  ``methods.records.sources``): step time = 60000 / cadence; **flight time = step time - stance
  time** (assumes the record's cadence and stance time describe the same steps); duty factor =
  stance time / stride time = stance time x cadence / 120000 (Garmin's ``stance_time_percent`` / 100
  when present, which is the same ratio); step length = speed x 60 / cadence; vertical ratio =
  vertical oscillation / step length x 100 (Garmin's definition).
* Contact-time balance ``gct_balance_left_pct`` is Garmin's ``stance_time_balance``, read as the
  left foot's share (Garmin Connect shows it as "% L"); per-side contact times follow from it:
  left = 2 x stance time x balance / 100, right = 2 x stance time x (100 - balance) / 100.
* Grade (%) = slope of altitude over distance: altitude resampled every 10 m of distance,
  smoothed with a 100 m moving average, central differences; NaN where the run covers < 100 m
  and beyond +/-40 % (GPS distance or altitude jumps, e.g. at lock-on, not terrain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.errors import NoValidResultError
from stridelab.model.columns import Columns, as_columns, same_kind
from stridelab.model.tables import to_json_value
from stridelab.model.trial import Trial

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Summarised record metrics (contract keys first, then the watch / pod extras).
RECORD_METRICS = (
    "cadence_spm",
    "gct_ms",
    "flight_ms",
    "duty_factor",
    "step_length_m",
    "speed_mps",
    "vertical_oscillation_cm",
    "vertical_ratio_pct",
    "gct_balance_left_pct",
    "step_time_ms",
    "power_w",
    "form_power_w",
    "air_power_w",
    "leg_spring_stiffness_kn_m",
    "heart_rate_bpm",
)

#: Columns written to the ``timeseries`` JSON section, when present.
TIMESERIES_COLUMNS = ("time_s", "distance_m", "speed_mps", "altitude_m", "grade_pct", *RECORD_METRICS[:5], *RECORD_METRICS[6:], "lap")

MAX_WEIGHT_S = 10.0


@dataclass
class RecordSummary:
    summary: dict[str, Any]
    summary_iqr: dict[str, Any]
    by_side: dict[str, Any]
    symmetry_pct: dict[str, Any]
    table: Columns
    sources: dict[str, str]
    info: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


MAX_GRADE_PCT = 40.0


def grade_pct(distance_m: np.ndarray, altitude_m: np.ndarray, step_m: float = 10.0, window_m: float = 100.0) -> np.ndarray:
    """Grade (%) of each record from altitude over distance (method in the module docstring)."""
    out = np.full(len(distance_m), np.nan)
    ok = np.isfinite(distance_m) & np.isfinite(altitude_m)
    if ok.sum() < 3:
        return out
    d = np.maximum.accumulate(distance_m[ok])
    if d[-1] - d[0] < 100.0:
        return out
    grid = np.arange(d[0], d[-1] + step_m, step_m)
    # np.interp needs increasing x: keep the last altitude at each repeated distance
    last = np.r_[np.diff(d) > 0, True]
    alt_g = np.interp(grid, d[last], altitude_m[ok][last])
    k = max(1, int(round(window_m / step_m)))
    pad = np.r_[np.full(k // 2, alt_g[0]), alt_g, np.full(k - 1 - k // 2, alt_g[-1])]
    smooth = np.convolve(pad, np.ones(k) / k, mode="valid")
    g = np.gradient(smooth, step_m) * 100.0
    out[ok] = np.interp(d, grid, g)
    out[np.abs(out) > MAX_GRADE_PCT] = np.nan  # GPS jumps (e.g. at lock-on), not terrain
    return out


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of ``x`` weighted by ``w`` (midpoint interpolation of the weighted CDF)."""
    ok = np.isfinite(x) & (w > 0)
    if not ok.any():
        return [float("nan")] * len(qs)
    o = np.argsort(x[ok])
    xs, ws = x[ok][o], w[ok][o]
    c = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return [float(np.interp(q, c, xs)) for q in qs]


def record_weights(time_s: np.ndarray) -> np.ndarray:
    """Time each record stands for: the gap to the next record, capped (see module docstring)."""
    if len(time_s) < 2:
        return np.ones(len(time_s))
    dt = np.diff(time_s)
    med = float(np.median(dt[dt > 0])) if (dt > 0).any() else 1.0
    return np.clip(np.r_[dt, med], 0.0, MAX_WEIGHT_S)


def derive(records: Columns | pd.DataFrame, sources: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """Masked and derived per-record metrics (see module docstring); returns (table, sources), the
    table of the same type as ``records`` (:class:`Columns` or DataFrame)."""
    df, src = _derive(as_columns(records), sources)
    return same_kind(df, records), src


def _derive(records: Columns, sources: dict[str, str]) -> tuple[Columns, dict[str, str]]:
    src = dict(sources)
    df = records.select(records.columns)  # new columns go into a new table
    flags = np.array([str(f) for f in df["implausible"].tolist()], dtype=object) if "implausible" in df else np.full(len(df), "")
    flagged_cols = {c for f in set(flags.tolist()) if f for c in f.split(";")}
    for name in [c for c in df.columns if c in flagged_cols]:
        bad = np.array([name in f.split(";") for f in flags.tolist()], dtype=bool)
        v = np.array(df[name], dtype=float)
        v[bad] = np.nan
        df[name] = v

    def col(name: str) -> np.ndarray:
        return np.asarray(df[name], dtype=float) if name in df else np.full(len(df), np.nan)

    cad, gct = col("cadence_spm"), col("gct_ms")
    with np.errstate(divide="ignore", invalid="ignore"):
        step_t = np.where(cad > 0, 60000.0 / cad, np.nan)
        df["step_time_ms"] = step_t
        src["step_time_ms"] = "60000 / cadence_spm"
        if "gct_ms" in df and "cadence_spm" in df:
            df["flight_ms"] = step_t - gct
            src["flight_ms"] = "step time - stance time (record averages)"
        if "gct_pct" in df and np.isfinite(col("gct_pct")).any():
            df["duty_factor"] = col("gct_pct") / 100.0
            src["duty_factor"] = "record.stance_time_percent / 100 (native)"
        elif "gct_ms" in df and "cadence_spm" in df:
            df["duty_factor"] = gct / (2.0 * step_t)
            src["duty_factor"] = "stance time / (2 x step time)"
        if "step_length_m" not in df and "speed_mps" in df and "cadence_spm" in df:
            df["step_length_m"] = col("speed_mps") * step_t / 1000.0
            src["step_length_m"] = "speed x 60 / cadence"
        if "vertical_ratio_pct" not in df and "vertical_oscillation_cm" in df and "step_length_m" in df:
            df["vertical_ratio_pct"] = col("vertical_oscillation_cm") / col("step_length_m")
            src["vertical_ratio_pct"] = "vertical oscillation / step length x 100"
    if "grade_pct" not in df and "distance_m" in df and "altitude_m" in df:
        df["grade_pct"] = grade_pct(col("distance_m"), col("altitude_m"))
        src["grade_pct"] = "altitude over distance, 100 m smoothing"
    return df, src


def summarise_records(records: Columns | pd.DataFrame, sources: dict[str, str], speed_mps: float | None = None) -> RecordSummary:
    """The contract's summary, IQR, per-side and symmetry values from records (module docstring)."""
    df, src = _derive(as_columns(records), sources)
    run = (df["state"] == "run") if "state" in df else np.ones(len(df), bool)
    w = record_weights(np.asarray(df["time_s"], dtype=float)) * run
    summary: dict[str, Any] = {}
    iqr: dict[str, Any] = {}
    n_used: dict[str, int] = {}
    for m in RECORD_METRICS:
        if m not in df:
            summary[m] = None
            continue
        v = np.asarray(df[m], dtype=float)
        q1, med, q3 = weighted_quantiles(v, w, (0.25, 0.5, 0.75))
        n_used[m] = int((np.isfinite(v) & (w > 0)).sum())
        summary[m] = med if np.isfinite(med) else None
        iqr[m] = q3 - q1 if np.isfinite(q3 - q1) and n_used[m] > 1 else None
    warnings: list[str] = []
    if speed_mps is not None:
        summary["speed_mps"] = speed_mps
        warnings.append("speed: the given --speed-mps replaces the device's speed in the summary")
    by_side: dict[str, Any] = {"left": {"n_steps": None}, "right": {"n_steps": None}}
    symmetry: dict[str, Any] = {}
    if "gct_balance_left_pct" in df and "gct_ms" in df:
        b, g = np.asarray(df["gct_balance_left_pct"], dtype=float), np.asarray(df["gct_ms"], dtype=float)
        left, right = 2.0 * g * b / 100.0, 2.0 * g * (100.0 - b) / 100.0
        ok = np.isfinite(left) & (w > 0)
        if ok.any():
            by_side["left"]["gct_ms"] = weighted_quantiles(left, w, (0.5,))[0]
            by_side["right"]["gct_ms"] = weighted_quantiles(right, w, (0.5,))[0]
            lm, rm = float(np.average(left[ok], weights=w[ok])), float(np.average(right[ok], weights=w[ok]))
            symmetry["gct_ms"] = 100.0 * (lm - rm) / (0.5 * (lm + rm))
    t = np.asarray(df["time_s"], dtype=float)
    dist = np.asarray(df["distance_m"], dtype=float) if "distance_m" in df else None
    info = {
        "n_records": int(len(df)),
        "n_run": int(run.sum()),
        "n_walk": int(np.sum(df["state"] == "walk")) if "state" in df else 0,
        "n_stop": int(np.sum(df["state"] == "stop")) if "state" in df else 0,
        "running_time_s": float(w.sum()),
        "duration_s": float(t[-1] - t[0]) if len(t) else 0.0,
        "distance_m": float(np.nanmax(dist) - np.nanmin(dist)) if dist is not None and np.isfinite(dist).any() else None,
        "n_records_used": n_used,
    }
    return RecordSummary(summary, iqr, by_side, symmetry, df, src, info, warnings)


def timeseries_json(table: Columns | pd.DataFrame, decimals: int = 4) -> dict[str, Any]:
    """The ``timeseries`` JSON section: one list per column (None where missing), plus ``state``."""
    out: dict[str, Any] = {"source": "records", "n": int(len(table))}
    for c in TIMESERIES_COLUMNS:
        if c not in table:
            continue
        v = np.asarray(table[c], dtype=float)
        r = np.round(v, decimals).astype(object)
        r[~np.isfinite(v)] = None
        out[c] = r.tolist()
    if "state" in table:
        out["state"] = [str(s) for s in np.asarray(table["state"], dtype=object).tolist()]
    return out


def analyse_records(trial: Trial, speed_mps: float | None = None) -> dict[str, Any]:
    """The parts of an ``Analysis`` for a trial that has only per-record data (FIT).

    Raises NoValidResultError when no record shows running (all stops or walking).
    """
    rec = trial.record_columns
    if rec is None or len(rec) == 0:
        raise NoValidResultError("the recording holds no per-record data")
    fit = trial.provenance.extra.get("fit", {})
    rs = summarise_records(rec, fit.get("sources", {}), speed_mps)
    if rs.info["n_run"] == 0:
        broken = [b for b in fit.get("breaks", []) if b.get("fatal")]
        damage = f"; the file is also damaged (decoding stopped at byte {broken[0]['offset']}: {broken[0]['reason']})" if broken else ""
        raise NoValidResultError(
            f"none of the {len(rec)} records shows running ({rs.info['n_stop']} stopped: speed below 1 m/s or cadence 0; "
            f"{rs.info['n_walk']} walking: cadence below 130 steps/min); nothing to summarise{damage}"
        )
    warnings = list(trial.quality.warnings) + rs.warnings
    missing = [k for k in ("cadence_spm", "gct_ms", "vertical_oscillation_cm") if rs.summary.get(k) is None]
    if missing:
        warnings.append(f"this device recorded no {', '.join(missing)}: those summary values are empty")
    left_out = rs.info["n_walk"] + rs.info["n_stop"]
    if left_out:
        warnings.append(f"{rs.info['n_stop']} stopped and {rs.info['n_walk']} walking records are left out of the running summaries")
    methods = {
        "records": {
            "summary": "time-weighted medians over running records (stridelab.metrics.records); IQR beside",
            "sources": rs.sources,
            "cadence_rule": fit.get("cadence_rule"),
            "plausible_ranges": "stridelab.io.fit_fields.PLAUSIBLE_RUNNING",
        },
        "speed": "given" if speed_mps is not None else rs.sources.get("speed_mps"),
    }
    sections: dict[str, Any] = {"timeseries": timeseries_json(rs.table), "records": {**rs.info, "device": {k: fit.get(k) for k in ("manufacturer", "product", "start_utc", "sport")}}}
    laps = trial.lap_columns
    if laps is not None and len(laps):
        sections["laps"] = [{k: to_json_value(v) for k, v in r.items()} for r in laps.rows()]
    return {
        "summary": rs.summary,
        "summary_iqr": rs.summary_iqr,
        "by_side": rs.by_side,
        "symmetry_pct": rs.symmetry_pct,
        "warnings": list(dict.fromkeys(warnings)),
        "methods": methods,
        "sections": sections,
        "speed_source": methods["speed"],
    }

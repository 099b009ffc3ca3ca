"""Windows over a run (per lap, per km, per N minutes) and their time-weighted summaries."""

from __future__ import annotations

import re

import numpy as np

from stridelab.metrics.fatigue.series import DriftInput
from stridelab.model.columns import Columns

#: A window with less running than this gives no metric values (too little data).
MIN_WINDOW_RUNNING_S = 60.0


def window_ids(frame: Columns, kind: str) -> np.ndarray | None:
    """Window number of each sample for ``kind`` = "lap", "km" or "<N>min"; None when impossible."""
    if kind == "lap":
        if "lap" not in frame:
            return None
        lap = np.asarray(frame["lap"], dtype=float)
        if np.unique(lap[~np.isnan(lap)]).size < 2:  # pandas' nunique: distinct values, NaN not counted
            return None
        return np.where(lap >= 0, lap, np.nan)  # -1: outside every lap
    if kind == "km":
        if "distance_m" not in frame or int((~np.isnan(np.asarray(frame["distance_m"], dtype=float))).sum()) < 2:
            return None
        d = np.asarray(frame["distance_m"], dtype=float)
        return np.floor((d - np.nanmin(d)) / 1000.0)
    m = re.fullmatch(r"(\d+)min", kind)
    if m:
        t = np.asarray(frame["time_s"], dtype=float)
        return np.floor((t - np.nanmin(t)) / (60.0 * int(m.group(1))))
    raise ValueError(f"unknown window kind {kind!r}; use lap, km or <N>min")


def wmedian(x: np.ndarray, w: np.ndarray) -> float:
    ok = np.isfinite(x) & (w > 0)
    if not ok.any():
        return float("nan")
    o = np.argsort(x[ok])
    xs, ws = x[ok][o], w[ok][o]
    c = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return float(np.interp(0.5, c, xs))


def window_table(inp: DriftInput, kind: str, band: tuple[float, float] | None) -> Columns | None:
    """One row per window: span, running time, speed, grade, and per metric the median over the
    window's running samples and (``<metric>_matched``) over those within the speed ``band``."""
    f = inp.frame
    ids = window_ids(f, kind)
    if ids is None:
        return None
    rows = []
    run = np.asarray(f["running"], dtype=bool)
    w_all = np.asarray(f["weight_s"], dtype=float) * run
    speed = np.asarray(f["speed_mps"], dtype=float) if "speed_mps" in f else None
    in_band = (speed >= band[0]) & (speed <= band[1]) if (band is not None and speed is not None) else None
    for wid in np.unique(ids[np.isfinite(ids)]):
        sel = ids == wid
        w = w_all * sel
        row: dict[str, float | int] = {"window": int(wid), "start_s": float(f["time_s"][sel].min()), "end_s": float(f["time_s"][sel].max()), "running_s": float(w.sum())}
        if "distance_m" in f:
            d = np.asarray(f["distance_m"], dtype=float)[sel]
            row["start_km"] = float(np.nanmin(d)) / 1000.0 if np.isfinite(d).any() else np.nan
            row["end_km"] = float(np.nanmax(d)) / 1000.0 if np.isfinite(d).any() else np.nan
        enough = w.sum() >= MIN_WINDOW_RUNNING_S
        if speed is not None:
            row["speed_mps"] = wmedian(speed, w) if enough else np.nan
        if "grade_pct" in f:
            g = np.asarray(f["grade_pct"], dtype=float)
            ok = np.isfinite(g) & (w > 0)
            row["grade_pct"] = float(np.average(g[ok], weights=w[ok])) if enough and ok.any() else np.nan
        wm = w * in_band if in_band is not None else None
        if wm is not None:
            row["matched_s"] = float(wm.sum())
        for m in inp.metrics:
            x = np.asarray(f[m], dtype=float)
            row[m] = wmedian(x, w) if enough else np.nan
            if wm is not None:
                row[f"{m}_matched"] = wmedian(x, wm) if wm.sum() >= MIN_WINDOW_RUNNING_S else np.nan
        rows.append(row)
    return Columns.from_rows(rows)

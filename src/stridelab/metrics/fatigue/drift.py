"""Fatigue and drift over a run: windows, change from an early baseline at matched speed, trends
with confidence intervals, change points, and (per-stride data only) stride-interval variability.

Method (``method="stridelab-drift1"``, built from the cited parts):

1. **Warm-up and baseline.** The first ``warmup_s`` (default min(10 min, 15 % of the run)) are
   left out; the baseline is the next ``baseline_s`` (default min(10 min, 20 % of the run), at least
   3 min). Only running samples count (stops and walking are excluded upstream).
2. **Matched speed.** Baseline speed v0 = time-weighted median speed of the baseline. A window's
   *matched* value is its median over samples whose speed lies within v0 +/- max(5 %, 0.1 m/s),
   compared with the baseline's matched value; windows with < 60 s in the band get none.
3. **Windows** per lap, per km and per N minutes (:mod:`.windows`), each with its speed and mean
   grade beside the metrics and the change from baseline in %, raw and matched.
4. **Trend** per metric from one-minute medians after the warm-up: least squares on time, speed
   and grade with Newey-West confidence intervals (:mod:`.trend`), and the raw time-only trend.
5. **Change points** in the speed- and grade-adjusted minute series, PELT (Killick et al. 2012,
   :mod:`.changepoint`).
6. **Stride-interval variability** (CV) and DFA alpha (Peng et al. 1995, :mod:`.dfa`) only for
   per-step input with >= 512 uninterrupted strides of one foot; alpha is reported without a
   verdict.

Runs shorter than ``min_duration_s`` (10 min) get no drift analysis (``available`` false, with why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.metrics.fatigue.changepoint import pelt
from stridelab.metrics.fatigue.dfa import MIN_STRIDES, dfa_alpha
from stridelab.metrics.fatigue.series import DriftInput
from stridelab.metrics.fatigue.trend import fit_trend
from stridelab.metrics.fatigue.windows import window_table, wmedian
from stridelab.model.columns import Columns
from stridelab.model.tables import to_json_value


@dataclass
class DriftResult:
    available: bool
    reason: str | None = None
    source: str = ""
    warmup_s: float = 0.0
    baseline: dict[str, Any] = field(default_factory=dict)
    windows: dict[str, Columns] = field(default_factory=dict)
    trends: dict[str, dict[str, Any]] = field(default_factory=dict)
    change_points: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    minutes: Columns | None = None
    variability: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def tab(df: Columns) -> list[dict[str, Any]]:
            return [{k: to_json_value(v) for k, v in r.items()} for r in df.rows()]

        return {
            "available": self.available,
            "reason": self.reason,
            "source": self.source,
            "method": "stridelab-drift1 (stridelab.metrics.fatigue.drift)",
            "warmup_s": self.warmup_s,
            "baseline": {k: to_json_value(v) if not isinstance(v, (dict, list)) else v for k, v in self.baseline.items()},
            "windows": {k: tab(v) for k, v in self.windows.items()},
            "trends": self.trends,
            "change_points": self.change_points,
            "variability": self.variability,
            "notes": self.notes,
        }


def _minutes(inp: DriftInput, t0: float) -> Columns:
    f = inp.frame
    t = np.asarray(f["time_s"], dtype=float)
    w = np.asarray(f["weight_s"], dtype=float) * np.asarray(f["running"], dtype=bool)
    mid = np.floor((t - t0) / 60.0)
    rows = []
    for m_id in np.unique(mid[np.isfinite(mid)]):
        sel = mid == m_id
        ws = w * sel
        if ws.sum() < 30.0:
            continue
        row = {"minute": int(m_id), "time_s": t0 + 60.0 * m_id + 30.0, "running_s": float(ws.sum())}
        for c in ("speed_mps", *inp.metrics):
            if c in f:
                row[c] = wmedian(np.asarray(f[c], dtype=float), ws)
        if "grade_pct" in f:
            g = np.asarray(f["grade_pct"], dtype=float)
            ok = np.isfinite(g) & (ws > 0)
            row["grade_pct"] = float(np.average(g[ok], weights=ws[ok])) if ok.any() else np.nan
        rows.append(row)
    return Columns.from_rows(rows)


def _stride_variability(inp: DriftInput) -> dict[str, Any]:
    f = inp.frame
    out: dict[str, Any] = {"method": "CV = SD / mean of stride intervals; DFA alpha peng1995 on the longest uninterrupted series", "sides": {}}
    if "side" not in f:
        out["note"] = "the step table has no side column: stride intervals cannot be formed"
        return out
    for side in ("left", "right"):
        t = np.sort(np.asarray(f["time_s"], dtype=float)[np.asarray(f["side"]) == side])
        iv = np.diff(t)
        if iv.size < 10:
            continue
        med = float(np.median(iv))
        good = (iv > 0.5 * med) & (iv < 1.5 * med)
        # longest run of consecutive good intervals (a stop or a missed contact breaks the series)
        edges = np.flatnonzero(np.diff(np.r_[0, good.astype(int), 0]))
        starts, ends = edges[::2], edges[1::2]
        k = int(np.argmax(ends - starts)) if starts.size else 0
        series = iv[starts[k] : ends[k]] if starts.size else np.array([])
        d: dict[str, Any] = {"n_strides": int(good.sum()), "cv_pct": float(np.std(iv[good], ddof=1) / np.mean(iv[good]) * 100.0) if good.sum() > 2 else None}
        if series.size >= MIN_STRIDES:
            res = dfa_alpha(series)
            d["dfa_alpha"] = res.alpha_
            d["dfa_n"] = res.n
        else:
            d["dfa_alpha"] = None
            d["dfa_note"] = f"DFA needs >= {MIN_STRIDES} uninterrupted strides; the longest series has {series.size}"
        out["sides"][side] = d
    out["interpretation"] = "DFA alpha is reported without a verdict: its direction with fatigue is inconsistent in the literature"
    return out


def drift_analysis(
    inp: DriftInput,
    windows: tuple[str, ...] = ("lap", "km", "5min"),
    warmup_s: float | None = None,
    baseline_s: float | None = None,
    band_frac: float = 0.05,
    min_duration_s: float = 600.0,
) -> DriftResult:
    """Drift of every metric of ``inp`` over the run (see module docstring)."""
    run = inp.running
    if len(run) < 2:
        return DriftResult(False, "no running samples", inp.source)
    t0, t1 = float(np.nanmin(run["time_s"])), float(np.nanmax(run["time_s"]))
    dur = t1 - t0
    if dur < min_duration_s:
        return DriftResult(False, f"the run lasts {dur / 60:.1f} min; drift over a run needs at least {min_duration_s / 60:.0f} min", inp.source)
    warm = min(600.0, 0.15 * dur) if warmup_s is None else float(warmup_s)
    base_len = max(180.0, min(600.0, 0.2 * dur)) if baseline_s is None else float(baseline_s)
    f = inp.frame
    t = np.asarray(f["time_s"], dtype=float)
    in_base = np.asarray(f["running"], dtype=bool) & (t >= t0 + warm) & (t < t0 + warm + base_len)
    w = np.asarray(f["weight_s"], dtype=float) * in_base
    res = DriftResult(True, None, inp.source, warm)
    v0 = wmedian(np.asarray(f["speed_mps"], dtype=float), w) if "speed_mps" in f else float("nan")
    band = (v0 - max(band_frac * v0, 0.1), v0 + max(band_frac * v0, 0.1)) if np.isfinite(v0) else None
    base: dict[str, Any] = {"start_s": t0 + warm, "end_s": t0 + warm + base_len, "speed_mps": v0, "speed_band_mps": list(band) if band else None, "values": {}, "matched": {}}
    wm = w * ((f["speed_mps"] >= band[0]) & (f["speed_mps"] <= band[1])) if band else None
    for m in inp.metrics:
        x = np.asarray(f[m], dtype=float)
        base["values"][m] = to_json_value(wmedian(x, w))
        base["matched"][m] = to_json_value(wmedian(x, wm)) if wm is not None and wm.sum() >= 60 else None
    res.baseline = base
    if band is None:
        res.notes.append("no speed in the data: windows cannot be compared at matched speed")
    for kind in windows:
        tab = window_table(inp, kind, band)
        if tab is None or len(tab) < 2:
            continue
        for m in inp.metrics:
            b = base["values"][m]
            tab[f"{m}_change_pct"] = 100.0 * (tab[m] - b) / b if b else np.nan
            bm = base["matched"][m]
            if f"{m}_matched" in tab:
                tab[f"{m}_matched_change_pct"] = 100.0 * (tab[f"{m}_matched"] - bm) / bm if bm else np.nan
        res.windows[kind] = tab
    mins = _minutes(inp, t0)
    res.minutes = mins
    after = mins.take(mins["time_s"] >= t0 + warm) if len(mins) else mins
    hours = (np.asarray(after["time_s"], dtype=float) - t0) / 3600.0 if len(after) else np.array([])
    sp = np.asarray(after["speed_mps"], dtype=float) if "speed_mps" in after else None
    gr = np.asarray(after["grade_pct"], dtype=float) if "grade_pct" in after else None
    for m in inp.metrics:
        if m not in after or len(after) == 0:
            continue
        y = np.asarray(after[m], dtype=float)
        adj = fit_trend(hours, y, sp, gr, v0 if np.isfinite(v0) else None, adjust=True)
        raw = fit_trend(hours, y, None, None, None, adjust=False)
        b = base["values"][m]
        entry: dict[str, Any] = {"adjusted": adj.to_json() if adj else None, "raw": raw.to_json() if raw else None}
        if adj and b:
            entry["adjusted_pct_per_h"] = 100.0 * adj.slope_per_h_ / b
            entry["adjusted_ci95_pct_per_h"] = [100.0 * c / b for c in adj.ci95_]
        res.trends[m] = entry
        if adj is not None:
            yy = y.copy()
            for term in ("speed", "grade"):
                if term in adj.terms:
                    reg = (sp - v0) if term == "speed" and sp is not None else gr
                    yy = yy - adj.coefficients_[f"per_{term}"] * np.asarray(reg, float)
            ok = np.isfinite(yy)
            cps = pelt(yy[ok])
            tt = np.asarray(after["time_s"], dtype=float)[ok]
            seg = np.split(yy[ok], cps)
            res.change_points[m] = [
                {"time_s": float(tt[c]), "before": float(np.mean(seg[i])), "after": float(np.mean(seg[i + 1]))} for i, c in enumerate(cps)
            ]
    if inp.per_step:
        res.variability = _stride_variability(inp)
    return res

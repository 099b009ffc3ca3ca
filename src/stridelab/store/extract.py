"""What the store keeps of an analysis, taken out of it: the kind of input, the numbers (summary,
per side, split halves, training volume), where each foot's contacts came from, the per-step table
as JSON, the recording date a device stored, and the default skill model's scores."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis


def source_of(analysis: Analysis) -> str:
    """The kind of recording: mocap, imu, watch or video."""
    t = analysis.trial
    if t.has_markers or t.has_forces:
        return "mocap"
    if t.imu:
        return "imu"
    if t.keypoints is not None:
        return "video"
    return "watch"


def metric_rows(analysis: Analysis) -> dict[tuple[str, str], float]:
    """(kind, name) -> value for every finite number of the analysis (see :class:`~stridelab.store.models.Metric`)."""
    out: dict[tuple[str, str], float] = {}

    def put(kind: str, d: dict[str, Any]) -> None:
        for k, v in d.items():
            if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                continue
            if math.isfinite(float(v)):
                out[(kind, k)] = float(v)

    put("summary", analysis.summary)
    put("summary", volume(analysis))
    for side in ("left", "right"):
        put(side, analysis.by_side.get(side, {}))
    put("summary", {f"{k}_symmetry_pct": v for k, v in analysis.symmetry_pct.items()})
    for kind, half in zip(("half1", "half2"), split_halves(analysis.steps), strict=True):
        put(kind, half)
    return out


def volume(analysis: Analysis) -> dict[str, float]:
    """Distance (km) and duration (min) of a watch run from its records, for weekly training load."""
    rec = analysis.trial.records
    if rec is None or "time_s" not in rec.columns or not len(rec):
        return {}
    out = {}
    t = rec["time_s"].to_numpy(dtype=float)
    if np.isfinite(t).sum() > 1:
        out["duration_min"] = float(np.nanmax(t) - np.nanmin(t)) / 60.0
    if "distance_m" in rec.columns:
        d = rec["distance_m"].to_numpy(dtype=float)
        if np.isfinite(d).sum() > 1:
            out["distance_km"] = float(np.nanmax(d) - np.nanmin(d)) / 1000.0
    return out


def recorded_date(analysis: Analysis) -> dt.date | None:
    """The date a device stored in the file (FIT ``start_utc``), or None."""
    fit = analysis.trial.provenance.extra.get("fit")
    start = fit.get("start_utc") if isinstance(fit, dict) else None
    try:
        return dt.datetime.fromisoformat(str(start)).date() if start else None
    except ValueError:
        return None


def split_halves(steps: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """Medians of every numeric step column over the first and the second half of the steps (in time
    order), and each column's left/right symmetry index (``<name>_symmetry_pct``, 100 x (L - R) /
    mean of the side means, as in the summary): two repeated measurements within one trial, for
    test-retest variability. A value needs 4 finite steps in its half (symmetry: 2 steps a side).
    Empty when the trial has fewer than 8 steps."""
    if len(steps) < 8:
        return {}, {}
    num = steps.select_dtypes(include="number").drop(columns=["ic_s", "to_s", "next_ic_s"], errors="ignore")
    order = np.argsort(steps["ic_s"].to_numpy(dtype=float), kind="stable")
    x = num.to_numpy(dtype=float)[order]
    sides = steps["side"].to_numpy(dtype=object)[order]
    names = [str(c) for c in num.columns]
    n = len(x) // 2
    halves = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: left out below
        for sl in (slice(0, n), slice(n, 2 * n)):
            xh, side = x[sl], sides[sl]
            med = np.nanmedian(xh, axis=0)
            ok = np.isfinite(xh).sum(axis=0) >= 4
            h = {k: float(v) for k, v, good in zip(names, med, ok, strict=True) if good and np.isfinite(v)}
            left, right = side == "left", side == "right"
            if left.sum() >= 2 and right.sum() >= 2:
                lv, rv = np.nanmean(xh[left], axis=0), np.nanmean(xh[right], axis=0)
                si = 100.0 * (lv - rv) / (0.5 * (lv + rv))
                h.update({f"{k}_symmetry_pct": float(v) for k, v in zip(names, si, strict=True) if np.isfinite(v)})
            halves.append(h)
    return halves[0], halves[1]


def contact_sources(analysis: Analysis) -> str | None:
    """"left:SOURCE|right:SOURCE" where each side's contacts came from (None: no contacts)."""
    c = analysis.contacts
    if not len(c) or "source" not in c.columns:
        return None
    parts = []
    for side in ("left", "right"):
        srcs = sorted({str(x) for x in c.loc[c["side"] == side, "source"].dropna()})
        if srcs:
            parts.append(f"{side}:{','.join(srcs)}")
    return "|".join(parts) or None


def skill_scores(analysis: Analysis) -> tuple[dict[str, float], str]:
    """The default skill model's scores of an analysed motion-capture trial (``skill_value`` and one
    ``group:<name>`` per measured group, 0-100) and the model's name; empty when the trial cannot
    be scored (no joint-angle strides, e.g. without a static trial or from another kind of input)."""
    from stridelab.errors import StridelabError

    if source_of(analysis) != "mocap" or "angles" not in analysis.sections:
        return {}, ""
    try:
        from stridelab.skill.trials import score_analysis

        doc = score_analysis(analysis)
    except (StridelabError, ValueError, KeyError, IndexError):
        return {}, ""
    finally:
        analysis.sections.pop("skill", None)
    r = doc["runners"][0]
    out = {"skill_value": float(r["skill_value"])} if r.get("skill_value") is not None else {}
    out.update({f"group:{g}": float(v) for g, v in r.get("groups", {}).items() if v is not None})
    return out, str(doc["model"].get("name", ""))


def steps_json(steps: pd.DataFrame) -> dict[str, Any]:
    """The per-step table as pandas' "split" JSON layout (columns, rows; NaN as null)."""
    cols = []
    for c in steps.columns:
        v = steps[c].to_numpy()
        if v.dtype.kind == "f":
            cols.append([x if x == x and abs(x) != math.inf else None for x in v.tolist()])
        elif v.dtype.kind in "iub":
            cols.append(v.tolist())
        else:
            cols.append([None if x is None or (isinstance(x, float) and not math.isfinite(x)) else str(x) for x in v.tolist()])
    return {"columns": [str(c) for c in steps.columns], "data": [list(r) for r in zip(*cols, strict=True)]}


__all__ = ["contact_sources", "metric_rows", "recorded_date", "skill_scores", "source_of", "split_halves", "steps_json", "volume"]

"""Change over time: baseline, change, MDC, speed matching, trends and side-by-side sessions.

* **Baseline** is the runner's first session, **latest** the last. Metrics depend on speed
  (Fukuchi et al. 2017, PeerJ 5:e3298), so two trials are compared only when both speeds are known
  and differ by at most ``SPEED_MATCH_MPS``; otherwise the change is not given (``speed_matched``
  false). When a session holds several speeds, the pair of trials closest in speed is compared.
* A change is **beyond noise** when its size exceeds the metric's MDC95 (:mod:`stridelab.history.mdc`):
  the largest of the packaged reference (split halves of the Fukuchi trials), the runner's own
  split halves (from ``MIN_PAIRS`` trials) and their repeated sessions (matched speed, within
  ``REPEAT_MAX_DAYS``, from 3 pairs).
* **Trends**: ordinary least squares of the metric on time over the trials at the latest trial's
  speed, slope per 30 days with its 95 % confidence interval (t distribution), from 3 sessions on.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from stridelab.history.mdc import MIN_PAIRS, mdc95, reference_mdc
from stridelab.history.record import RunnerRecord, TrialRecord

SPEED_MATCH_MPS = 0.25
REPEAT_MAX_DAYS = 14
#: Not form metrics: speed is what is matched, pace is speed, distance and duration are training volume.
NOT_COMPARED = ("speed_mps", "pace_min_per_km", "pace_min_per_mile", "distance_km", "duration_min")


@dataclass
class Change:
    metric: str
    baseline: float | None
    latest: float | None
    change: float | None
    mdc: float | None
    beyond_noise: bool
    speed_matched: bool
    baseline_date: dt.date
    latest_date: dt.date
    baseline_speed_mps: float | None
    latest_speed_mps: float | None
    mdc_basis: str

    def to_json(self) -> dict[str, Any]:
        """The history JSON contract's entry (exactly these keys)."""
        return {
            "metric": self.metric, "baseline": self.baseline, "latest": self.latest, "change": self.change,
            "mdc": self.mdc, "beyond_noise": self.beyond_noise, "speed_matched": self.speed_matched,
        }


@dataclass
class Trend:
    metric: str
    speed_mps: float | None
    n_sessions: int
    slope_per_30d: float
    ci95: tuple[float, float]


def matched(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= SPEED_MATCH_MPS


def runner_mdc(record: RunnerRecord, metric: str, source: str) -> tuple[float | None, str]:
    """MDC95 of ``metric`` for this runner and source, and its basis (see module docstring)."""
    trials = [t for t in record.trials if t.source == source]
    halves = [t.halves[0][metric] - t.halves[1][metric] for t in trials if metric in t.halves[0] and metric in t.halves[1]]
    est: list[tuple[float, str]] = []
    if len(halves) >= MIN_PAIRS:
        v = mdc95(halves, "split_half")
        if v is not None:
            est.append((v, f"split halves of this runner's {len(halves)} trials"))
    rep = _repeat_differences(trials, metric)
    if len(rep) >= 3:
        v = mdc95(rep, "repeated_sessions")
        if v is not None:
            est.append((v, f"this runner's {len(rep)} pairs of repeated sessions"))
    ref = reference_mdc(source).get(metric)
    if ref is not None:
        est.append((ref, "split halves of the reference trials (Fukuchi 2017, treadmill)"))
    if est:
        return max(est)
    return None, "none: no repeated measurements of this metric"


def _repeat_differences(trials: list[TrialRecord], metric: str) -> list[float]:
    out = []
    ts = sorted((t for t in trials if metric in t.metrics), key=lambda t: t.date)
    for i, a in enumerate(ts):
        for b in ts[i + 1 :]:
            if b.date != a.date and (b.date - a.date).days <= REPEAT_MAX_DAYS and matched(a.speed_mps, b.speed_mps):
                out.append(b.metrics[metric] - a.metrics[metric])
                break
    return out


def _pair(base: list[TrialRecord], late: list[TrialRecord]) -> tuple[TrialRecord, TrialRecord, bool]:
    """The baseline and latest trials to compare: the closest speeds (same source preferred)."""
    best: tuple[float, TrialRecord, TrialRecord] | None = None
    for b in base:
        for la in late:
            gap = abs(b.speed_mps - la.speed_mps) if b.speed_mps is not None and la.speed_mps is not None else math.inf
            gap += 0.0 if b.source == la.source else 1e6
            if best is None or gap < best[0]:
                best = (gap, b, la)
    assert best is not None
    return best[1], best[2], best[1].source == best[2].source and matched(best[1].speed_mps, best[2].speed_mps)


def changes(record: RunnerRecord, metric: str | None = None) -> list[Change]:
    """Baseline (first session) against latest (last session), metric by metric; empty with one session."""
    dates = record.dates
    if len(dates) < 2:
        return []
    b, la, ok = _pair([t for t in record.trials if t.date == dates[0]], [t for t in record.trials if t.date == dates[-1]])
    names = [m for m in la.metrics if m not in NOT_COMPARED and (metric is None or m == metric)]
    out = []
    for m in names:
        bv, lv = b.metrics.get(m), la.metrics[m]
        mdc, basis = runner_mdc(record, m, la.source)
        ch = lv - bv if ok and bv is not None else None
        out.append(Change(m, bv, lv, ch, mdc, bool(ch is not None and mdc is not None and abs(ch) > mdc), ok and bv is not None,
                          b.date, la.date, b.speed_mps, la.speed_mps, basis))
    return out


def series(record: RunnerRecord, metric: str, speed_mps: float | None = None) -> list[tuple[dt.date, float | None, float]]:
    """(date, speed, value) of ``metric`` over the trials (only those matched to ``speed_mps`` when given)."""
    return [(t.date, t.speed_mps, t.metrics[metric]) for t in record.trials
            if metric in t.metrics and (speed_mps is None or matched(t.speed_mps, speed_mps))]


def trend(record: RunnerRecord, metric: str, speed_mps: float | None = None) -> Trend | None:
    """Linear trend of ``metric`` at the given speed (default: the latest trial's), or None below 3 sessions."""
    from scipy import stats

    if speed_mps is None and record.trials:
        speed_mps = record.trials[-1].speed_mps
    pts = series(record, metric, speed_mps)
    days = np.array([(d - pts[0][0]).days for d, _, _ in pts], dtype=float) if pts else np.array([])
    if len({d for d, _, _ in pts}) < 3:
        return None
    y = np.array([v for _, _, v in pts], dtype=float)
    res = stats.linregress(days, y)
    n = len(y)
    if n < 3 or not np.isfinite(res.stderr):
        return None
    tq = float(stats.t.ppf(0.975, n - 2))
    s30 = 30.0 * float(res.slope)
    h = 30.0 * tq * float(res.stderr)
    return Trend(metric, speed_mps, len({d for d, _, _ in pts}), s30, (s30 - h, s30 + h))


def compare_sessions(record: RunnerRecord, date_a: dt.date, date_b: dt.date) -> list[Change]:
    """Two sessions side by side (``date_a`` as the baseline), at matched speed only."""
    ta = [t for t in record.trials if t.date == date_a]
    tb = [t for t in record.trials if t.date == date_b]
    if not ta or not tb:
        return []
    sub = RunnerRecord(record.runner, record.owner, ta + tb)
    out = changes(sub)
    for c in out:  # MDC from the whole record, not only these two sessions
        c.mdc, c.mdc_basis = runner_mdc(record, c.metric, tb[0].source)
        c.beyond_noise = bool(c.change is not None and c.mdc is not None and abs(c.change) > c.mdc)
    return out


__all__ = ["NOT_COMPARED", "REPEAT_MAX_DAYS", "SPEED_MATCH_MPS", "Change", "Trend", "changes", "compare_sessions", "matched", "runner_mdc", "series", "trend"]

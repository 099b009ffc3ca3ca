"""Weekly training load from watch files, and its week-to-week change.

Each watch run stores its distance (``distance_km``) and duration (``duration_min``); runs are summed
per calendar week (Monday to Sunday). The change of distance from one week to the next,
``weekly_distance_change_pct`` = 100 x (this week - last week) / last week, is given only for two
consecutive weeks that both hold imported runs: a week without runs may be a rest week or runs not
imported, and the record cannot tell which. The flag built on it
(``sudden_weekly_distance_increase`` in the evidence table) follows Nielsen RO et al. (2014, J Orthop
Sports Phys Ther 44:739), who followed novice runners prospectively and compared weekly progressions
of under 10 %, 10-30 % and over 30 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stridelab.history.record import RunnerRecord
from stridelab.risk import Measurement

CHANGE_METRIC = "weekly_distance_change_pct"


@dataclass(frozen=True)
class WeekLoad:
    week_start: dt.date
    distance_km: float
    duration_min: float
    n_runs: int
    last_run: dt.date


def weekly_load(record: RunnerRecord) -> list[WeekLoad]:
    """Distance and duration per calendar week of the runner's watch runs, by week."""
    weeks: dict[dt.date, list[tuple[dt.date, float, float]]] = {}
    for t in record.trials:
        if t.source != "watch" or "distance_km" not in t.metrics:
            continue
        start = t.date - dt.timedelta(days=t.date.weekday())
        weeks.setdefault(start, []).append((t.date, t.metrics["distance_km"], t.metrics.get("duration_min", 0.0)))
    return [
        WeekLoad(w, sum(r[1] for r in runs), sum(r[2] for r in runs), len(runs), max(r[0] for r in runs))
        for w, runs in sorted(weeks.items())
    ]


def load_measurements(record: RunnerRecord) -> list[Measurement]:
    """One measurement per week that follows a week with runs: its distance change from that week."""
    weeks = weekly_load(record)
    out = []
    for prev, cur in zip(weeks, weeks[1:], strict=False):
        if (cur.week_start - prev.week_start).days == 7 and prev.distance_km > 0:
            pct = 100.0 * (cur.distance_km - prev.distance_km) / prev.distance_km
            out.append(Measurement(cur.last_run, "watch", None, None, {CHANGE_METRIC: pct}))
    return out


__all__ = ["CHANGE_METRIC", "WeekLoad", "load_measurements", "weekly_load"]

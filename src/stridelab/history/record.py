"""A runner's stored trials, read back from the store in two queries (trials, then their numbers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from stridelab.errors import InvalidInputError
from stridelab.store.models import Analysis, Metric, Runner, Score, Trial
from stridelab.store.models import Session as VisitSession
from stridelab.store.store import Store


@dataclass
class TrialRecord:
    """One analysed trial of the runner: its session date and source, speed and numbers."""

    date: dt.date
    source: str
    name: str
    speed_mps: float | None
    contact_sources: str | None
    stridelab_version: str
    metrics: dict[str, float] = field(default_factory=dict)  # summary values (and *_symmetry_pct)
    sides: dict[str, dict[str, float]] = field(default_factory=lambda: {"left": {}, "right": {}})
    halves: tuple[dict[str, float], dict[str, float]] = field(default_factory=lambda: ({}, {}))
    scores: dict[str, float] = field(default_factory=dict)
    score_model: str = ""  # the name of the model that gave ``scores``


@dataclass
class RunnerRecord:
    runner: str
    owner: str
    trials: list[TrialRecord]  # by date, then speed

    @property
    def dates(self) -> list[dt.date]:
        return sorted({t.date for t in self.trials})


def load_record(store: Store, runner: str, owner: str = "", metric: str | None = None) -> RunnerRecord:
    """Every stored trial of ``runner`` (only ``metric`` and speed when given). Unknown runner: an input error."""
    with store.read() as s:
        rid = s.scalar(select(Runner.id).where(Runner.code == runner, Runner.owner == owner))
        if rid is None:
            raise InvalidInputError(f"no runner {runner!r} in the record {store.where}; see 'stridelab runners'")
        rows = s.execute(
            select(Analysis.id, VisitSession.date, VisitSession.source, Trial.name, Trial.speed_mps, Trial.contact_sources, Analysis.stridelab_version)
            .join(Trial, Analysis.trial_id == Trial.id)
            .join(VisitSession, Trial.session_id == VisitSession.id)
            .where(VisitSession.runner_id == rid)
        ).all()
        trials = {r[0]: TrialRecord(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows}
        if trials:
            q = select(Metric.analysis_id, Metric.kind, Metric.name, Metric.value).where(Metric.analysis_id.in_(list(trials)))
            if metric is not None:
                q = q.where(Metric.name.in_([metric, "speed_mps"]))
            for aid, kind, name, value in s.execute(q):
                t = trials[aid]
                if kind == "summary":
                    t.metrics[name] = value
                elif kind in ("left", "right"):
                    t.sides[kind][name] = value
                elif kind in ("half1", "half2"):
                    t.halves[0 if kind == "half1" else 1][name] = value
            for aid, name, value, model in s.execute(select(Score.analysis_id, Score.name, Score.value, Score.model).where(Score.analysis_id.in_(list(trials)))):
                trials[aid].scores[name] = value
                trials[aid].score_model = model
    ordered = sorted(trials.values(), key=lambda t: (t.date, t.speed_mps if t.speed_mps is not None else -1.0, t.name))
    return RunnerRecord(runner, owner, ordered)


__all__ = ["RunnerRecord", "TrialRecord", "load_record"]

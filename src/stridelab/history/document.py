"""The history document of one runner (the ``stridelab history --json`` contract).

``{"runner", "sessions": [{"date", "source", "metrics"}], "changes": [...], "flags": [...], "disclaimer"}``:
one ``sessions`` entry per analysed trial (a session with trials at three speeds gives three entries
with the same date, told apart by ``metrics.speed_mps``); ``changes`` from
:func:`stridelab.history.change.changes`; ``flags`` from :func:`stridelab.risk.flag_status`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stridelab.history.change import changes
from stridelab.history.record import RunnerRecord, load_record
from stridelab.risk import DISCLAIMER, Measurement, flag_status, load_evidence
from stridelab.store.store import Store


def measurements(record: RunnerRecord) -> list[Measurement]:
    """What the flags read: one measurement per trial, and one per week of watch runs that follows
    another (its distance change, :mod:`stridelab.history.load`)."""
    from stridelab.history.load import load_measurements

    trials = [Measurement(t.date, t.source, t.speed_mps, t.contact_sources, dict(t.metrics)) for t in record.trials]
    return trials + load_measurements(record)


def history_document(record: RunnerRecord, metric: str | None = None, thresholds: str | Path | None = None, skill: bool = False) -> dict[str, Any]:
    """The JSON-ready history of a loaded record (flags always from every metric, as stored).

    With ``skill``, a ``skill`` entry is added: the stored skill scores over time against the skill
    model's MDC95 (:func:`stridelab.history.skill.skill_over_time`)."""
    rules = load_evidence(thresholds)
    flags = flag_status(rules, measurements(record))
    if metric is not None:
        flags = [f for f in flags if metric in (f.rule.metric, f"{f.rule.metric}_symmetry_pct")]
    doc: dict[str, Any] = {
        "runner": record.runner,
        "sessions": [
            {"date": t.date.isoformat(), "source": t.source,
             "metrics": {k: v for k, v in t.metrics.items() if metric is None or k in (metric, "speed_mps")}}
            for t in record.trials
        ],
        "changes": [c.to_json() for c in changes(record, metric)],
        "flags": [f.to_json() for f in flags],
        "disclaimer": DISCLAIMER,
    }
    if skill:
        from stridelab.history.skill import skill_over_time

        doc["skill"] = skill_over_time(record)
    return doc


def history(store: Store, runner: str, metric: str | None = None, thresholds: str | Path | None = None, owner: str = "") -> dict[str, Any]:
    """Load ``runner`` from ``store`` and build the history document."""
    return history_document(load_record(store, runner, owner), metric, thresholds)


__all__ = ["history", "history_document", "measurements"]

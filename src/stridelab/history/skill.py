"""Skill scores over time: the stored scores of a runner's trials against the skill model's MDC95.

The record stores, per analysed motion-capture trial, the skill model's scores (``skill_value`` when
the model may give one, and ``group:<name>`` per measured group, 0-100; :func:`stridelab.store.extract.skill_scores`)
and the model's name. Their minimal detectable change is the model's own (its split-half
reliability, :mod:`stridelab.skill.reliability`, the table :func:`stridelab.skill.sessions.session_scores`
uses): MDC95 = 1.96 sqrt(2) SEM. A change is compared only between trials at matched speed
(:data:`stridelab.history.change.SPEED_MATCH_MPS`: scores depend on speed) scored by the same model,
from the previous matched trial and from the first; ``beyond_mdc`` marks a change larger than the
MDC95. The MDC95 is a within-session lower bound, so a change just beyond it is still uncertain.
Scores of a model that is not the one given (or the default) get no MDC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stridelab.history.change import SPEED_MATCH_MPS
from stridelab.history.record import RunnerRecord, TrialRecord

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.skill.model import SkillModel

GROUP_PREFIX = "group:"


def _entry(t: TrialRecord) -> dict[str, Any]:
    groups = {k.removeprefix(GROUP_PREFIX): v for k, v in t.scores.items() if k.startswith(GROUP_PREFIX)}
    return {"date": t.date.isoformat(), "trial": t.name, "speed_mps": t.speed_mps, "model": t.score_model or None,
            "skill_value": t.scores.get("skill_value"), "groups": groups}


def _matched(a: TrialRecord, b: TrialRecord) -> bool:
    return a.speed_mps is not None and b.speed_mps is not None and abs(a.speed_mps - b.speed_mps) <= SPEED_MATCH_MPS


def _change(a: dict[str, Any], b: dict[str, Any], reliability: dict[str, dict[str, float]]) -> dict[str, Any]:
    from stridelab.skill.reliability import compare_scores

    out = {}
    for name, c in compare_scores(a, b, reliability).items():
        within = c["within_mdc"]
        out[name] = {"a": c["a"], "b": c["b"], "change": c["difference"], "mdc95": c["mdc95"],
                     "beyond_mdc": None if within is None else not within}
    return out


def skill_over_time(record: RunnerRecord, model: SkillModel | None = None) -> dict[str, Any]:
    """The runner's stored skill scores in time order, the model's MDC95 and the changes (module doc).

    ``{"model", "mdc95": {score: value}, "sessions": [{date, trial, speed_mps, model, skill_value,
    groups, change_from_previous, change_from_first}]}``; a change entry is None for the first trial
    at its speed, else per score ``a, b, change, mdc95, beyond_mdc`` (None where not comparable).
    """
    from stridelab.skill.model import load_model

    model = model or load_model()
    name = str(model.card.get("name", ""))
    reliability = {k: v for k, v in model.reliability.items() if v.get("mdc95") is not None}
    scored = [t for t in record.trials if t.scores]
    sessions: list[dict[str, Any]] = []
    for i, t in enumerate(scored):
        e = _entry(t)
        same_model = not t.score_model or t.score_model == name
        rel = reliability if same_model else {}
        before = [j for j in range(i) if _matched(scored[j], t) and scored[j].score_model == t.score_model]
        e["change_from_previous"] = _change(sessions[before[-1]], e, rel) if before else None
        e["change_from_first"] = _change(sessions[before[0]], e, rel) if before else None
        if not same_model:
            e["note"] = f"scored by {t.score_model!r}, not {name!r}: no MDC"
        sessions.append(e)
    return {"model": name, "mdc95": {k: v["mdc95"] for k, v in reliability.items()}, "sessions": sessions}


__all__ = ["skill_over_time"]

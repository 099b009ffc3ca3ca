"""Skill over time: scores of a runner's repeated sessions with their minimal detectable change.

:func:`session_scores` scores each session of one runner with the same model and gives, per
session, the skill value (when valid) and group scores, the model's MDC95 for each (from its
split-half reliability, :mod:`stridelab.skill.reliability`) and the change from the previous and
from the first session with whether it exceeds the MDC95. A change within the MDC95 is not
distinguishable from measurement error; the MDC95 is a within-session lower bound, so a change just
above it is still uncertain. The runner record (history) calls this with the sessions it stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stridelab.skill.model import SkillModel
from stridelab.skill.population import Population
from stridelab.skill.reliability import compare_scores


def session_scores(model: SkillModel, sessions: Sequence[tuple[str, Population]]) -> list[dict[str, Any]]:
    """Score ``sessions`` ((label, one-runner population), oldest first) of one runner.

    Returns one dict per session: ``session``, ``valid``, ``reasons``, ``skill_value`` (None when not
    valid), ``groups``, ``group_orientation``, ``mdc95`` (per score name), ``change_from_previous``
    and ``change_from_first`` (per score name: a, b, difference, mdc95, within_mdc; None for the
    first session). The skill value is compared only between sessions where both are valid.
    """
    from stridelab.skill.score import score_population

    out: list[dict[str, Any]] = []
    mdc = {k: v.get("mdc95") for k, v in model.reliability.items()}
    for label, pop in sessions:
        if len(pop) != 1:
            raise ValueError(f"session {label!r} must hold one runner (got {len(pop)})")
        r = score_population(model, pop)[0]
        entry = {
            "session": label,
            "runner": r["runner"],
            "valid": r["valid"],
            "reasons": r["reasons"],
            "skill_value": r["skill_value"] if r["valid"] else None,
            "groups": r["groups"],
            "group_orientation": r["group_orientation"],
            "speed_mps": r["speed_mps"],
            "mdc95": mdc,
            "change_from_previous": None,
            "change_from_first": None,
        }
        if out:
            entry["change_from_previous"] = compare_scores(out[-1], entry, model.reliability)
            entry["change_from_first"] = compare_scores(out[0], entry, model.reliability)
        out.append(entry)
    return out

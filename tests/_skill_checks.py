"""Shared checks of skill score coherence (used by the skill tests)."""

from __future__ import annotations

import re

from stridelab.skill.model import SkillModel


def assert_coherent(runners: list[dict], model: SkillModel) -> None:
    """Skill value between the oriented group scores; every line agrees with its score."""
    for r in runners:
        oriented = [r["groups"][g] for g, o in model.orientation.items() if o.oriented]
        if r["skill_value"] is not None:
            assert oriented and min(oriented) - 1e-6 <= r["skill_value"] <= max(oriented) + 1e-6
        else:
            assert not oriented
        for g, o in model.orientation.items():
            line, score = r["lines"][g], r["groups"][g]
            if not o.oriented:
                assert "similarity" in line and "not a grade" in line
                continue
            m = re.search(r"score (\d+)/100, (above|below|at) the reference runners' median", line)
            assert m and int(m.group(1)) == round(score), line
            side = m.group(2)
            assert (side == "above" and score >= 50) or (side == "below" and score <= 50) or side == "at", line
            if "moves the score" in line:
                assert ("towards" in line) == (side == "above"), line
            if o.kind == "model" and "on average" in line:  # the association's direction agrees with the side
                assert ("faster" in line) == (side == "above"), line

"""Coherent scores: group orientation, skill value between the group scores, lines agree, validity."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest

from _skill_toy import toy_population
from stridelab.skill.fit import FitOptions, fit_model
from stridelab.skill.model import SkillModel, load_model
from stridelab.skill.orientation import GroupOrientation, orient_groups, overall, published_directions
from stridelab.skill.population import Population
from stridelab.skill.score import MIN_CLEAN_STRIDES, headline, score_population
from stridelab.skill.sessions import session_scores

FAST = dict(n_permutations=9, n_pairs=5, n_boot=30, n_repeats=1, learning_fractions=(0.5,), n_orientation_permutations=49)


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


@pytest.fixture(scope="module")
def toy_model() -> tuple[Population, SkillModel]:
    pop, _ = toy_population(n=90, seed=11)
    return pop, fit_model(pop, FitOptions(**FAST))  # type: ignore[arg-type]


def test_toy_groups_with_planted_effects_are_oriented_by_the_model(toy_model: tuple[Population, SkillModel]) -> None:
    pop, model = toy_model
    kinds = {g: o.kind for g, o in model.orientation.items()}
    assert kinds["knee"] == "model" and kinds["ankle and foot"] == "model"  # SYNTHETIC: planted knee and ankle effects
    res = score_population(model, pop)
    assert_coherent(res, model)
    sv = np.array([r["skill_value"] for r in res])
    assert np.corrcoef(sv, pop.target("pace"))[0, 1] < -0.3


def test_overall_is_a_weighted_mean_of_oriented_groups() -> None:
    def o(kind: str, imp: float) -> GroupOrientation:
        z = np.zeros(1)
        return GroupOrientation("g", kind, ["f"], [0], z, z, z, imp, None, None, "")

    scores = {"a": np.array([20.0, 90.0]), "b": np.array([60.0, 10.0]), "c": np.array([99.0, 99.0])}
    orient = {"a": o("model", 3.0), "b": o("published", 1.0), "c": o("similarity", 0.0)}
    v = overall(scores, orient)
    assert v is not None and v == pytest.approx([0.75 * 20 + 0.25 * 60, 0.75 * 90 + 0.25 * 10])
    assert overall(scores, {"c": orient["c"]}) is None


def test_default_model_real_runners_get_no_grade(shared_data: Path) -> None:
    from stridelab.skill.stridefiles import load_stride_folder

    model = load_model()
    pop = load_stride_folder(shared_data / "population" / "rbds_strides")
    res = score_population(model, pop)
    assert_coherent(res, model)
    assert all(not o.oriented for o in model.orientation.values())  # 23 real runners: nothing beats chance
    for r in res:
        assert r["valid"] is False and r["skill_value"] is None
        assert any("does not beat chance" in why for why in r["reasons"])
        assert "/100" not in headline(r) and headline(r).startswith(f"{r['runner']}: NO SKILL VALUE")


def test_published_direction_orients_a_group_on_real_runners(shared_data: Path) -> None:
    """A group whose direction comes from a (test) published table: score, skill value and lines agree."""
    from stridelab.skill.stridefiles import load_stride_folder

    base = load_model()
    pop = load_stride_folder(shared_data / "population" / "rbds_strides")
    table = [{"feature": "knee_flexion.rom_deg", "better": "higher", "citation": "Test table (2026) for this test only"},
             {"feature": "ankle_dorsiflexion.stance_exc_deg", "better": "lower", "citation": "Test table (2026) for this test only"}]
    y = base.reference_target
    model = copy.deepcopy(base)
    model.orientation = orient_groups(base.names, base.reference_x, y, base.better_sign, base.group_models,
                                      np.random.default_rng(0), n_perm=19, table=table)
    assert model.orientation["knee"].kind == "published" and model.orientation["ankle and foot"].kind == "published"
    res = score_population(model, pop)
    assert_coherent(res, model)
    knee = np.array([r["groups"]["knee"] for r in res])
    rom = np.array([r["curves"]["knee_flexion"] for r in res])
    rom = rom.max(axis=1) - rom.min(axis=1)
    assert np.corrcoef(knee, rom)[0, 1] > 0.95  # higher knee range of motion = higher score, as the table says


def test_shipped_published_table_is_cited_data() -> None:
    t = published_directions()
    assert t and all(e["better"] in ("higher", "lower") and re.search(r"\(\d{4}\)", e["citation"]) for e in t)


def test_validity_reasons_speed_and_strides(toy_model: tuple[Population, SkillModel]) -> None:
    pop, model = toy_model
    r = pop.runners[0]
    few = r.with_curves({a: {s: v[:8] for s, v in per.items()} for a, per in r.curves.items()})
    fast = Population("p", [few.__class__(**{**few.__dict__, "speed_mps": 3.5})])
    res = score_population(model, fast)[0]
    assert res["valid"] is False and res["skill_value"] is not None  # numbers kept, flagged
    reasons = " ".join(res["reasons"])
    assert "outside the model's range" in reasons and f"needs at least {MIN_CLEAN_STRIDES}" in reasons
    assert "NO SKILL VALUE" in headline(res) and "/100" not in headline(res)


def test_session_scores_give_the_mdc(toy_model: tuple[Population, SkillModel]) -> None:
    pop, model = toy_model
    sessions = [(f"s{k}", pop.subset([rid])) for k, rid in enumerate(pop.ids[:3])]
    out = session_scores(model, sessions)
    assert out[0]["change_from_previous"] is None and out[0]["mdc95"]["knee"] == model.reliability["knee"]["mdc95"]
    ch = out[2]["change_from_first"]["knee"]
    assert ch["difference"] == pytest.approx(out[2]["groups"]["knee"] - out[0]["groups"]["knee"])
    assert ch["within_mdc"] == (abs(ch["difference"]) <= ch["mdc95"])

"""Fitting, the model file and its card, scoring, reliability and group agreement."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from _skill_checks import assert_coherent
from _skill_toy import toy_population
from stridelab.errors import InvalidInputError
from stridelab.skill.fit import FitOptions, fit_model
from stridelab.skill.groups import adjusted_rand_index
from stridelab.skill.model import load_model
from stridelab.skill.population import Population
from stridelab.skill.reliability import compare_scores, icc_a1, reliability_table
from stridelab.skill.score import MIN_CLEAN_STRIDES, headline, percentile, score_population
from stridelab.skill.sessions import session_scores

FAST = dict(n_permutations=9, n_pairs=5, n_boot=30, n_repeats=1, learning_fractions=(0.5,))


@pytest.fixture(scope="module")
def toy_model() -> tuple:
    pop, truth = toy_population(n=90, seed=11)
    model = fit_model(pop, FitOptions(**FAST))  # type: ignore[arg-type]
    return pop, model


def test_card_and_round_trip(toy_model: tuple, tmp_path: Path) -> None:
    pop, model = toy_model
    c = model.card
    assert c["data"]["synthetic"] is True and c["caveats"][0].startswith("SYNTHETIC")
    assert c["groups"]["arm action"] == "not measured" and c["groups"]["knee"] == "measured"
    v = c["validation"]
    assert v["cv_r"] > 0.3 and v["permutation_p"] <= 0.1 and len(v["learning_curve"]) == 2
    assert set(c["stability_selection"]["groups"]) == {"hip and pelvis", "knee", "ankle and foot", "stability"}
    path = tmp_path / "m.json"
    model.save(path)
    d = json.loads(path.read_text())  # plain JSON, no pickled code
    assert d["format"] == "stridelab-skill-model"
    back = load_model(path)
    a, b = score_population(model, pop.subset(pop.ids[:5])), score_population(back, pop.subset(pop.ids[:5]))
    for ra, rb in zip(a, b, strict=True):
        assert ra["skill_value"] == rb["skill_value"] and ra["groups"] == rb["groups"]


def test_scores_are_percentiles_and_better_runners_score_higher(toy_model: tuple) -> None:
    pop, model = toy_model
    res = score_population(model, pop)
    sv = np.array([r["skill_value"] for r in res])
    assert sv.min() >= 0 and sv.max() <= 100
    pace = pop.target("pace")
    assert np.corrcoef(sv, pace)[0, 1] < -0.3  # faster (lower pace) runners have higher skill values
    r0 = res[0]
    assert r0["groups"]["arm action"] is None and "not measured" in r0["lines"]["arm action"]
    assert "not a cause" in r0["lines"]["knee"] and "s/km" in r0["lines"]["knee"]
    lo, hi = r0["associations_ci95"]["knee"]
    assert lo <= hi
    assert any("SYNTHETIC" in w for w in r0["warnings"])


def test_speed_warning_and_refusal(toy_model: tuple) -> None:
    pop, model = toy_model
    r = pop.runners[0]
    fast = Population("p", [r.__class__(**{**r.__dict__, "speed_mps": 3.5})])
    assert any("differs from the model" in w for w in score_population(model, fast)[0]["warnings"])
    lacking = Population("q", [r.with_curves({a: v for a, v in r.curves.items() if a != "knee_flexion"})])
    with pytest.raises(InvalidInputError, match="lacks knee_flexion"):
        score_population(model, lacking)


def test_reliability_is_reported(toy_model: tuple) -> None:
    _, model = toy_model
    rel = model.reliability
    assert "skill_value" in rel and "knee" in rel
    assert 0.3 < rel["knee"]["icc"] <= 1.0
    assert rel["knee"]["mdc95"] == pytest.approx(1.96 * np.sqrt(2) * rel["knee"]["sem"])


def test_icc_and_mdc_known_values() -> None:
    # Shrout & Fleiss (1979) table 2 data, judges 1 and 2. By hand: MSR = 4.6833, MSC = 80.0833,
    # MSE = 0.6833; ICC(A,1) = (MSR - MSE) / (MSR + MSE + 2 (MSC - MSE) / 6) = 4 / 31.8333 = 0.12565
    x = np.array([[9, 2], [6, 1], [8, 4], [7, 1], [10, 5], [6, 2]], float)
    assert icc_a1(x) == pytest.approx(4.0 / 31.8333, abs=1e-4)
    assert icc_a1(np.column_stack([np.arange(10.0), np.arange(10.0)])) == pytest.approx(1.0)
    t = reliability_table(np.arange(10.0), np.arange(10.0) + 0.5)
    assert t["icc"] > 0.95 and t["mdc95"] < 3
    cmp = compare_scores({"skill_value": 50, "groups": {"knee": 60}}, {"skill_value": 58, "groups": {"knee": 61}},
                         {"skill_value": {"mdc95": 5.0}, "knee": {"mdc95": 5.0}})
    assert cmp["skill_value"]["within_mdc"] is False and cmp["knee"]["within_mdc"] is True


def test_percentile_and_ari() -> None:
    assert percentile(np.arange(10.0), np.array([4.0]))[0] == pytest.approx(45.0)
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == pytest.approx(1.0)
    # Hubert & Arabie: a known value from a 2x2 table
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.2424, abs=1e-3)


def test_fit_refuses_too_few_runners() -> None:
    pop, _ = toy_population(n=8, seed=2)
    with pytest.raises(InvalidInputError, match="at least"):
        fit_model(pop, FitOptions(**FAST))  # type: ignore[arg-type]


def test_default_model_card_says_what_it_can_support() -> None:
    m = load_model()
    c = m.card
    assert m.synthetic is False and m.reference_name == "rbds_strides" and len(m.reference_target) == 23
    assert c["data"]["sex"] == {"M": 23} and c["data"]["speed_mps"]["min"] == c["data"]["speed_mps"]["max"] == 2.5
    assert c["groups"]["arm action"] == "not measured" and c["groups"]["knee"] == "measured"
    assert c["validation"]["permutation_p"] >= 0.05 and c["validation"]["n_permutations"] == 99
    assert any("not distinguishable from chance" in cv for cv in c["caveats"])
    assert m.extractor.angles == ["hip_flexion", "knee_flexion", "ankle_dorsiflexion", "ankle_inversion", "ankle_rotation"]
    assert any("depend on the kinematic model" in cv for cv in c["caveats"])


def test_toy_groups_with_planted_effects_are_oriented_by_the_model(toy_model: tuple) -> None:
    pop, model = toy_model
    kinds = {g: o.kind for g, o in model.orientation.items()}
    assert kinds["knee"] == "model" and kinds["ankle and foot"] == "model"  # SYNTHETIC: planted knee and ankle effects
    res = score_population(model, pop)
    assert_coherent(res, model)
    sv = np.array([r["skill_value"] for r in res])
    assert np.corrcoef(sv, pop.target("pace"))[0, 1] < -0.3


def test_validity_reasons_speed_and_strides(toy_model: tuple) -> None:
    pop, model = toy_model
    r = pop.runners[0]
    few = r.with_curves({a: {s: v[:8] for s, v in per.items()} for a, per in r.curves.items()})
    fast = Population("p", [few.__class__(**{**few.__dict__, "speed_mps": 3.5})])
    res = score_population(model, fast)[0]
    assert res["valid"] is False and res["skill_value"] is not None  # numbers kept, flagged
    reasons = " ".join(res["reasons"])
    assert "outside the model's range" in reasons and f"needs at least {MIN_CLEAN_STRIDES}" in reasons
    assert "NO SKILL VALUE" in headline(res) and "/100" not in headline(res)


def test_session_scores_give_the_mdc(toy_model: tuple) -> None:
    pop, model = toy_model
    sessions = [(f"s{k}", pop.subset([rid])) for k, rid in enumerate(pop.ids[:3])]
    out = session_scores(model, sessions)
    assert out[0]["change_from_previous"] is None and out[0]["mdc95"]["knee"] == model.reliability["knee"]["mdc95"]
    ch = out[2]["change_from_first"]["knee"]
    assert ch["difference"] == pytest.approx(out[2]["groups"]["knee"] - out[0]["groups"]["knee"])
    assert ch["within_mdc"] == (abs(ch["difference"]) <= ch["mdc95"])

"""Coherent scores: group orientation, skill value between the group scores, lines agree, validity."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest

from _skill_checks import assert_coherent
from _skill_toy import toy_population
from stridelab.skill.fit import FitOptions
from stridelab.skill.model import load_model
from stridelab.skill.orientation import GroupOrientation, orient_groups, overall, published_directions
from stridelab.skill.population import Population
from stridelab.skill.score import headline, score_population

FAST = dict(n_permutations=9, n_pairs=5, n_boot=30, n_repeats=1, learning_fractions=(0.5,), n_orientation_permutations=49)


def test_overall_is_a_weighted_mean_of_oriented_groups() -> None:
    def o(kind: str, imp: float) -> GroupOrientation:
        z = np.zeros(1)
        return GroupOrientation("g", kind, ["f"], [0], z, z, z, imp, None, None, "")

    scores = {"a": np.array([20.0, 90.0]), "b": np.array([60.0, 10.0]), "c": np.array([99.0, 99.0])}
    orient = {"a": o("model", 3.0), "b": o("published", 1.0), "c": o("similarity", 0.0)}
    v = overall(scores, orient)
    assert v is not None and v == pytest.approx([0.75 * 20 + 0.25 * 60, 0.75 * 90 + 0.25 * 10])
    assert overall(scores, {"c": orient["c"]}) is None


@pytest.fixture(scope="module")
def rbds(shared_data: Path) -> Population:
    from stridelab.skill.stridefiles import load_stride_folder

    return load_stride_folder(shared_data / "population" / "rbds_strides")


def test_default_model_real_runners_get_no_grade(rbds: Population) -> None:
    model = load_model()
    pop = rbds
    res = score_population(model, pop)
    assert_coherent(res, model)
    assert all(not o.oriented for o in model.orientation.values())  # 23 real runners: nothing beats chance
    for r in res:
        assert r["valid"] is False and r["skill_value"] is None
        assert any("does not beat chance" in why for why in r["reasons"])
        assert "/100" not in headline(r) and headline(r).startswith(f"{r['runner']}: NO SKILL VALUE")


def test_published_direction_orients_a_group_on_real_runners(rbds: Population) -> None:
    """A group whose direction comes from a (test) published table: score, skill value and lines agree."""
    base = load_model()
    pop = rbds
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


@pytest.mark.slow
def test_fitted_model_cache_refits_when_the_folder_changes(tmp_path: Path) -> None:
    from stridelab.skill.fitcache import fitted_model
    from stridelab.skill.stridefiles import write_stride_folder

    pop, _ = toy_population(n=12, seed=8)
    folder = write_stride_folder(pop, tmp_path / "synthetic_pop")  # SYNTHETIC
    opts = FitOptions(**{**FAST, "n_permutations": 2, "n_boot": 5, "n_orientation_permutations": 5, "learning_fractions": ()})  # type: ignore[arg-type]
    m1, p1, hit1 = fitted_model(folder, None, opts, tmp_path / "cache")
    m2, p2, hit2 = fitted_model(folder, None, opts, tmp_path / "cache")
    assert (hit1, hit2) == (False, True) and p1 == p2 and m2.names == m1.names
    (folder / "extra.txt").write_text("changed\n")
    _, p3, hit3 = fitted_model(folder, None, opts, tmp_path / "cache")
    assert hit3 is False and p3 != p1

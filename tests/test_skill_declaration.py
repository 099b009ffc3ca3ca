"""Motion declarations (stridelab.skill.declaration): groups, features and target declared as data."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InvalidInputError
from stridelab.skill.angles import GROUP_MOTION, GROUPS, group_of
from stridelab.skill.declaration import MotionDeclaration, declaration_of, load_declaration, running
from stridelab.skill.population import Population

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["hip_flexion.pc1", "pelvis_tilt.rom", "knee_flexion.stance_exc", "ankle_inversion.mean", "trunk_lean.pc2",
            "elbow_flexion.rom", "rhythm.cadence_hof", "knee_rotation.sd_deg"]


def test_running_declaration_is_the_running_groups() -> None:
    d = load_declaration("running")
    assert {g: tuple(p) for g, p in d.groups.items()} == GROUPS
    assert list(d.groups) == list(GROUPS)  # report order
    assert d.motion == GROUP_MOTION
    assert [d.group_of(f) for f in FEATURES] == [group_of(f) for f in FEATURES]
    assert running("level").better_sign == 1.0 and running("pace").better_sign == -1.0
    assert running("pace").unit == "min/km"


def test_default_model_reads_as_running() -> None:
    from stridelab.skill.model import load_model

    m = load_model()
    d = declaration_of(m)
    assert d.activity == "running" and d.target == m.target
    assert d.better_sign == m.better_sign


def test_bad_declarations_are_one_line_errors(tmp_path: Path) -> None:
    good = load_declaration("running").to_dict()
    assert MotionDeclaration.from_dict(good) == load_declaration("running")
    for bad in ({**good, "format": "x"}, {**good, "target": {"column": "pace", "better": "faster"}},
                {**good, "variability_group": "nope"}, {**good, "groups": {}}, {k: v for k, v in good.items() if k != "target"}):
        with pytest.raises(InvalidInputError):
            MotionDeclaration.from_dict(bad)
    with pytest.raises(InvalidInputError):
        load_declaration("no_such_motion")
    with pytest.raises(InvalidInputError):
        load_declaration(tmp_path / "missing.json")
    p = tmp_path / "broken.json"
    p.write_text("{", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        load_declaration(p)
    with pytest.raises(ValueError):
        load_declaration("running_speed").group_of("elbow_flexion.rom")


def _effort_population(n: int = 30, seed: int = 3) -> Population:
    """SYNTHETIC: knee flexion swing grows with a meta column 'effort'; hip adduction is noise."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, 101)
    curves, meta = {}, {}
    for i in range(n):
        effort = float(rng.uniform(0, 1))
        knee = 40 - (30 + 12 * effort) * np.cos(2 * np.pi * (t - 0.7))
        hip = 5 * np.sin(2 * np.pi * t) + rng.normal(0, 2) * np.sin(4 * np.pi * t)
        curves[f"S{i:02d}"] = {
            "knee_flexion": {"right": knee + rng.normal(0, 1.5, (6, 101))},
            "hip_adduction": {"right": hip + rng.normal(0, 1.5, (6, 101))},
        }
        meta[f"S{i:02d}"] = {"speed_mps": float(rng.uniform(1, 2)), "effort": effort}
    return Population.from_curves(curves, meta, name="effort-synthetic", synthetic=True)


def test_declared_motion_fits_and_scores_end_to_end(tmp_path: Path) -> None:
    """SYNTHETIC population, a declaration the running code knows nothing about."""
    from stridelab.skill.fit import FitOptions, fit_model
    from stridelab.skill.model import load_model
    from stridelab.skill.score import model_summary, score_population

    decl_path = tmp_path / "motion_effort.json"
    decl_path.write_text(json.dumps({
        "format": "stridelab-motion-declaration", "activity": "effort test",
        "groups": {"bend": ["knee_"], "sway": ["hip_adduction"], "steadiness": []}, "variability_group": "steadiness",
        "motion": {"bend": "knee bend", "sway": "hip sway", "steadiness": "stride-to-stride variability"},
        "target": {"column": "effort", "better": "higher", "unit": "a.u."}, "compare_at_speed": False,
    }), encoding="utf-8")
    decl = load_declaration(decl_path)
    pop = _effort_population()
    opts = FitOptions(declaration=decl, n_permutations=9, n_repeats=1, n_boot=30, n_pairs=4, n_orientation_permutations=39, learning_fractions=())
    model = fit_model(pop, opts)
    assert model.target == "effort" and model.better_sign == 1.0
    assert model.speed_mps is None  # speeds differ and are not compared
    assert set(model.measured_groups) <= set(decl.groups) and "bend" in model.measured_groups
    assert model.card["declaration"] == decl.to_dict()
    assert model.card["target"]["unit"] == "a.u."
    assert model.orientation["bend"].kind == "model"  # the planted knee effect is found
    assert model.card["validation"]["cv_r"] > 0.5
    path = tmp_path / "m.json"
    model.save(path)
    again = load_model(path)
    assert declaration_of(again) == decl
    rows = score_population(again, pop.subset(pop.ids[:3]))
    assert list(rows[0]["groups"]) == [g for g in decl.groups]
    assert not any("speed" in r for row in rows for r in row["reasons"])
    hi = max(pop.runners, key=lambda r: r.meta["effort"]).id
    lo = min(pop.runners, key=lambda r: r.meta["effort"]).id
    s = {r["runner"]: r["groups"]["bend"] for r in score_population(again, pop.subset([hi, lo]))}
    assert s[hi] > s[lo]
    assert model_summary(again)["not_measured_groups"] == [g for g in decl.groups if g not in model.measured_groups]


def _load_example() -> object:
    spec = importlib.util.spec_from_file_location("skill_new_motion", ROOT / "validation" / "skill_new_motion.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_running_speed_example_on_real_trials() -> None:
    """The worked example (docs/skill_new_motion.md) on the real Fukuchi trials, leave one runner out."""
    ex = _load_example()
    cache = ex.CACHE  # type: ignore[attr-defined]
    if not (cache / "trials.json").is_file():
        pytest.skip(f"real-trial cache {cache} absent: run validation/skill_trials_cache.py first")
    from stridelab.skill.fit import FitOptions, fit_model

    pop = ex.speed_population(cache)  # type: ignore[attr-defined]
    model = fit_model(pop, FitOptions(declaration=load_declaration("running_speed"), n_permutations=9, n_repeats=2, n_boot=50))
    assert model.measured_groups[0] == "sagittal"
    lo = ex.leave_one_runner_out(model, pop, n_perm=0)  # type: ignore[attr-defined]
    assert lo["n_runners"] == 20 and lo["n_trials"] == 29
    assert lo["r"] > 0.5
    assert sum(d["right_order"] for d in lo["within_runner_order"].values()) >= 4


def test_cli_fit_motion_bad_declaration_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stridelab.cli.main import main

    pop = tmp_path / "pop"
    pop.mkdir()
    bad = tmp_path / "motion.json"
    bad.write_text(json.dumps({"format": "stridelab-motion-declaration", "activity": "x", "groups": {},
                              "target": {"column": "speed_mps", "better": "higher"}}), encoding="utf-8")
    code = main(["skill", "fit", "--population", str(pop), "--out", str(tmp_path / "m.json"), "--motion", str(bad)])
    _, err = capsys.readouterr()
    assert code != 0 and err.count("\n") == 1 and "declares no group" in err and "Traceback" not in err

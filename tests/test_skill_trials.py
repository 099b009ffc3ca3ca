"""Recordings -> skill populations: the kinematics adapter, the trials.tsv manifest, real trials."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InvalidInputError, NoValidResultError
from stridelab.skill import trials as trials_mod
from stridelab.skill.trials import load_population, load_trial_folder, read_manifest, resolve_stride_curves


def fake_stride_curves(analysis):  # type: ignore[no-untyped-def]
    """Constructed SYNTHETIC curves: one stride per right/left contact pair of the analysis."""
    n = max(2, int((analysis.steps["side"] == "right").sum()))
    t = np.linspace(0, 2 * np.pi, 101)
    return {"knee_flexion": {"right": 40 - 35 * np.cos(t)[None, :] + np.zeros((n, 1)), "left": 41 - 35 * np.cos(t)[None, :] + np.zeros((n, 1))}}


def test_unregistered_pipeline_gives_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trials_mod, "STRIDE_CURVES", None)
    with pytest.raises(NoValidResultError, match="joint-motion pipeline"):
        resolve_stride_curves()


def test_registered_adapter_returns_only_kept_strides(example_dir: Path) -> None:
    import stridelab as sl
    from stridelab.kinematics.strides import stride_curves

    assert resolve_stride_curves() is stride_curves
    an = sl.analyze(sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d"))
    cs = an.cache["angle_cycles"]
    side = "right"
    cs.strides[side][3].used = False  # the kinematics rejected this stride: it must not come back
    cs.strides[side][3].reason = "test"
    out = stride_curves(an)
    assert {"hip_flexion", "knee_flexion", "ankle_dorsiflexion", "knee_adduction"} <= set(out)
    kept = cs.used(side) & np.isfinite(cs.curves["knee_flexion"][side]).all(axis=1)
    assert out["knee_flexion"][side].shape == (int(kept.sum()), 101)
    assert np.array_equal(out["knee_flexion"][side], cs.curves["knee_flexion"][side][kept])
    assert not any(np.array_equal(row, cs.curves["knee_flexion"][side][3]) for row in out["knee_flexion"][side])
    # degrees with stridelab's signs: knee flexes by 60-100 deg in swing, the hip flexes forward before foot strike
    m = out["knee_flexion"][side].mean(axis=0)
    assert 60 < m.max() < 120 and m.min() > -10
    assert out["hip_flexion"][side].mean(axis=0)[95:].mean() > 10


def test_trial_folder_with_constructed_curves(example_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "trials"
    folder.mkdir()
    shutil.copy(example_dir / "RBDS001runT35.c3d", folder / "a.c3d")
    (folder / "trials.tsv").write_text("file\trunner\tpace_min_per_km\tlevel\tweekly_km\na.c3d\tRBDS001\t3.78\tCompetitive\t50\n")
    pop = load_trial_folder(folder, stride_curves=fake_stride_curves)
    r = pop.runner("RBDS001")
    assert r.pace_min_per_km == pytest.approx(3.78) and r.level == "Competitive" and r.meta["weekly_km"] == 50
    assert r.curves["knee_flexion"]["right"].shape[1] == 101 and r.curves["knee_flexion"]["right"].shape[0] >= 2
    assert r.speed_mps is not None and 3.0 < r.speed_mps < 4.0  # 3.5 m/s treadmill
    assert r.rhythm.get("cadence_spm", 0) > 120
    pop2 = load_population(folder, stride_curves=fake_stride_curves)
    assert pop2.ids == ["RBDS001"]


def _link(src: Path, dst: Path) -> None:
    try:
        os.symlink(src.resolve(), dst)
    except OSError:  # pragma: no cover - file systems without symlinks
        shutil.copy(src, dst)


@pytest.fixture
def real_trial_folder(fukuchi: Path, tmp_path: Path) -> Path:
    """RBDS001 at 2.5 m/s (text markers + forces) and 3.5 m/s (C3D), one static trial, a manifest."""
    folder = tmp_path / "lab"
    folder.mkdir()
    for f in ("RBDS001runT25markers.txt", "RBDS001runT25forces.txt", "RBDS001runT35.c3d", "RBDS001static.c3d"):
        _link(fukuchi / f, folder / f)
    (folder / "trials.tsv").write_text(
        "file\trunner\tstatic\tforces\tpace_min_per_km\tlevel\n"
        "RBDS001runT25markers.txt\tRBDS001_T25\tRBDS001static.c3d\tRBDS001runT25forces.txt\t4.33\tCompetitive\n"
        "RBDS001runT35.c3d\tRBDS001_T35\tRBDS001static.c3d\t\t4.33\tCompetitive\n"
    )
    return folder


def test_real_trial_folder_through_the_kinematics(real_trial_folder: Path) -> None:
    from stridelab.skill.model import load_model
    from stridelab.skill.score import score_population

    pop = load_population(real_trial_folder)
    assert pop.ids == ["RBDS001_T25", "RBDS001_T35"] and not pop.notes
    t25, t35 = pop.runner("RBDS001_T25"), pop.runner("RBDS001_T35")
    assert abs(t25.speed_mps - 2.5) < 0.1 and abs(t35.speed_mps - 3.5) < 0.1
    assert t25.pace_min_per_km == pytest.approx(4.33) and t25.meta["recordings"] == ["RBDS001runT25markers.txt"]
    assert t25.curves["knee_flexion"]["right"].shape[0] >= 30 and "left" in t25.curves["knee_flexion"]
    scores = {r["runner"]: r for r in score_population(load_model(), pop)}
    speed_warn = [any("differs from the model's" in w for w in scores[k]["warnings"]) for k in ("RBDS001_T25", "RBDS001_T35")]
    assert speed_warn == [False, True]


def test_cli_scores_a_real_trial_folder(real_trial_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from stridelab.cli.main import main

    out = tmp_path / "scores.json"
    rc = main(["skill", "score", "--population", str(real_trial_folder), "--json", str(out)])
    assert rc == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert doc["population"] == "lab" and [r["runner"] for r in doc["runners"]] == ["RBDS001_T25", "RBDS001_T35"]
    assert all(0 <= r["groups"]["knee"] <= 100 and r["groups"]["arm action"] is None for r in doc["runners"])
    rc = main(["skill", "score", "--population", str(real_trial_folder), "--static", "x.c3d", "--json", str(out)])
    assert rc == 2 and "trials.tsv" in capsys.readouterr().err


def test_recordings_of_one_runner_at_different_speeds_are_not_pooled(real_trial_folder: Path) -> None:
    text = (real_trial_folder / "trials.tsv").read_text().replace("RBDS001_T25", "RBDS001").replace("RBDS001_T35", "RBDS001")
    (real_trial_folder / "trials.tsv").write_text(text)
    with pytest.raises(InvalidInputError, match="different speeds are not pooled"):
        load_population(real_trial_folder)


def test_manifest_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "trials.tsv").write_text("file\tstatic\nrun.c3d\tstatic.c3d\n")
    with pytest.raises(InvalidInputError, match=r"line 2: file run.c3d not found"):
        read_manifest(tmp_path)
    (tmp_path / "run.c3d").write_bytes(b"")
    with pytest.raises(InvalidInputError, match=r"static static.c3d not found"):
        read_manifest(tmp_path)
    (tmp_path / "trials.tsv").write_text("recording\nrun.c3d\n")
    with pytest.raises(InvalidInputError, match="'file' column"):
        read_manifest(tmp_path)
    (tmp_path / "trials.tsv").write_text("file\tspeed_mps\nrun.c3d\tfast\n")
    with pytest.raises(InvalidInputError, match="line 2: speed_mps = 'fast' is not a number"):
        load_trial_folder(tmp_path)


def test_recording_without_static_is_refused_with_the_reason(example_dir: Path, tmp_path: Path) -> None:
    from stridelab.skill.model import load_model
    from stridelab.skill.score import score_population

    shutil.copy(example_dir / "RBDS001runT35.c3d", tmp_path / "a.c3d")
    pop = load_trial_folder(tmp_path)  # no manifest: analysed alone, without its static trial
    assert "knee_flexion" not in pop.runner("a").curves  # pelvis angles only
    with pytest.raises(InvalidInputError, match=r"lacks hip_flexion.*static trial"):
        score_population(load_model(), pop)


@pytest.mark.slow
def test_skill_section_in_the_analysis_report(example_dir: Path, tmp_path: Path) -> None:
    import stridelab as sl
    from stridelab.skill.trials import score_analysis

    an = sl.analyze(sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d"))
    doc = score_analysis(an)
    assert "skill" in an.to_json() and doc["runners"][0]["groups"]["arm action"] is None
    assert any("speed" in w for w in doc["runners"][0]["warnings"])  # 3.5 m/s vs the model's 2.5 m/s
    html = sl.write_report(an, tmp_path / "r.html").read_text()
    assert "Technique skill scores" in html and "better third" in html

"""Folder of trials -> population through the stride-curves protocol (curves constructed here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import NoValidResultError
from stridelab.skill.trials import load_population, load_trial_folder, resolve_stride_curves


def fake_stride_curves(analysis):  # type: ignore[no-untyped-def]
    """Constructed SYNTHETIC curves: one stride per right/left contact pair of the analysis."""
    n = max(2, int((analysis.steps["side"] == "right").sum()))
    t = np.linspace(0, 2 * np.pi, 101)
    return {"knee_flexion": {"right": 40 - 35 * np.cos(t)[None, :] + np.zeros((n, 1)), "left": 41 - 35 * np.cos(t)[None, :] + np.zeros((n, 1))}}


def test_no_kinematics_pipeline_gives_one_clear_error() -> None:
    with pytest.raises(NoValidResultError, match="joint-motion pipeline"):
        resolve_stride_curves()


def test_trial_folder_through_the_protocol(example_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "trials"
    folder.mkdir()
    shutil.copy(example_dir / "RBDS001runT35.c3d", folder / "a.c3d")
    (folder / "runners.tsv").write_text("file\trunner\tpace_min_per_km\tlevel\na.c3d\tRBDS001\t3.78\tCompetitive\n")
    pop = load_trial_folder(folder, stride_curves=fake_stride_curves)
    r = pop.runner("RBDS001")
    assert r.pace_min_per_km == pytest.approx(3.78) and r.level == "Competitive"
    assert r.curves["knee_flexion"]["right"].shape[1] == 101 and r.curves["knee_flexion"]["right"].shape[0] >= 2
    assert r.speed_mps is not None and 3.0 < r.speed_mps < 4.0  # 3.5 m/s treadmill
    assert r.rhythm.get("cadence_spm", 0) > 120
    pop2 = load_population(folder, stride_curves=fake_stride_curves)
    assert pop2.ids == ["RBDS001"]


def test_skill_section_in_the_analysis_report(example_dir: Path, tmp_path: Path) -> None:
    import stridelab as sl
    from stridelab.skill.trials import score_analysis

    an = sl.analyze(sl.read(example_dir / "RBDS001runT35.c3d"))

    def curves(analysis):  # type: ignore[no-untyped-def]
        """Constructed SYNTHETIC curves for every angle of the default model."""
        t = np.linspace(0, 2 * np.pi, 101)
        base = {"hip_flexion": 15 + 25 * np.cos(t), "hip_adduction": 4 * np.sin(t), "hip_rotation": 3 * np.sin(2 * t),
                "knee_flexion": 45 - 40 * np.cos(t), "knee_adduction": 3 * np.sin(t), "ankle_dorsiflexion": 15 * np.sin(t + 1),
                "ankle_inversion": 5 * np.cos(t)}
        rng = np.random.default_rng(0)
        return {a: {"right": v[None, :] + rng.normal(0, 1, (6, 101))} for a, v in base.items()}

    doc = score_analysis(an, stride_curves=curves)
    assert "skill" in an.to_json() and doc["runners"][0]["groups"]["arm action"] is None
    assert any("speed" in w for w in doc["runners"][0]["warnings"])  # 3.5 m/s vs the model's 2.5 m/s
    html = sl.write_report(an, tmp_path / "r.html").read_text()
    assert "Technique skill scores" in html and "better third" in html

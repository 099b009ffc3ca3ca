"""Population loaders, harmonisation flips (real rbds_strides) and targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InvalidInputError
from stridelab.skill.population import Population
from stridelab.skill.stridefiles import HARMONISATION, load_stride_folder
from stridelab.skill.targets import level_code, parse_distances_km, riegel_pace


def _write_folder(folder: Path, values: dict[str, float], n_subjects: int = 2, n_strides: int = 3, runners: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for s in range(1, n_subjects + 1):
        for t in range(1, n_strides + 1):
            name = f"g01s{s:02d}t{t:02d}.txt"
            df = pd.DataFrame({"Time": np.arange(101), **{c: np.full(101, v) + np.sin(np.linspace(0, 2 * np.pi, 101)) * t for c, v in values.items()}})
            df.to_csv(folder / name, sep="\t", index=False)
            rows.append({"Group": "LAB", "Subject": s, "Trial": t, "Filename": name, "Speed": 3.0, "Age": 30, "Height": 175.0, "Mass": 70})
    pd.DataFrame(rows).to_csv(folder / "metadata.tsv", sep="\t")
    if runners:
        pd.DataFrame({"stride_subject": [1, 2], "gender": ["F", "M"], "level": ["Elite", "Recreational"],
                      "pace_min_per_km": [3.5, 5.0], "race_distances": ["10 km", "5 km, 10 km"]}).to_csv(folder / "runners.tsv", sep="\t", index=False)


def test_every_flip_is_applied(tmp_path: Path) -> None:
    cols = {c: 10.0 * (i + 1) for i, c in enumerate(HARMONISATION)}
    _write_folder(tmp_path / "any_name", cols)
    pop = load_stride_folder(tmp_path / "any_name")
    r = pop.runners[0]
    for col, (angle, factor) in HARMONISATION.items():
        mean = r.curves[angle]["right"].mean()
        assert mean == pytest.approx(factor * cols[col], abs=1e-9), col
    assert "knee_rotation" not in r.curves
    assert r.height_m == pytest.approx(1.75)
    assert r.sex == "F" and r.level == "Elite" and r.pace_min_per_km == 3.5
    assert r.race_distance_km == 10.0 and pop.runners[1].race_distance_km is None  # two distances: ambiguous


def test_flips_documented_in_notes(tmp_path: Path) -> None:
    _write_folder(tmp_path / "f", {"Hip_Z": 1.0, "Knee_Y": 2.0})
    pop = load_stride_folder(tmp_path / "f")
    assert any("Hip_Z -> hip_flexion x -1" in n for n in pop.notes)
    assert any(n.startswith("Knee_Y excluded") for n in pop.notes)


def test_bad_folders(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="metadata.tsv"):
        (tmp_path / "empty").mkdir()
        load_stride_folder(tmp_path / "empty")
    _write_folder(tmp_path / "g", {"Hip_Z": 1.0}, runners=False)
    (tmp_path / "g" / "g01s01t02.txt").write_text("garbage\x00\x01")
    pop = load_stride_folder(tmp_path / "g")
    assert pop.runners[0].n_strides() == 2
    assert any("skipped" in n for n in pop.notes)


def test_from_curves_resamples_and_checks_sides() -> None:
    pop = Population.from_curves({"a": {"knee_flexion": {"left": np.zeros((3, 51))}}}, {"a": {"speed_mps": "2.5"}})
    assert pop.runners[0].curves["knee_flexion"]["left"].shape == (3, 101)
    assert pop.runners[0].speed_mps == 2.5
    with pytest.raises(InvalidInputError, match="side"):
        Population.from_curves({"a": {"knee_flexion": {"middle": np.zeros((3, 101))}}})


def test_targets() -> None:
    assert riegel_pace(4.0, 5.0, 10.0) == pytest.approx(4.0 * 2**0.06)
    assert parse_distances_km("5 km, 21 km") == [5.0, 21.0]
    assert parse_distances_km("50-70km") == [] and parse_distances_km(">42 km") == []
    assert level_code("Elite") == 3 and level_code("unknown") is None


def test_real_rbds_strides_join_and_harmonisation(shared_data: Path) -> None:
    """Stride subject 1 = RBDS001: harmonised curves agree with its Visual3D curves (right side)."""
    pop = load_stride_folder(shared_data / "population" / "rbds_strides")
    assert len(pop) == 23 and sum(r.n_strides() for r in pop.runners) == 791
    assert set(pop.describe()["sex"]) == {"M"}
    r1 = pop.runner("RBDS001")
    assert r1.pace_min_per_km == pytest.approx(3.7833, abs=1e-3) and r1.level == "Competitive"
    assert pop.runner("RBDS004").level == "Elite"
    v3d = pd.read_csv(shared_data / "mocap" / "fukuchi2017" / "RBDS001processed.txt", sep="\t")
    ref_cols = {"hip_flexion": "RhipAngZ25", "knee_flexion": "RkneeAngZ25", "ankle_dorsiflexion": "RankleAngZ25",
                "hip_adduction": "RhipAngX25", "hip_rotation": "RhipAngY25", "ankle_inversion": "RankleAngX25"}
    for angle, col in ref_cols.items():
        m = r1.curves[angle]["right"].mean(axis=0)
        ref = v3d[col].to_numpy()
        mc, rc = m - m.mean(), ref - ref.mean()
        assert np.corrcoef(m, ref)[0, 1] > 0.7, angle
        assert np.sqrt(np.mean((mc - rc) ** 2)) < 3.0, angle
        assert np.sqrt(np.mean((mc - rc) ** 2)) < np.sqrt(np.mean((-mc - rc) ** 2)), angle  # the flip is right


def test_performance_file_overrides_runners_tsv(tmp_path: Path) -> None:
    _write_folder(tmp_path / "f", {"Knee_Z": 20.0})
    perf = tmp_path / "perf.csv"
    perf.write_text("stride_subject,runner,race_time_s,race_distance_km,level\n1,ANA,2400,10,Competitive\n2,BEA,1500,5,Elite\n")
    pop = load_stride_folder(tmp_path / "f", performance=perf)
    assert pop.ids == ["ANA", "BEA"]
    assert pop.runner("ANA").pace_min_per_km == pytest.approx(4.0) and pop.runner("BEA").level == "Elite"
    assert pop.target("pace", riegel_km=10.0)[1] == pytest.approx(5.0 * 2**0.06)
    bad = tmp_path / "bad.csv"
    bad.write_text("who,pace\n1,4\n")
    with pytest.raises(InvalidInputError, match="stride_subject"):
        load_stride_folder(tmp_path / "f", performance=bad)

"""``stridelab skill fit`` / ``skill score`` end to end (real rbds_strides and SYNTHETIC folders)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _skill_toy import toy_population
from stridelab.cli.main import main
from stridelab.skill.stridefiles import load_stride_folder, write_stride_folder


def test_score_real_population_with_the_default_model(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scores.json"
    rc = main(["skill", "score", "--population", str(shared_data / "population" / "rbds_strides"), "--json", str(out),
               "--runner", "RBDS001", "--runner", "RBDS004", "--report", str(tmp_path / "r.html")])
    assert rc == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert doc["model"]["reference_population"] == "rbds_strides" and doc["model"]["synthetic"] is False
    assert [r["runner"] for r in doc["runners"]] == ["RBDS001", "RBDS004"]
    r = doc["runners"][0]
    assert set(r) >= {"runner", "skill_value", "groups", "associations", "warnings"}
    assert r["groups"]["arm action"] is None and r["groups"]["trunk"] is None and r["groups"]["rhythm"] is None
    assert 0 <= r["groups"]["knee"] <= 100
    html = (tmp_path / "r.html").read_text()
    assert "<svg" in html and "not a diagnosis" in html


@pytest.mark.slow
def test_fit_then_score_a_synthetic_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pop, _ = toy_population(n=60, seed=4)
    folder = write_stride_folder(pop, tmp_path / "synthetic_pop")
    back = load_stride_folder(folder)
    assert back.synthetic and back.ids == pop.ids
    model = tmp_path / "m.json"
    rc = main(["skill", "fit", "--population", str(folder), "--target", "pace", "--out", str(model), "--permutations", "5", "--repeats", "1"])
    assert rc == 0, capsys.readouterr().err
    assert "cross-validated r" in capsys.readouterr().out
    rc = main(["skill", "score", "--population", str(folder), "--model", str(model), "--json", str(tmp_path / "s.json")])
    assert rc == 0
    doc = json.loads((tmp_path / "s.json").read_text())
    assert len(doc["runners"]) == 60 and doc["model"]["synthetic"] is True


def test_score_trial_without_static_says_what_is_missing(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["skill", "score", str(example_dir / "RBDS001runT35.c3d"), "--json", str(tmp_path / "s.json")])
    err = capsys.readouterr().err
    assert rc == 3 and "static" in err and "knee_flexion" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "s.json").exists()


def test_score_real_trial_with_static_warns_about_speed(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    rc = main(["skill", "score", str(example_dir / "RBDS001runT35.c3d"), "--static", str(example_dir / "RBDS001static.c3d"), "--json", str(out)])
    assert rc == 0, capsys.readouterr().err
    r = json.loads(out.read_text())["runners"][0]
    assert r["runner"] == "RBDS001runT35" and 3.3 < r["speed_mps"] < 3.7
    assert any("differs from the model's 2.50 m/s" in w for w in r["warnings"])  # 3.5 m/s trial, 2.5 m/s model
    assert all(0 <= r["groups"][g] <= 100 for g in ("hip and pelvis", "knee", "ankle and foot"))


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["skill", "score", "--json", "x.json"], 2, "either a TRIAL or --population"),
        (["skill", "fit", "--population", "nope", "--out", "m.json"], 3, "not found"),
        (["skill", "fit", "--population", ".", "--out", "m.json", "--target", "speed"], 2, "pace or level"),
    ],
)
def test_usage_errors(args: list[str], code: int, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == code
    assert text in capsys.readouterr().err


def test_bad_model_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pop, _ = toy_population(n=12, seed=5)
    folder = write_stride_folder(pop, tmp_path / "p")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["skill", "score", "--population", str(folder), "--model", str(bad), "--json", "-"]) == 3
    assert "not valid JSON" in capsys.readouterr().err


def test_trial_at_another_speed_gets_no_grade_in_the_first_line(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    rc = main(["skill", "score", str(example_dir / "RBDS001runT35.c3d"), "--static", str(example_dir / "RBDS001static.c3d"),
               "--json", str(out), "--report", str(tmp_path / "r.html")])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    first = captured.out.splitlines()[0]
    assert first.startswith("RBDS001runT35: NO SKILL VALUE") and "outside the model's range" in first and "beat chance" in first
    assert "/100" not in captured.out
    r = json.loads(out.read_text())["runners"][0]
    assert r["valid"] is False and any("speed 3.4" in why or "speed 3.5" in why for why in r["reasons"])
    html = (tmp_path / "r.html").read_text()
    assert html.index("No skill value for 1 of 1") < html.index("Runner RBDS001runT35") and "/100</strong>" not in html


@pytest.mark.slow
def test_trial_scored_against_a_population_fitted_on_the_fly_and_cached(example_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("STRIDELAB_CACHE_DIR", str(tmp_path / "cache"))
    pop, _ = toy_population(n=30, seed=6)
    folder = write_stride_folder(pop, tmp_path / "synthetic_pop")  # SYNTHETIC reference population
    args = ["skill", "score", str(example_dir / "RBDS001runT35.c3d"), "--static", str(example_dir / "RBDS001static.c3d"),
            "--population", str(folder), "--permutations", "3", "--repeats", "1", "--json", str(tmp_path / "s.json")]
    assert main(args) == 0, capsys.readouterr().err
    assert "cached at" in capsys.readouterr().out
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["model"]["synthetic"] is True and doc["model"]["reference_population"] == "synthetic_pop"
    assert main(args) == 0
    assert "from the cache" in capsys.readouterr().out
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    assert main([*args, "--model", str(tmp_path / "m.json")]) == 2  # one reference only


def test_population_report_starts_with_an_overview(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["skill", "score", "--population", str(shared_data / "population" / "rbds_strides"), "--report", str(tmp_path / "r.html"),
               "--runner", "RBDS001", "--runner", "RBDS004", "--runner", "RBDS005"])
    out = capsys.readouterr().out
    assert rc == 0
    assert out.splitlines()[0].startswith("0 of 3 runners have a valid skill value")
    html = (tmp_path / "r.html").read_text()
    assert html.index("Overview") < html.index("Runner RBDS001") and "MDC95 (points)" in html

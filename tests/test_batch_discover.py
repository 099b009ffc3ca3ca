"""Discovery of trials and their static/force files by the labs' naming, and manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from stridelab.batch.discover import discover, read_manifest, safe_id
from stridelab.batch.hashes import HashMemo, hash_jobs
from stridelab.batch.jobs import BatchOptions, Job
from stridelab.errors import InvalidInputError, UsageError


def test_fukuchi_runners_pair_with_their_static_and_mass(shared_data: Path) -> None:
    d = discover([shared_data / "mocap" / "fukuchi2017_runners"])
    ids = {Path(j.trial).name: j for j in d.jobs}
    assert len(ids) == 27  # 19 runners at 3.5 m/s + 2.5/4.5 m/s of four of them
    assert all(n.endswith(".c3d") and "static" not in n for n in ids)
    for name, j in ids.items():
        runner = name.split("run")[0]
        assert j.runner == runner
        assert j.static is not None and Path(j.static).name == f"{runner}static.c3d"
        assert j.mass_kg is not None and 40 < j.mass_kg < 110
    assert ids["RBDS002runT35.c3d"].mass_kg == 80.0
    meta = d.meta[ids["RBDS002runT35.c3d"].trial_id]  # runner metadata for trials.tsv, not given to the analysis
    assert meta["sex"] == "M" and meta["level"] in ("competitive", "recreational", "elite") and 2.5 < float(str(meta["pace_min_per_km"])) < 8
    skipped = {Path(p).name for p in d.skipped}
    assert "participantInfo.csv" in skipped and "RBDS002runT35_ik.mot" in skipped  # metadata, IK results


def test_fukuchi_text_export_pairs_markers_with_forces(fukuchi: Path) -> None:
    d = discover([fukuchi])
    by = {Path(j.trial).name: j for j in d.jobs}
    assert set(by) == {"RBDS001runT25markers.txt", "RBDS001runT35.c3d"}
    t = by["RBDS001runT25markers.txt"]
    assert t.forces is not None and Path(t.forces).name == "RBDS001runT25forces.txt"
    assert t.static is not None and Path(t.static).name == "RBDS001static.c3d"
    assert by["RBDS001runT35.c3d"].forces is None


def test_other_labs_static_naming(shared_data: Path) -> None:
    d = discover([shared_data / "mocap" / "ric2024", shared_data / "mocap" / "dorn2012"])
    by = {Path(j.trial).name: j for j in d.jobs}
    assert Path(by["20140515T133244_run.c3d"].static or "").name == "20140515T133244_static.c3d"
    assert Path(by["JA1Gait21.c3d"].static or "").name == "JA1Static05.c3d"
    assert by["JA1Gait21.c3d"].runner == "JA1"


def test_manifest_rows_and_errors(tmp_path: Path) -> None:
    (tmp_path / "a.c3d").write_bytes(b"x")
    m = tmp_path / "m.csv"
    m.write_text("trial,static,forces,runner,mass_kg,speed_mps\na.c3d,,,R1,70,3.5\nmissing.c3d,,,R2,,\n")
    d = read_manifest(m)
    assert [j.runner for j in d.jobs] == ["R1", "R2"]
    assert d.jobs[0].mass_kg == 70.0 and d.jobs[0].speed_mps == 3.5 and d.jobs[1].mass_kg is None
    m.write_text("file,mass_kg\na.c3d,70\n")
    with pytest.raises(UsageError, match="'trial' column"):
        read_manifest(m)
    m.write_text("trial,mass_kg\na.c3d,heavy\n")
    with pytest.raises(InvalidInputError, match="line 2: mass_kg"):
        read_manifest(m)


def test_cache_key_follows_content_version_and_options(tmp_path: Path) -> None:
    f = tmp_path / "a.c3d"
    f.write_bytes(b"one")
    memo = HashMemo(tmp_path / "h.json")
    j = Job("a.c3d", str(f))
    hash_jobs([j], memo)
    k1 = j.key(BatchOptions())
    assert j.key(BatchOptions(events_from="markers")) != k1
    memo.save()
    memo2 = HashMemo(tmp_path / "h.json")
    hash_jobs([j], memo2)
    assert memo2.read == 0 and j.key(BatchOptions()) == k1  # unchanged file: not read again
    f.write_bytes(b"two!")
    hash_jobs([j], memo2)
    assert memo2.read == 1 and j.key(BatchOptions()) != k1


def test_trial_ids_stay_inside_the_output(tmp_path: Path) -> None:
    from stridelab.batch.tables import json_path

    assert safe_id("/data/lab/a.c3d") == "data/lab/a.c3d"
    assert safe_id("../../etc/a.c3d") == "__/__/etc/a.c3d"
    out = tmp_path / "out"
    for tid in ("a/b.c3d", "/abs/x.c3d", "../../x.c3d"):
        assert (out / "json").resolve() in json_path(out, tid).parents
    m = tmp_path / "m.csv"
    m.write_text(f"trial\n{tmp_path / 'run.c3d'}\n")
    assert read_manifest(m).jobs[0].trial_id == (tmp_path / "run.c3d").as_posix().lstrip("/")


def test_population_manifest_for_the_skill_model() -> None:
    import io

    import pandas as pd

    from stridelab.batch.tables import population_manifest

    rows = [
        {"trial_id": "a", "file": "/d/R1runT25.c3d", "static": "/d/R1static.c3d", "runner": "R1", "status": "ok", "speed_mps": 2.49,
         "given_mass_kg": 70.0, "runner_pace_min_per_km": 4.5, "runner_level": "competitive", "pace_min_per_km": 6.7},
        {"trial_id": "b", "file": "/d/R1runT35.c3d", "static": "/d/R1static.c3d", "runner": "R1", "status": "ok", "speed_mps": 3.52,
         "given_mass_kg": 70.0, "runner_pace_min_per_km": 4.5, "runner_level": "competitive", "pace_min_per_km": 4.7},
        {"trial_id": "c", "file": "/d/R2runT35.c3d", "runner": "R2", "status": "failed"},
    ]
    df = pd.read_csv(io.StringIO(population_manifest(rows)), sep="\t")
    assert df["runner"].tolist() == ["R1@2.5mps", "R1@3.5mps"]  # one runner id per speed; failed trials left out
    assert df["pace_min_per_km"].tolist() == [4.5, 4.5] and df["level"].tolist() == ["competitive"] * 2  # race pace, not running pace
    assert df["mass_kg"].tolist() == [70.0, 70.0] and "forces" not in df.columns

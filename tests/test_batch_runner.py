"""A local batch end to end: good and bad files, the outputs, the cache, the command line.

The good trials are SYNTHETIC (short windows of real Fukuchi C3D trials, labelled so); the bad ones
are real damaged files and a walk.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from _batch_helpers import assert_same_outputs, make_synthetic
from stridelab.batch.jobs import BatchOptions
from stridelab.batch.runner import run_batch


@pytest.fixture(scope="module")
def batch_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("batch_in")
    make_synthetic(shared_data, d, 2, duration_s=3.0)
    (d / "broken.c3d").write_bytes(b"\x02P" + b"\x00" * 600)  # a C3D header and nothing else
    shutil.copy(shared_data / "wearable" / "fit" / "garmin-fenix-5-walk.fit", d)
    shutil.copy(shared_data / "wearable" / "fit_bad" / "activity-unexpected-eof.fit", d)
    return d


def test_bad_files_are_recorded_and_the_rest_go_on(batch_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    s = run_batch([batch_dir], out, BatchOptions(), workers=2, progress=False)
    assert (s.n_trials, s.n_ok, s.n_failed, s.n_cached) == (5, 2, 3, 0)
    trials = pd.read_parquet(out / "trials.parquet")
    by = trials.set_index("trial_id")
    assert set(by.loc[by.status == "ok"].index) == {"SYN_RBDS002_00001runT35.c3d", "SYN_RBDS010_00002runT35.c3d"}
    assert by.loc["garmin-fenix-5-walk.fit", "error"] == "NotRunningError"
    assert "walking" in by.loc["garmin-fenix-5-walk.fit", "reason"]
    assert by.loc["broken.c3d", "reason"].startswith("broken.c3d")
    assert by["synthetic"].tolist() == [True] * 5  # the folder holds SYNTHETIC.txt
    assert (by["stridelab_version"] != "").all() and by["options"].str.contains("events_from").all()
    fails = pd.read_csv(out / "failures.csv")
    assert sorted(fails["trial_id"]) == ["activity-unexpected-eof.fit", "broken.c3d", "garmin-fenix-5-walk.fit"]
    assert fails["reason"].str.len().min() > 10
    doc = json.loads((out / "json" / "SYN_RBDS002_00001runT35.c3d.json").read_text())
    assert doc["provenance"]["parameters"] == {"events_from": "auto"}
    assert doc["batch"]["synthetic"] is True and doc["batch"]["runner"] == "SYN_RBDS002"
    assert str(doc["provenance"]["input"]["static"]).count("SYN_RBDS002static.c3d") == 1
    steps = pd.read_parquet(out / "steps.parquet")
    ok = steps[steps.trial_id == "SYN_RBDS002_00001runT35.c3d"]
    assert len(ok) == len(doc["steps"]) > 5
    assert ok["gct_ms"].tolist() == [r["gct_ms"] for r in doc["steps"]]
    cycles = pd.read_parquet(out / "cycles.parquet")
    knee = cycles[(cycles.trial_id == "SYN_RBDS002_00001runT35.c3d") & (cycles.curve == "knee_flexion") & (cycles.side == "left")]
    assert knee["mean"].tolist() == doc["angles"]["knee_flexion"]["left"]["mean"]
    tsv = pd.read_csv(out / "trials.tsv", sep="\t")
    assert sorted(tsv["runner"]) == ["SYN_RBDS002", "SYN_RBDS010"] and all(Path(f).is_file() for f in tsv["file"])

    again = tmp_path / "again"
    shutil.copytree(out, again)
    s2 = run_batch([batch_dir], again, BatchOptions(), workers=2, progress=False)
    assert (s2.n_cached, s2.n_analysed) == (5, 0)  # unchanged files: nothing analysed again
    assert_same_outputs(out, again)


def test_cli_one_line_errors(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("stridelab")
    r = subprocess.run([str(exe), "batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "input not found" in r.stderr
    r = subprocess.run([str(exe), "batch", str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "0"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("stridelab: error:")
    r = subprocess.run([str(exe), "batch", str(tmp_path), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 4 and "no recording found" in r.stderr


def test_results_hook_reads_a_batch_folder(batch_dir: Path, tmp_path: Path) -> None:
    from stridelab.batch.results import iter_results
    from stridelab.errors import InvalidInputError

    out = tmp_path / "out"
    run_batch([batch_dir], out, BatchOptions(), workers=1, progress=False)
    got = list(iter_results(out))
    assert [r["trial_id"] for r, _ in got] == ["SYN_RBDS002_00001runT35.c3d", "SYN_RBDS010_00002runT35.c3d"]
    assert all(d["summary"]["cadence_spm"] == r["cadence_spm"] for r, d in got)
    assert len(list(iter_results(out, status="failed"))) == 3
    with pytest.raises(InvalidInputError):
        next(iter_results(tmp_path))


@pytest.mark.slow
def test_a_trial_that_kills_its_worker_is_failed_and_the_rest_go_on(batch_dir: Path, tmp_path: Path) -> None:
    from _batch_helpers import crash_on_broken
    from stridelab.batch.discover import discover
    from stridelab.batch.executors import run_local
    from stridelab.batch.hashes import HashMemo, hash_jobs

    (tmp_path / "in").mkdir()
    for name in ("garmin-fenix-5-walk.fit", "activity-unexpected-eof.fit"):
        shutil.copy(batch_dir / name, tmp_path / "in" / name)
    shutil.copy(batch_dir / "garmin-fenix-5-walk.fit", tmp_path / "in" / "crash-run.fit")
    jobs = discover([tmp_path / "in"]).jobs
    hash_jobs(jobs, HashMemo(tmp_path / "h.json"))
    rows = {j.trial_id: r for j, r in run_local(jobs, BatchOptions(), str(tmp_path / "cache"), 2, fn=crash_on_broken)}
    assert set(rows) == {"crash-run.fit", "garmin-fenix-5-walk.fit", "activity-unexpected-eof.fit"}
    assert rows["crash-run.fit"]["error"] == "WorkerCrashed" and "crashed" in rows["crash-run.fit"]["reason"]
    assert rows["garmin-fenix-5-walk.fit"]["error"] == "NotRunningError"  # analysed normally after the crash
    assert not (tmp_path / "cache" / rows["crash-run.fit"]["key"]).exists()  # a crash is not cached

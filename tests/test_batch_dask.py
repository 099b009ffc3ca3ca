"""The same batch on a Dask LocalCluster and on a separately started scheduler and workers gives the
same outputs as local processes. The trials are SYNTHETIC (3-s windows of real Fukuchi C3D trials).

The workers are started as Dask starts them by default (daemonic processes): the C3D reader's
child process must work there too (see :mod:`stridelab.batch.worker`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from _batch_helpers import assert_same_outputs, make_synthetic
from stridelab.batch.jobs import BatchOptions
from stridelab.batch.runner import run_batch

pytest.importorskip("distributed")


def _nan_none(v: object) -> object:
    return None if isinstance(v, float) and v != v else v


@pytest.fixture(scope="module")
def local_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    src = tmp_path_factory.mktemp("dask_in")
    make_synthetic(shared_data, src, 4, duration_s=3.0)
    (src / "broken.c3d").write_bytes(b"\x02P" + b"\x00" * 600)
    out = tmp_path_factory.mktemp("dask_local")
    run_batch([src], out, BatchOptions(), workers=2, progress=False)
    return src, out


@pytest.mark.slow
def test_local_cluster_same_outputs(local_run: tuple[Path, Path], tmp_path: Path) -> None:
    from distributed import LocalCluster

    from stridelab.batch.discover import discover
    from stridelab.batch.executors import chunk_size, run_dask
    from stridelab.batch.hashes import HashMemo, hash_jobs

    src, ref = local_run
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        s = run_batch([src], tmp_path / "out", BatchOptions(), scheduler=cluster.scheduler_address, progress=False)
        jobs = discover([src]).jobs
        hash_jobs(jobs, HashMemo(tmp_path / "h.json"))
        chunked = {j.trial_id: r for j, r in run_dask(jobs, BatchOptions(), str(tmp_path / "cache3"), cluster.scheduler_address, chunk=3)}
    assert (s.n_ok, s.n_failed) == (4, 1)
    assert_same_outputs(ref, tmp_path / "out")
    rows = pd.read_parquet(ref / "trials.parquet").set_index("trial_id")
    assert set(chunked) == set(rows.index)  # 5 jobs in tasks of 3 and 2: every row back, same results
    for tid, r in chunked.items():
        assert (r["status"], r["key"], r.get("cadence_spm")) == (rows.loc[tid, "status"], rows.loc[tid, "key"], _nan_none(rows.loc[tid].get("cadence_spm")))
    assert chunk_size(5, 2) == 1 and chunk_size(100_000, 50) == 32 and chunk_size(3_200, 50) == 4


@pytest.mark.slow
def test_separate_scheduler_and_workers_same_outputs(local_run: tuple[Path, Path], tmp_path: Path) -> None:
    from distributed import Client

    src, ref = local_run
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip(f"the dask command is not installed beside {sys.executable}")
    sfile = tmp_path / "scheduler.json"
    sched = subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(sfile)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not sfile.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        worker = subprocess.Popen([str(dask), "worker", "--scheduler-file", str(sfile), "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                                   "--local-directory", str(tmp_path / "dw")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with Client(scheduler_file=str(sfile), timeout="60s") as c:
            c.wait_for_workers(2, timeout=120)
            address = c.scheduler.address
        s = run_batch([src], tmp_path / "out", BatchOptions(), scheduler=address, progress=False)
    finally:
        for p in (worker, sched):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
    assert (s.n_ok, s.n_failed) == (4, 1)
    assert_same_outputs(ref, tmp_path / "out")

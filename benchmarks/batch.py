"""Benchmark: ``stridelab batch`` throughput with 1 and 2 local workers and a 2-worker Dask cluster.

Trials: the real 30-s treadmill C3D files of the Fukuchi et al. (2017) runners at 3.5 m/s
(``../shared/data/mocap/fukuchi2017_runners/*runT35.c3d`` and RBDS001's, each with its static
trial and the mass from ``participantInfo.csv``), ``--n`` of them (default: all 20).

What is measured (wall time, and CPU time where it says so):

* ``in-process``: :func:`stridelab.io.read_trial` + :func:`stridelab.analysis.analyze` + the JSON
  of each trial, one after the other in this process (imports and one warm-up trial excluded):
  the per-trial cost of a single ``analyze``, and the one-core throughput;
* ``local 1`` / ``local 2``: :func:`stridelab.batch.runner.run_batch` with 1 and 2 worker
  processes into an empty output folder (no cache): trials/s over the analysis phase, the
  median per-trial wall and CPU time inside the workers (tables and JSON written included),
  and the time to gather the tables;
* ``dask 2``: the same on a ``distributed.LocalCluster`` of 2 worker processes, 1 thread each;
* ``cached re-run``: the same batch again over unchanged files (every result from the cache);
* ``scheduler overhead``: ``--tasks`` empty tasks through the Dask cluster (submit to result,
  per task), and the same through the batch's executor as cached jobs (``run_job`` on a cache hit);
* an estimate of 100,000 such trials on a 50-worker cluster from these figures (printed with the
  formula).

The machine is printed; on a shared machine, compare ratios and CPU times, not seconds.

Run: ``.venv/bin/python benchmarks/batch.py [--n 20] [--tasks 200]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _noop(x: int) -> int:
    return x


def machine() -> str:
    import distributed

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"dask.distributed {distributed.__version__}, load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")


def trials(n: int) -> Any:
    from stridelab.batch.discover import discover

    d = discover([SHARED / "mocap" / "fukuchi2017_runners", SHARED / "mocap" / "fukuchi2017"])
    jobs = [j for j in d.jobs if j.trial.endswith("runT35.c3d")]
    return jobs[:n]


def in_process(jobs: list[Any]) -> dict[str, Any]:
    import resource

    from stridelab.batch.jobs import BatchOptions
    from stridelab.batch.worker import analyse

    def cpu() -> float:  # as the batch worker counts it: this thread + finished children (the C3D parser)
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.thread_time() + ch.ru_utime + ch.ru_stime

    analyse(jobs[0], BatchOptions())  # warm-up: imports and first-call caches
    walls, cpus = [], []
    t0 = time.perf_counter()
    for j in jobs:
        w, c = time.perf_counter(), cpu()
        json.dumps(analyse(j, BatchOptions()))
        walls.append(time.perf_counter() - w)
        cpus.append(cpu() - c)
    total = time.perf_counter() - t0
    return {"trials_per_s": len(jobs) / total, "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
            "cpu_trials_per_s": 1.0 / statistics.median(cpus)}


def batch(jobs: list[Any], out: Path, workers: int | None = None, scheduler: str | None = None) -> dict[str, Any]:
    import pandas as pd

    from stridelab.batch.jobs import BatchOptions
    from stridelab.batch.runner import run_batch

    manifest = out.parent / f"{out.name}.csv"
    pd.DataFrame([{"trial": j.trial, "static": j.static, "runner": j.runner, "mass_kg": j.mass_kg} for j in jobs]).to_csv(manifest, index=False)
    s = run_batch([], out, BatchOptions(), workers=workers, scheduler=scheduler, manifest=manifest, progress=False)
    assert s.n_ok == len(jobs), pd.read_csv(out / "failures.csv").to_dict("records")
    t = pd.read_parquet(out / "trials.parquet")
    return {"trials_per_s": len(jobs) / s.analyse_s, "wall_s": float(t.elapsed_s.median()), "cpu_s": float(t.cpu_s.median()),
            "gather_s": s.gather_s, "gather_cpu_s": s.gather_cpu_s, "elapsed_s": s.elapsed_s, "manifest": manifest,
            "cpu_trials_per_s": 1.0 / float(t.cpu_s.median())}


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--tasks", type=int, default=200)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    from stridelab.batch.discover import read_manifest
    from stridelab.batch.hashes import HashMemo, hash_jobs
    from stridelab.batch.jobs import BatchOptions
    from stridelab.batch.worker import run_job

    jobs = trials(args.n)
    print(f"machine: {machine()}")
    print(f"trials: {len(jobs)} real 30-s treadmill C3D (Fukuchi 2017, 3.5 m/s) with static trial and mass")
    tmp = Path(tempfile.mkdtemp(prefix="stridelab-batch-bench-"))
    res: dict[str, dict[str, Any]] = {}
    try:
        res["in-process"] = in_process(jobs)
        res["local 1"] = batch(jobs, tmp / "l1", workers=1)
        res["local 2"] = batch(jobs, tmp / "l2", workers=2)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
            res["dask 2"] = batch(jobs, tmp / "d2", scheduler=cluster.scheduler_address)
            with Client(cluster.scheduler_address) as c:
                c.submit(_noop, -1).result()
                t0 = time.perf_counter()
                c.gather(c.map(_noop, range(args.tasks), pure=False))
                noop_ms = 1000 * (time.perf_counter() - t0) / args.tasks
                mjobs = read_manifest(res["dask 2"]["manifest"]).jobs
                hash_jobs(mjobs, HashMemo(tmp / "d2" / ".cache" / "hashes.json"))
                jd = [mjobs[i % len(mjobs)].to_dict() for i in range(args.tasks)]
                t0 = time.perf_counter()
                rows = c.gather(c.map(run_job, jd, [BatchOptions().to_dict()] * len(jd), [str(tmp / "d2" / ".cache")] * len(jd), pure=False))
                hit_ms = 1000 * (time.perf_counter() - t0) / len(jd)
                assert all(r["cached"] for r in rows)
        t0 = time.perf_counter()
        again = batch(jobs, tmp / "l2", workers=2)
        rerun_s = time.perf_counter() - t0
        in_mb = statistics.mean(sum(os.path.getsize(p) for p in j.inputs().values()) for j in jobs) / 1e6
        out_mb = du(tmp / "l2") / len(jobs) / 1e6
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = res["in-process"]
    print(f"{'':12s} {'trials/s':>9s} {'wall/trial':>11s} {'CPU/trial':>10s} {'vs in-process CPU':>18s} {'gather wall/CPU':>16s}")
    for k, r in res.items():
        g = f"{r['gather_s']:.2f}/{r['gather_cpu_s']:.2f} s" if "gather_s" in r else ""
        print(f"{k:12s} {r['trials_per_s']:9.3f} {r['wall_s']:9.2f} s {r['cpu_s']:8.2f} s {100 * (r['cpu_s'] / base['cpu_s'] - 1):+17.1f}% {g:>16s}")
    print("(CPU/trial: median CPU time of the thread that analyses one trial, its C3D parser child included)")
    print(f"speed-up 2 local workers over 1: {res['local 2']['trials_per_s'] / res['local 1']['trials_per_s']:.2f}x; "
          f"dask 2 over local 1: {res['dask 2']['trials_per_s'] / res['local 1']['trials_per_s']:.2f}x")
    print(f"cached re-run of {len(jobs)} trials (2 workers, every result from the cache): {rerun_s:.2f} s, "
          f"{again['gather_s']:.2f} s of it gathering the tables")
    print(f"scheduler overhead per task (2-worker LocalCluster): empty task {noop_ms:.2f} ms; batch job on a cache hit {hit_ms:.2f} ms")
    print(f"data per trial: {in_mb:.1f} MB read (trial + static), {out_mb:.2f} MB written (cache + tables + JSON)")
    cost = res["local 1"]["cpu_s"]
    n, w = 100_000, 50
    compute_h = n * cost / w / 3600
    from stridelab.batch.executors import chunk_size

    per_task = chunk_size(n, w)
    n_tasks = -(-n // per_task)
    sched_h = n_tasks * noop_ms / 1000 / 3600
    gather_h = n * (res["local 2"]["gather_cpu_s"] / len(jobs)) / 3600
    io_h = n * (in_mb + out_mb) / 1e3 / 3600
    print(f"estimate, {n:,} trials on {w} workers (one core each): compute {n:,} x {cost:.2f} s / {w} = {compute_h:.2f} h; "
          f"scheduler {n_tasks:,} tasks of {per_task} trials x {noop_ms:.2f} ms per task (the scheduler is one process) = {sched_h:.2f} h "
          f"({n * noop_ms / 1000 / 3600:.2f} h with one trial per task); "
          f"reading {n * in_mb / 1e6:.2f} TB and writing {n * out_mb / 1e6:.2f} TB over a shared file system at 1 GB/s = {io_h:.2f} h; "
          f"these overlap, so the analysis phase takes the largest, {max(compute_h, sched_h, io_h):.2f} h; then gathering the tables "
          f"{n:,} x {1000 * res['local 2']['gather_cpu_s'] / len(jobs):.1f} ms CPU = {gather_h:.2f} h in one process. "
          f"Total about {max(compute_h, sched_h, io_h) + gather_h:.1f} h.")


if __name__ == "__main__":
    main()

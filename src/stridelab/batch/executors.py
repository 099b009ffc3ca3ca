"""Run :func:`stridelab.batch.worker.run_job` over many jobs: local processes or a Dask cluster.

Both executors yield ``(job, row)`` as jobs finish and keep only a window of jobs in flight (a few
per worker), so that 100,000 jobs never sit in memory as futures at once.

- :func:`run_local`: a ``concurrent.futures.ProcessPoolExecutor`` with the ``spawn`` start method
  (no fork of a threaded parent) and one BLAS thread per process. If a worker process dies (a
  crash below Python), the jobs that were in flight are retried one at a time in a fresh process;
  the one that kills it again is recorded as failed with that reason and not cached.
- :func:`run_dask`: the same function submitted to a Dask ``distributed`` scheduler at an
  address, several jobs per task when there are many more jobs than worker threads (the scheduler
  spends a few milliseconds per task); the workers must see the input files and the output folder
  under the same paths (a shared file system). A job whose worker dies repeatedly (Dask's
  ``KilledWorker``) is recorded as failed and not cached.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import multiprocessing as mp
from collections.abc import Callable, Iterator
from typing import Any

from stridelab.batch.jobs import BatchOptions, Job
from stridelab.batch.worker import init_process, run_job, run_jobs

#: Jobs in flight per worker.
WINDOW_PER_WORKER = 4
#: Most jobs in one Dask task.
MAX_CHUNK = 32


def failed_row(job: Job, options: BatchOptions, reason: str, error: str) -> dict[str, Any]:
    """A failed row for a job whose worker could not report one (not cached)."""
    from stridelab.batch.worker import _base_row

    row = _base_row(job, options, job.key(options))
    row.update(reason=reason, error=error, cached=False, elapsed_s=None, cpu_s=None)
    return row


JobFn = Callable[[dict[str, Any], dict[str, Any], str], dict[str, Any]]


def _pool_run(jobs: list[Job], opts: dict[str, Any], cache_dir: str, workers: int, window: int, fn: JobFn) -> Iterator[tuple[Job, dict[str, Any] | None]]:
    """Run jobs in one pool; yield (job, row); when the pool breaks, (job, None) for each job in
    flight and (job, {"_pending": True}) for each job not started."""
    pending = list(reversed(jobs))
    ex = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=init_process)
    running: dict[cf.Future[dict[str, Any]], Job] = {}
    broken = False
    try:
        while (pending or running) and not broken:
            while pending and len(running) < window:
                j = pending.pop()
                running[ex.submit(fn, j.to_dict(), opts, cache_dir)] = j
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                j = running.pop(fut)
                try:
                    yield j, fut.result()
                except cf.process.BrokenProcessPool:
                    broken = True
                    running[fut] = j
                except Exception as e:  # noqa: BLE001 - the batch goes on
                    yield j, {"_error": f"could not store the result ({type(e).__name__}: {e})", "_type": type(e).__name__}
    finally:
        ex.shutdown(wait=not broken, cancel_futures=True)
    if broken:
        for j in running.values():
            yield j, None
        for j in reversed(pending):
            yield j, {"_pending": True}


def run_local(jobs: list[Job], options: BatchOptions, cache_dir: str, workers: int, fn: JobFn = run_job) -> Iterator[tuple[Job, dict[str, Any]]]:
    """Analyse ``jobs`` in ``workers`` local processes; yield each job with its row as it finishes.

    ``fn`` is the job function (:func:`~stridelab.batch.worker.run_job`; a module-level function
    with its signature, importable in a fresh process).

    When a worker process dies, the jobs that were in flight are run again one at a time in a
    fresh single process: the one that kills it again is recorded as failed (not cached); the
    others get their results.
    """
    opts = options.to_dict()
    workers = max(1, workers)
    todo = list(jobs)
    while todo:
        suspects: list[Job] = []
        rest: list[Job] = []
        for j, row in _pool_run(todo, opts, cache_dir, workers, workers * WINDOW_PER_WORKER, fn):
            if row is None:
                suspects.append(j)
            elif "_pending" in row:
                rest.append(j)
            else:
                yield j, _finish(j, options, row)
        todo = rest
        for s in suspects:  # isolate: one process, one job
            for j, row in _pool_run([s], opts, cache_dir, 1, 1, fn):
                if row is None:
                    yield j, failed_row(j, options, "the analysis process crashed (killed, or a fault below Python) while analysing this trial", "WorkerCrashed")
                else:
                    yield j, _finish(j, options, row)


def _finish(job: Job, options: BatchOptions, row: dict[str, Any]) -> dict[str, Any]:
    if "_error" in row:
        return failed_row(job, options, str(row["_error"]), str(row["_type"]))
    return row


def chunk_size(n_jobs: int, n_threads: int, cap: int = MAX_CHUNK) -> int:
    """Jobs per Dask task: 1 for small batches (load balance), up to ``cap`` when there are many
    more jobs than worker threads (fewer tasks for the scheduler, which costs a few ms per task)."""
    return max(1, min(cap, n_jobs // max(1, n_threads * 16)))


def run_dask(jobs: list[Job], options: BatchOptions, cache_dir: str, address: str, chunk: int | None = None) -> Iterator[tuple[Job, dict[str, Any]]]:
    """Analyse ``jobs`` on the Dask ``distributed`` scheduler at ``address`` (same worker function).

    Jobs go in tasks of ``chunk`` (default :func:`chunk_size`) jobs each (:func:`~stridelab.batch.worker.run_jobs`); a
    task that fails as a whole (its worker died) is split and its jobs retried one per task; a single
    job whose task fails is recorded as failed (not cached).
    """
    from distributed import Client, as_completed

    from stridelab.errors import InvalidInputError, UsageError

    opts = options.to_dict()
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as e:
        raise InvalidInputError(f"cannot connect to the Dask scheduler at {address} ({e}); start it with 'dask scheduler'") from None
    except ValueError as e:
        raise UsageError(f"--scheduler {address!r} is not a Dask scheduler address like tcp://host:8786 ({e})") from None
    try:
        n_threads = max(1, sum(client.nthreads().values()))
        size = chunk or chunk_size(len(jobs), n_threads)
        window = n_threads * WINDOW_PER_WORKER
        pending: list[list[Job]] = [jobs[i : i + size] for i in range(0, len(jobs), size)][::-1]
        futures: dict[Any, list[Job]] = {}

        def submit() -> Any:
            part = pending.pop()
            keys = [j.key(options) for j in part]
            name = keys[0] if len(keys) == 1 else hashlib.sha256("".join(keys).encode()).hexdigest()
            f = client.submit(run_jobs, [j.to_dict() for j in part], opts, cache_dir, key=f"stridelab-batch-{name}", pure=False)
            futures[f] = part
            return f

        ac = as_completed([submit() for _ in range(min(window, len(pending)))])
        for fut in ac:
            group = futures.pop(fut)
            try:
                rows = list(zip(group, fut.result(), strict=True))
            except Exception as e:  # noqa: BLE001 - KilledWorker, lost connection ...: the batch goes on
                if len(group) > 1:
                    pending.extend([j] for j in reversed(group))
                    rows = []
                else:
                    rows = [(group[0], failed_row(group[0], options, f"the Dask worker failed on this trial ({type(e).__name__}: {e})", type(e).__name__))]
            fut.release()
            while pending and len(futures) < window:
                ac.add(submit())
            yield from rows
    finally:
        client.close()


__all__ = ["chunk_size", "failed_row", "run_dask", "run_local"]

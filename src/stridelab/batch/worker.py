"""Analyse one trial of a batch and store its result in the cache (the one function every executor runs).

:func:`run_job` reads the trial (:func:`stridelab.io.read_trial`), analyses it
(:func:`stridelab.analysis.analyze`, the same pipeline as ``stridelab analyze``) and writes, in a
temporary folder renamed to ``CACHE/<key>`` when complete:

- ``result.json``: the JSON of ``stridelab analyze --json`` for the same file and options (its
  ``provenance.parameters`` hold the options given), plus a ``batch`` section (trial id, runner,
  cache key, options, how static/forces/mass were found);
- ``contacts.parquet``, ``steps.parquet``: the JSON's ``contacts`` and ``steps`` as tables;
- ``cycles.parquet``: the mean curves of ``angles``, ``moments``, ``powers`` and ``grf`` in long
  format (kind, plane, curve, side, point, pct, mean, sd, n);
- ``row.json``: the trial's row of ``trials.parquet`` (status, reason, summary metrics).

A trial that cannot be analysed (corrupt file, parser crash, no contacts, walking, a bug) gets a
``row.json`` with ``status = "failed"`` and the one-line reason; it never stops the batch.

Processes: one BLAS/OpenMP thread per worker process (:mod:`threadpoolctl`), so that N workers
use N cores. The C3D reader parses in a child process (``daemon=True``), which Python forbids
inside a *daemonic* process such as a Dask worker (``distributed.worker.daemon``, default True);
:func:`_children_allowed` lifts the flag of the current process for the duration of the job (the
reader always joins or kills its child before returning, so none outlives the job). Local workers
are ``concurrent.futures`` processes (not daemonic) and need no such step.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stridelab._version import __version__
from stridelab.batch.atomic import publish_dir, temp_dir, write_text
from stridelab.batch.jobs import BatchOptions, Job
from stridelab.jsontext import dumps_indent1

ROW_FILE = "row.json"
RESULT_FILE = "result.json"
TABLES = ("contacts", "steps", "cycles")
CURVE_KINDS = ("angles", "moments", "powers", "grf")
BLAS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS")

_limited = False
_daemon_lock = threading.Lock()
_daemon_users = 0


def init_process() -> None:
    """Once per worker process: one BLAS/OpenMP thread (env for libraries not loaded yet, threadpoolctl
    for loaded ones), and the pipeline imported (:func:`warm_up`)."""
    global _limited
    if _limited:
        return
    for v in BLAS_ENV:
        os.environ[v] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _limited = True
    warm_up()


def warm_up() -> None:
    """Import the pipeline once per process, so that the first trial's time is the trial's own."""
    import importlib

    from stridelab.analysis import EXTRA_STAGES
    from stridelab.io import READERS

    for target in ("stridelab.io.c3d_reader:", "stridelab.io.text:", *EXTRA_STAGES, "pyarrow.parquet:", "pandas:"):
        try:
            importlib.import_module(target.split(":")[0])
        except ImportError:  # an optional stage (e.g. video) without its packages: it says so when used
            pass
    assert READERS


@contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a Dask worker) start the C3D parser's child process during a job."""
    global _daemon_users
    proc: Any = mp.current_process()
    cfg = getattr(proc, "_config", None)
    if not isinstance(cfg, dict) or not cfg.get("daemon"):
        yield
        return
    with _daemon_lock:
        _daemon_users += 1
        cfg["daemon"] = False
    try:
        yield
    finally:
        with _daemon_lock:
            _daemon_users -= 1
            if _daemon_users == 0:
                cfg["daemon"] = True


def _cpu_s() -> float:
    """CPU seconds of the calling thread and of this process's finished children (the C3D parser
    runs in one): the job's own cost, also in a Dask worker whose other threads do its communication."""
    import resource

    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time() + ch.ru_utime + ch.ru_stime


def _num(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def curve_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The mean curves of an analysis JSON in long format (one row per curve point)."""
    rows: list[dict[str, Any]] = []
    for kind in CURVE_KINDS:
        sec = doc.get(kind)
        if not isinstance(sec, dict):
            continue
        plane = sec.get("plane")
        for curve, per_side in sec.items():
            if curve == "plane" or not isinstance(per_side, dict):
                continue
            for side, c in per_side.items():
                if not isinstance(c, dict) or not isinstance(c.get("mean"), list):
                    continue
                mean, sd = c["mean"], c.get("sd") or []
                n = c.get("n_strides", c.get("n_contacts"))
                last = max(len(mean) - 1, 1)
                for i, m in enumerate(mean):
                    rows.append({
                        "kind": kind, "plane": plane, "curve": curve, "side": side, "point": i, "pct": 100.0 * i / last,
                        "mean": m, "sd": sd[i] if i < len(sd) else None, "n": n,
                    })
    return rows


def _parameters(job: Job, options: BatchOptions) -> dict[str, Any]:
    given = {"events_from": options.events_from, "speed_mps": job.speed_mps, "mass_kg": job.mass_kg, "environment": options.environment}
    return {k: v for k, v in given.items() if v is not None}


def _base_row(job: Job, options: BatchOptions, key: str) -> dict[str, Any]:
    return {
        "trial_id": job.trial_id, "file": job.trial, "static": job.static, "forces": job.forces, "runner": job.runner,
        "status": "failed", "reason": None, "error": None, "key": key, "stridelab_version": __version__,
        "options": json.dumps(options.to_dict(), sort_keys=True),
        "parameters": json.dumps(_parameters(job, options), sort_keys=True),
        "sha256": job.hashes.get("trial"), "synthetic": job.synthetic, "given_mass_kg": job.mass_kg, "given_speed_mps": job.speed_mps,
    }


def analyse(job: Job, options: BatchOptions) -> dict[str, Any]:
    """The ``stridelab analyze`` JSON of one job (raises stridelab errors for bad input)."""
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.errors import InvalidInputError
    from stridelab.io import ReadOptions, read_trial

    for role, p in job.inputs().items():
        if not os.path.exists(p):
            raise InvalidInputError(f"{role} file not found: {p}")
    tr = read_trial(Path(job.trial), ReadOptions(static=Path(job.static) if job.static else None, forces=Path(job.forces) if job.forces else None))
    result = analyze(tr, AnalysisOptions(events_from=options.events_from, speed_mps=job.speed_mps, mass_kg=job.mass_kg, environment=options.environment))
    doc = result.to_json()
    doc["provenance"]["parameters"] = _parameters(job, options)
    return doc


def _write_tables(folder: Path, doc: dict[str, Any]) -> None:
    import pandas as pd

    tables = {"contacts": doc.get("contacts") or [], "steps": doc.get("steps") or [], "cycles": curve_rows(doc)}
    for name, recs in tables.items():
        df = pd.DataFrame.from_records(recs)
        df.to_parquet(folder / f"{name}.parquet", index=False)


def run_job(job_d: dict[str, Any], options_d: dict[str, Any], cache_dir: str) -> dict[str, Any]:
    """Analyse one job (``Job.to_dict()``) unless its result is cached; return its row.

    The same function runs in local worker processes and on Dask workers; it writes only below
    ``cache_dir`` (which must be visible to every worker), one folder per cache key.
    """
    init_process()
    job, options = Job.from_dict(job_d), BatchOptions(**options_d)
    key = job.key(options)
    cache = Path(cache_dir)
    final = cache / key
    if (final / ROW_FILE).is_file():
        row: dict[str, Any] = json.loads((final / ROW_FILE).read_text(encoding="utf-8"))
        row["cached"] = True
        return row
    row = _base_row(job, options, key)
    t0, c0 = time.perf_counter(), _cpu_s()
    doc: dict[str, Any] | None = None
    with warnings.catch_warnings(record=True) as caught, _children_allowed():
        warnings.simplefilter("always")
        try:
            doc = analyse(job, options)
        except MemoryError:
            row.update(reason="out of memory while analysing this trial", error="MemoryError")
        except Exception as e:  # noqa: BLE001 - one bad file must not stop the batch
            from stridelab.errors import StridelabError

            if isinstance(e, StridelabError):
                row.update(reason=e.message, error=type(e).__name__)
            else:
                row.update(reason=f"internal error ({type(e).__name__}: {e}); this is a bug, please report it with the input file", error=type(e).__name__)
    row["elapsed_s"] = time.perf_counter() - t0
    row["cpu_s"] = _cpu_s() - c0
    row["python_warnings"] = len(caught)
    tmp = temp_dir(cache)
    try:
        if doc is not None:
            doc["batch"] = {
                "trial_id": job.trial_id, "runner": job.runner, "synthetic": job.synthetic, "key": key, "stridelab_version": __version__,
                "options": options.to_dict(), "sources": job.sources, "hashes": job.hashes,
            }
            text = dumps_indent1(doc)  # json.dumps(doc, indent=1, allow_nan=False), faster
            _write_tables(tmp, doc)
            write_text(tmp / RESULT_FILE, text)
            tr = doc.get("trial", {})
            row.update(
                status="ok", format=doc["provenance"]["input"].get("format"), environment=tr.get("environment"),
                speed_source=tr.get("speed_source"), n_contacts=tr.get("n_contacts"), n_steps=tr.get("n_steps"),
                n_warnings=len(doc.get("warnings", [])),
            )
            for k, v in doc.get("summary", {}).items():
                if k not in row:
                    row[k] = _num(v)
        write_text(tmp / ROW_FILE, json.dumps(row, allow_nan=False, default=str))
        publish_dir(tmp, final)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    row["cached"] = False
    return row


def run_jobs(job_ds: list[dict[str, Any]], options_d: dict[str, Any], cache_dir: str) -> list[dict[str, Any]]:
    """:func:`run_job` over several jobs (one Dask task), rows in the same order."""
    return [run_job(j, options_d, cache_dir) for j in job_ds]


__all__ = ["ROW_FILE", "RESULT_FILE", "TABLES", "curve_rows", "init_process", "run_job", "run_jobs"]

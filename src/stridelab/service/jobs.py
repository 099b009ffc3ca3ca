"""Upload jobs: each job reads, analyses and stores its files in ONE child process with a wall-time
and an address-space limit (``RLIMIT_AS``), through :func:`stridelab.store.importer.import_recording`
(the work of ``stridelab import``). A parser that crashes, hangs or runs out of memory kills only
the child; the job then fails with one line. At most ``workers`` children run at once; the others wait.
C3D files are parsed by the io layer's own child process inside that child (:mod:`stridelab.io.c3d`).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_KEPT = 2000  # finished jobs kept in memory for GET /jobs/{id}


@dataclass
class Job:
    """One upload: its files (already on disk under their hash) and what became of them."""

    id: str
    user: str
    runner: str
    owner: str
    files: list[tuple[Path, str]]  # (stored path, display name)
    static: Path | None = None
    forces: Path | None = None
    mass_kg: float | None = None
    date: dt.date | None = None
    state: str = "queued"  # queued | running | done | failed
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def to_json(self) -> dict[str, Any]:
        return {"job": self.id, "state": self.state, "runner": self.runner, "n_files": len(self.files),
                "done_files": len(self.results), "results": self.results, "error": self.error}


def _child(conn: Any, db: str, job: dict[str, Any], memory_bytes: int) -> None:  # pragma: no cover - runs in the child
    import os
    import resource
    import warnings

    devnull = os.open(os.devnull, os.O_WRONLY)  # nothing of the child (parser noise, file contents) reaches the service's log
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    except (ValueError, OSError):
        pass
    try:
        from stridelab.errors import StridelabError
        from stridelab.store import Store
        from stridelab.store.importer import import_recording

        store = Store(db)
    except BaseException as e:  # noqa: BLE001 - e.g. no memory left to load the libraries
        conn.send({"fatal": f"the analysis process could not start within its limits ({type(e).__name__})"})
        conn.close()
        return
    for path, name in job["files"]:
        try:
            imp = import_recording(store, Path(path), job["runner"], owner=job["owner"], date=job["date"], static=job["static"],
                                   forces=job["forces"], mass_kg=job["mass_kg"], with_json=True)
            res = imp.result
            if imp.analysis is not None:
                imp.analysis["provenance"]["input"]["path"] = name  # never the server's path
            out = {"file": name, "status": imp.status, "date": imp.date.isoformat() if imp.date else None,
                   "source": res.source if res else None, "scores": imp.scores, "analysis": imp.analysis}
        except StridelabError as e:
            out = {"file": name, "status": "failed", "error": e.message}
        except MemoryError:
            out = {"file": name, "status": "failed", "error": "out of memory while analysing this file"}
        except Exception as e:  # noqa: BLE001 - one line per file, never a traceback
            out = {"file": name, "status": "failed", "error": f"internal error ({type(e).__name__}); please report this file"}
        conn.send(out)
    store.close()
    conn.send(None)
    conn.close()


class JobRunner:
    """Runs jobs in child processes, ``workers`` at a time, each within ``timeout_s`` and ``memory_bytes``."""

    def __init__(self, db_url: str, workers: int, timeout_s: float, memory_bytes: int, max_pending: int = 500) -> None:
        self.db_url = db_url
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes
        self.max_pending = max_pending
        self._slots = threading.Semaphore(workers)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ctx = mp.get_context("spawn")

    def submit(self, job: Job) -> Job:
        with self._lock:
            pending = sum(j.state in ("queued", "running") for j in self._jobs.values())
            if pending >= self.max_pending:
                raise OverflowError("too many uploads in progress; try again later")
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job,), daemon=True, name=f"job-{job.id[:6]}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        done = sorted((j for j in self._jobs.values() if j.finished is not None), key=lambda j: j.finished or 0.0)
        for j in done[: max(0, len(self._jobs) - MAX_KEPT)]:
            del self._jobs[j.id]

    def _run(self, job: Job) -> None:
        with self._slots:
            job.state = "running"
            try:
                self._run_child(job)
            except Exception as e:  # noqa: BLE001 - a job never kills the service
                job.error = f"internal error ({type(e).__name__})"
            job.state = "failed" if job.error or not any(r["status"] != "failed" for r in job.results) else "done"
            if job.state == "failed" and job.error is None:
                job.error = "; ".join(f"{r['file']}: {r.get('error')}" for r in job.results)
            job.finished = time.time()
            job.done.set()

    def _run_child(self, job: Job) -> None:
        parent, child = self._ctx.Pipe(duplex=False)
        spec = {"files": [(str(p), n) for p, n in job.files], "runner": job.runner, "owner": job.owner, "date": job.date,
                "static": job.static, "forces": job.forces, "mass_kg": job.mass_kg}
        proc = self._ctx.Process(target=_child, args=(child, self.db_url, spec, self.memory_bytes), daemon=True)
        proc.start()
        child.close()
        deadline = time.monotonic() + self.timeout_s
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    job.error = f"analysis took longer than {self.timeout_s:g} s and was stopped"
                    return
                if not parent.poll(min(left, 1.0)):
                    if not proc.is_alive() and not parent.poll(0):
                        job.error = _died(proc)
                        return
                    continue
                try:
                    msg = parent.recv()
                except EOFError:
                    job.error = _died(proc)
                    return
                if msg is None:
                    return
                if "fatal" in msg:
                    job.error = msg["fatal"]
                    return
                job.results.append(msg)
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            parent.close()


def _died(proc: Any) -> str:
    proc.join(5)
    return f"the analysis process ended unexpectedly (exit code {proc.exitcode}); the file may be corrupt or too large"


def new_job_id() -> str:
    return secrets.token_urlsafe(16)


__all__ = ["Job", "JobRunner", "new_job_id"]

"""``run_batch``: discover, hash, analyse what is not cached, gather the outputs.

Resumable: every finished trial is a complete cache folder (renamed into place when written), so
a batch killed at any moment restarts where it stopped; finished trials are not analysed again,
and half-written files are temporary names that the next run removes. Re-running over unchanged
files with unchanged options costs one ``stat`` per file plus the gathering of the tables.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stridelab._version import __version__
from stridelab.batch.atomic import clean_temporaries, write_text
from stridelab.batch.discover import Discovery, discover, read_list, read_manifest
from stridelab.batch.hashes import HashMemo, hash_jobs
from stridelab.batch.jobs import BatchOptions, Job
from stridelab.batch.progress import BatchProgress
from stridelab.batch.tables import assemble
from stridelab.batch.worker import ROW_FILE
from stridelab.errors import InvalidInputError, NoValidResultError, UsageError

CACHE_DIR = ".cache"


@dataclass
class BatchSummary:
    """What a batch did (also written to ``batch.json``)."""

    out: Path
    n_trials: int = 0
    n_ok: int = 0
    n_failed: int = 0
    n_cached: int = 0
    n_analysed: int = 0
    elapsed_s: float = 0.0
    analyse_s: float = 0.0
    gather_s: float = 0.0
    gather_cpu_s: float = 0.0
    skipped: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "out"}
        d["out"] = str(self.out)
        return d


def find_jobs(inputs: list[Path], manifest: Path | None = None, exclude: Path | None = None) -> Discovery:
    """Jobs of a manifest, or of the folders, files and list files (``.list``/``.lst``) given."""
    if manifest is not None:
        if inputs:
            raise UsageError("give either input folders/files or --manifest, not both")
        return read_manifest(manifest)
    expanded: list[Path] = []
    for p in inputs:
        if p.is_file() and p.suffix.lower() in (".list", ".lst"):
            expanded += read_list(p)
        else:
            expanded.append(p)
    if not expanded:
        raise UsageError("give an input folder, files, a .list file or --manifest")
    return discover(expanded, exclude=exclude)


def _require(modules: list[str]) -> None:
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(f"stridelab batch needs {', '.join(missing)}, which this installation lacks: pip install 'stridelab[batch]'")


def cached_row(cache: Path, key: str) -> dict[str, Any] | None:
    f = cache / key / ROW_FILE
    if not f.is_file():
        return None
    try:
        row: dict[str, Any] = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    row["cached"] = True
    return row


def run_batch(
    inputs: list[Path],
    out: Path,
    options: BatchOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    manifest: Path | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Analyse every trial of ``inputs`` (or ``manifest``) into the folder ``out``.

    ``workers``: local worker processes (default: the CPU count); ``scheduler``: the address of a
    Dask ``distributed`` scheduler (``tcp://host:8786``) to run the same worker function on
    instead. Returns the :class:`BatchSummary`; raises :class:`~stridelab.errors.NoValidResultError`
    when no trial was found.
    """
    t0 = time.perf_counter()
    _require(["pyarrow", "threadpoolctl"] + (["distributed"] if scheduler else []))
    options = options or BatchOptions()
    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"--out {out} is a file; give a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        cache = out / CACHE_DIR
        cache.mkdir(exist_ok=True)
    except OSError as e:
        raise InvalidInputError(f"cannot create the output folder {out} ({e.strerror})") from None
    for folder in (out, cache):
        clean_temporaries(folder)
    found = find_jobs(inputs, manifest, exclude=out)
    jobs = found.jobs
    if not jobs:
        raise NoValidResultError(f"no recording found in {', '.join(map(str, inputs)) if inputs else manifest}")
    memo = HashMemo(cache / "hashes.json")
    hash_jobs(jobs, memo)
    memo.save()
    summary = BatchSummary(out=out, n_trials=len(jobs), skipped=found.skipped)
    rows: dict[str, dict[str, Any]] = {}
    todo: list[Job] = []
    for j in jobs:
        r = cached_row(cache, j.key(options))
        if r is None:
            todo.append(j)
        else:
            rows[j.trial_id] = r
    summary.n_cached = len(rows)
    t1 = time.perf_counter()
    if todo:
        from stridelab.batch.executors import run_dask, run_local

        it = run_dask(todo, options, str(cache), scheduler) if scheduler else run_local(todo, options, str(cache), workers or os.cpu_count() or 1)
        with BatchProgress(len(jobs), enabled=progress) as bar:
            for _ in range(len(rows)):
                bar.advance(ok=True)
            for j, row in it:
                rows[j.trial_id] = row
                summary.n_analysed += 1
                bar.advance(ok=row.get("status") == "ok")
    summary.analyse_s = time.perf_counter() - t1
    ordered = [rows[j.trial_id] for j in jobs]
    summary.n_ok = sum(r.get("status") == "ok" for r in ordered)
    summary.n_failed = len(ordered) - summary.n_ok
    t2, c2 = time.perf_counter(), time.process_time()
    summary.outputs = {k: str(v) for k, v in assemble(out, cache, ordered, found.meta).items()}
    summary.gather_s, summary.gather_cpu_s = time.perf_counter() - t2, time.process_time() - c2
    summary.elapsed_s = time.perf_counter() - t0
    doc = {
        "stridelab_version": __version__, "options": options.to_dict(),
        "executor": {"scheduler": scheduler} if scheduler else {"local_workers": workers or os.cpu_count() or 1},
        "input": [str(p) for p in inputs] if manifest is None else {"manifest": str(manifest)},
        **summary.to_dict(),
    }
    write_text(out / "batch.json", json.dumps(doc, indent=1, default=str))
    return summary


__all__ = ["BatchSummary", "CACHE_DIR", "find_jobs", "run_batch"]

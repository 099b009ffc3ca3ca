"""Helpers of the batch tests: SYNTHETIC short trials derived from a real C3D, and output comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from stridelab.batch.tables import VOLATILE_COLUMNS


def make_synthetic(shared: Path, out: Path, n: int, duration_s: float = 4.0, seed: int = 3) -> Path:
    """``n`` SYNTHETIC C3D trials (``duration_s`` long) from two real Fukuchi runners; returns the manifest."""
    from stridelab.synth.trials import Source, Variation, synth_set

    d = shared / "mocap" / "fukuchi2017_runners"
    srcs = [Source(d / f"{r}runT35.c3d", d / f"{r}static.c3d", r, m) for r, m in (("RBDS002", 80.0), ("RBDS010", 64.75))]
    return synth_set(srcs, out, n, seed, Variation(duration_s=duration_s))


def crash_on_broken(job_d: dict[str, object], options_d: dict[str, object], cache_dir: str) -> dict[str, object]:
    """A job function that kills its own process (as a fault below Python would) on trials named
    ``*crash*``, and runs :func:`stridelab.batch.worker.run_job` on the others."""
    import os

    from stridelab.batch.worker import run_job

    if "crash" in str(job_d["trial"]):
        os._exit(70)
    return run_job(job_d, options_d, cache_dir)


def read_outputs(out: Path) -> dict[str, pd.DataFrame]:
    """The batch tables without the columns that differ from run to run."""
    tabs = {n: pd.read_parquet(out / f"{n}.parquet") for n in ("trials", "contacts", "steps", "cycles")}
    tabs["trials"] = tabs["trials"].drop(columns=[c for c in VOLATILE_COLUMNS if c in tabs["trials"].columns])
    tabs["failures"] = pd.read_csv(out / "failures.csv")
    return tabs


def json_docs(out: Path) -> dict[str, dict[str, object]]:
    return {str(p.relative_to(out / "json")): json.loads(p.read_text()) for p in sorted((out / "json").rglob("*.json"))}


def assert_same_outputs(a: Path, b: Path) -> None:
    ta, tb = read_outputs(a), read_outputs(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True, obj=name)
    assert json_docs(a) == json_docs(b)

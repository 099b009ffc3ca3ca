"""A batch killed midway resumes and ends with the same outputs as an uninterrupted run.

The trials are SYNTHETIC (4-s windows of real Fukuchi C3D trials with noise, labelled so).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _batch_helpers import assert_same_outputs, make_synthetic
from stridelab.batch.jobs import BatchOptions
from stridelab.batch.runner import run_batch


def _done(cache: Path) -> int:
    return sum(1 for p in cache.glob("*/row.json")) if cache.is_dir() else 0


@pytest.mark.slow
def test_kill_and_resume_equals_uninterrupted(shared_data: Path, tmp_path: Path) -> None:
    src = tmp_path / "syn"
    make_synthetic(shared_data, src, 6, duration_s=4.0)
    whole = tmp_path / "whole"
    run_batch([src], whole, BatchOptions(), workers=1, progress=False)

    out = tmp_path / "killed"
    exe = Path(sys.executable).with_name("stridelab")
    proc = subprocess.Popen([str(exe), "batch", str(src), "--out", str(out), "--workers", "1", "-q"], start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while _done(out / ".cache") < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    n_before = _done(out / ".cache")
    assert 2 <= n_before < 6
    assert not (out / "trials.parquet").exists()  # nothing gathered yet, nothing half-written under a final name

    s = run_batch([src], out, BatchOptions(), workers=1, progress=False)
    assert s.n_cached == n_before and s.n_analysed == 6 - n_before  # finished work is not redone
    assert not [p for p in out.rglob(".tmp-*")]
    assert_same_outputs(whole, out)

"""Readers in a child with memory and time limits (stridelab.io.sandbox)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from stridelab.errors import InvalidInputError, NotRunningError
from stridelab.io import sandbox
from stridelab.io.sandbox import run_limited


def _ok(n: int) -> np.ndarray:
    return np.arange(n, dtype=float)


def _alloc() -> None:
    blocks = []
    while True:
        blocks.append(np.ones(50_000_000))  # 400 MB each, until the limit stops it


def _sleep() -> None:
    time.sleep(60)


def _refuse() -> None:
    raise NotRunningError("a walk")


def _bug() -> None:
    raise IndexError("list index out of range")


@pytest.mark.skipif(not sandbox.enabled(), reason="no os.fork here (or STRIDELAB_CHILD_PARSE=0)")
def test_results_errors_memory_and_time(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_limited(_ok, 5, name="x").tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(NotRunningError, match="a walk"):
        run_limited(_refuse, name="x")
    with pytest.raises(InvalidInputError, match=r"x\.txt: cannot be read \(IndexError"):
        run_limited(_bug, name="x.txt")
    monkeypatch.setenv("STRIDELAB_PARSE_MEMORY_MB", "300")
    with pytest.raises(InvalidInputError, match="more than"):
        run_limited(_alloc, name="big.txt")
    monkeypatch.setenv("STRIDELAB_PARSE_TIMEOUT_S", "1")
    t0 = time.monotonic()
    with pytest.raises(InvalidInputError, match="did not finish in 1 s"):
        run_limited(_sleep, name="slow.txt")
    assert time.monotonic() - t0 < 10


def test_in_process_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIDELAB_CHILD_PARSE", "0")
    assert not sandbox.enabled()
    with pytest.raises(IndexError):
        run_limited(_bug, name="x")


def _nap_then(n: int) -> np.ndarray:
    time.sleep(0.8)
    return np.arange(n, dtype=float)


def test_started_child_works_while_the_caller_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """start_limited returns at once (the video pipeline loads its model meanwhile); result() and
    cancel() reap the child; errors come back as from run_limited."""
    import os

    t0 = time.monotonic()
    job = sandbox.start_limited(_nap_then, 4, name="x.bin")
    assert time.monotonic() - t0 < 0.5
    assert np.array_equal(job.result(), np.arange(4.0))
    assert time.monotonic() - t0 >= 0.8
    job = sandbox.start_limited(_sleep, name="x.bin")
    assert isinstance(job, sandbox.Pending)
    job.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(job.pid, os.WNOHANG)  # killed and reaped, not a zombie
    with pytest.raises(NotRunningError, match="a walk"):
        sandbox.start_limited(_refuse, name="x.bin").result()
    monkeypatch.setenv("STRIDELAB_CHILD_PARSE", "0")
    assert np.array_equal(sandbox.start_limited(_ok, 3, name="x.bin").result(), np.arange(3.0))

"""The C3D child process: a static trial parsed in the running trial's child, and its errors
still reported for the right file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import stridelab.io.c3d as c3d
from stridelab.errors import InvalidInputError
from stridelab.io import read_trial


def test_static_parsed_in_the_same_child_equals_its_own_parse(example_dir: Path) -> None:
    run, static = example_dir / "RBDS001runT35.c3d", example_dir / "RBDS001static.c3d"
    alone = c3d.parse_c3d(static)
    c3d.parse_c3d(run, also=static)
    assert len(c3d._preparsed()) == 1
    ahead = c3d.parse_c3d(static)  # handed out once, without a second child
    assert not c3d._preparsed()
    assert ahead.keys() == alone.keys()
    assert np.array_equal(ahead["positions"], alone["positions"], equal_nan=True)
    assert ahead["labels"] == alone["labels"] and ahead["first_frame0"] == alone["first_frame0"]


def test_read_trial_with_static_uses_one_child(example_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    real = c3d._start

    def start(paths: list[str], conn: Any, memory: int) -> Any:
        started.append(list(paths))
        return real(paths, conn, memory)

    monkeypatch.setattr(c3d, "_start", start)
    t = read_trial(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    assert t.static is not None and t.static.n_frames == 150
    assert [[Path(p).name for p in args] for args in started] == [["RBDS001runT35.c3d", "RBDS001static.c3d"]]


@pytest.mark.parametrize("keep", [5000, 100_000])
def test_damaged_static_is_reported_for_the_static(example_dir: Path, tmp_path: Path, keep: int) -> None:
    bad = tmp_path / "cut_static.c3d"
    bad.write_bytes((example_dir / "RBDS001static.c3d").read_bytes()[:keep])
    with pytest.raises(InvalidInputError, match="cut_static.c3d") as e:
        read_trial(example_dir / "RBDS001runT35.c3d", static=bad)
    assert "truncated" in str(e.value) or "not a valid C3D" in str(e.value)
    assert not c3d._preparsed()


def _frames_in_worker(path: str) -> tuple[int, bool]:
    import multiprocessing

    t = read_trial(path)
    assert t.markers is not None
    return t.markers.n_frames, multiprocessing.current_process().daemon


def test_c3d_reads_inside_daemonic_pool_workers(example_dir: Path) -> None:
    """multiprocessing.Pool workers are daemonic: multiprocessing refuses them children, the fork works."""
    import multiprocessing

    path = str(example_dir / "RBDS001static.c3d")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        got = pool.map(_frames_in_worker, [path, path])
    assert got == [(150, True), (150, True)]


def test_forked_child_exit_codes_are_reaped() -> None:
    """The forked child's exit code (1 when its target returns without os._exit) and a kill (-9)."""
    import os

    proc = c3d._ForkedChild(os.getpid, ())
    proc.join(5)
    assert proc.exitcode == 1 and not proc.is_alive()
    killed = c3d._ForkedChild(__import__("time").sleep, (30,))
    killed.kill()
    killed.join(5)
    assert killed.exitcode == -9


@pytest.mark.slow
def test_c3d_reads_inside_dask_process_workers(example_dir: Path) -> None:
    """Dask's worker processes are daemonic too (distributed.worker.daemon); the forked parse works there."""
    distributed = pytest.importorskip("distributed")
    path = str(example_dir / "RBDS001static.c3d")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = client.gather(client.map(_frames_in_worker, [path, path], pure=False))
    assert [g[0] for g in got] == [150, 150] and all(g[1] for g in got)

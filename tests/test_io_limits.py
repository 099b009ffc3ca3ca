"""Limits before work (stridelab.io.limits): non-regular files refused unopened, size caps with
their override, bounded sniffing, capped counts."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from stridelab.errors import InvalidInputError, UsageError
from stridelab.io import detect_format
from stridelab.io.limits import check_count, check_input_path, check_samples, first_line, head_text


def test_fifo_device_and_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "run.fit"
    os.mkfifo(fifo)
    signal.alarm(10)  # opening a FIFO for reading would block forever
    try:
        for p in (fifo, tmp_path / "x.txt"):
            if p != fifo:
                os.mkfifo(p)
            with pytest.raises(InvalidInputError, match="FIFO"):
                detect_format(p)
        with pytest.raises(InvalidInputError, match="device"):
            check_input_path("/dev/zero")
        with pytest.raises(InvalidInputError, match="folder"):
            check_input_path(tmp_path)
        assert check_input_path(tmp_path, allow_dir=True)
    finally:
        signal.alarm(0)


def test_size_cap_and_its_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * 5000)
    check_input_path(p)
    monkeypatch.setenv("STRIDELAB_MAX_INPUT_MB", "0.001")
    with pytest.raises(InvalidInputError, match="STRIDELAB_MAX_INPUT_MB"):
        check_input_path(p)
    monkeypatch.setenv("STRIDELAB_MAX_INPUT_MB", "lots")
    with pytest.raises(UsageError, match="not a number"):
        check_input_path(p)
    monkeypatch.setenv("STRIDELAB_MAX_SAMPLES", "1000")
    with pytest.raises(InvalidInputError, match="STRIDELAB_MAX_SAMPLES"):
        check_samples(100, 20, "x.c3d")


def test_sniffing_reads_a_bounded_head(tmp_path: Path) -> None:
    p = tmp_path / "one_line.txt"
    p.write_text("a\t" * 1_000_000)  # 2 MB, no newline
    assert len(first_line(p)) == 65536
    assert len(head_text(p, 100)) == 100
    with pytest.raises(InvalidInputError):
        detect_format(tmp_path / "one_line.xyz")


def test_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    check_count("--permutations", 99, cap=999)
    with pytest.raises(UsageError, match="above the limit of 999"):
        check_count("--permutations", 10**9, cap=999)
    with pytest.raises(UsageError, match="1 or more"):
        check_count("--repeats", 0, 1)
    monkeypatch.setenv("STRIDELAB_MAX_COUNT", "1000000000")
    check_count("--permutations", 10**9, cap=999)

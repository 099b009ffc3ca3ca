"""The C3D memory budget: frames x channels from the raw header, refused before the parser allocates."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

import stridelab.io.c3d as c3d
import stridelab.io.c3d_budget as c3d_budget
from stridelab.errors import InvalidInputError
from stridelab.io.c3d_budget import (
    BYTES_PER_POINT_SAMPLE,
    c3d_samples,
    check_c3d_budget,
    child_allowance_bytes,
    memory_budget_bytes,
)


def test_real_trial_counts_match_the_parse(example_dir: Path) -> None:
    p = example_dir / "RBDS001runT35.c3d"
    s = c3d_samples(p)
    out = c3d.parse_c3d(p)
    assert s is not None
    assert s.frames == out["positions"].shape[0] and s.points == out["positions"].shape[1]
    # 2 analog samples per frame for each of the plate's channels
    assert s.analogs_per_frame == out["analogs"].shape[1] * round(out["analog_rate_hz"] / out["rate_hz"])
    assert s.estimate_bytes < 50e6 and s.address_space_bytes < child_allowance_bytes()


def test_header_announcing_more_frames_than_the_file_holds_is_bounded(example_dir: Path, tmp_path: Path) -> None:
    p = tmp_path / "lying.c3d"
    shutil.copyfile(example_dir / "RBDS001runT35.c3d", p)
    real = c3d_samples(p)
    assert real is not None
    with open(p, "r+b") as fh:  # markers 33 -> 60000: the file holds far fewer frames of that width
        fh.seek(2)
        fh.write(struct.pack("<H", 60000))
    s = c3d_samples(p)
    assert s is not None and s.points == 60000
    assert s.frames * s.points * 8 <= p.stat().st_size  # never more samples than the bytes can store
    assert s.estimate_bytes <= BYTES_PER_POINT_SAMPLE * p.stat().st_size / 8 + 1


def test_too_large_refused_before_the_child(example_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIDELAB_C3D_MEMORY_MB", "50")
    monkeypatch.setattr(c3d_budget, "MIN_CHILD_BYTES", 1 << 20)
    started: list[object] = []
    monkeypatch.setattr(c3d, "_start", lambda *a: started.append(a))
    with pytest.raises(InvalidInputError, match=r"4500 frames x \(32 markers.*STRIDELAB_C3D_MEMORY_MB") as e:
        c3d.parse_c3d(example_dir / "RBDS001runT35.c3d")
    assert "\n" not in str(e.value) and started == []


def test_check_budget_and_env(example_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = example_dir / "RBDS001runT35.c3d"
    size = p.stat().st_size
    assert check_c3d_budget(p, size, 1 << 30) is not None
    with pytest.raises(InvalidInputError):
        check_c3d_budget(p, size, 10 << 20)
    monkeypatch.setenv("STRIDELAB_C3D_MEMORY_MB", "2000")
    assert memory_budget_bytes() == 2_000_000_000
    monkeypatch.setenv("STRIDELAB_C3D_MEMORY_MB", "lots")
    with pytest.raises(Exception, match="not a number"):
        memory_budget_bytes()


def test_not_a_c3d_header(tmp_path: Path) -> None:
    p = tmp_path / "x.c3d"
    p.write_bytes(b"\0" * 600)
    assert c3d_samples(p) is None

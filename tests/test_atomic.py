"""Atomic outputs (stridelab.atomic): complete under the final name, or nothing changed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from stridelab.atomic import TMP_PREFIX, atomic_open, atomic_path, write_bytes, write_text


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TMP_PREFIX)]


def test_write_text_creates_folder_and_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "result.json"
    assert write_text(out, "{}\n") == out
    assert out.read_text() == "{}\n"
    assert _leftovers(out.parent) == []


def test_failure_leaves_old_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "steps.csv"
    out.write_text("old complete output\n")
    with pytest.raises(RuntimeError), atomic_open(out, "w", encoding="utf-8") as fh:
        fh.write("half of the new")
        raise RuntimeError("the writer failed half-way")
    assert out.read_text() == "old complete output\n"
    assert _leftovers(tmp_path) == []


def test_failure_leaves_no_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with pytest.raises(KeyboardInterrupt), atomic_path(out) as tmp:
        tmp.write_bytes(b"")
        raise KeyboardInterrupt
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_temporary_name_is_beside_with_same_suffix(tmp_path: Path) -> None:
    out = tmp_path / "annotated.webm"
    with atomic_path(out) as tmp:
        assert tmp.parent == out.parent and tmp.suffix == ".webm" and tmp != out
        assert not out.exists()  # the final name appears only at the end
        tmp.write_bytes(b"x")
    assert out.read_bytes() == b"x"


def test_long_name_temporary_fits(tmp_path: Path) -> None:
    out = tmp_path / ("n" * 240 + ".json")
    write_text(out, "1")
    assert out.read_text() == "1"


def test_permissions_like_open_and_kept_on_replace(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        out = tmp_path / "a.txt"
        write_text(out, "1")
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o600)
        write_bytes(out, b"2")
        assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_bytes() == b"2"
    finally:
        os.umask(mask)


def test_dev_null_written_in_place() -> None:
    write_text(os.devnull, "discarded")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_nothing_written_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with atomic_path(out) as tmp:
        tmp.unlink()
    assert not out.exists() and _leftovers(tmp_path) == []


def test_append_mode_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError), atomic_open(tmp_path / "a", "a"):
        pass

"""The shared output-path guard (stridelab.cli.paths): no command writes over a file it reads.

Inputs here are small placeholder files in a temporary folder: the guard runs before any input is
read, so their content does not matter, and a failure of the guard could only damage the copies.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stridelab.cli.main import main
from stridelab.cli.paths import guard_outputs, register_output
from stridelab.errors import UsageError


def run(args: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def inp(tmp_path: Path) -> Path:
    p = tmp_path / "run.txt"
    p.write_text("input\n")
    return p


def test_same_path_symlink_and_hard_link_are_refused(tmp_path: Path, inp: Path) -> None:
    with pytest.raises(UsageError, match="is an input file"):
        guard_outputs({"--json": inp}, [inp])
    link = tmp_path / "link.json"
    link.symlink_to(inp)
    with pytest.raises(UsageError, match="is an input file"):
        guard_outputs({"--json": link}, [inp])
    hard = tmp_path / "hard.json"
    os.link(inp, hard)
    with pytest.raises(UsageError, match="is an input file"):
        guard_outputs({"--json": hard}, [inp])
    # the input given through a symlink, the output as the real file
    with pytest.raises(UsageError, match="is an input file"):
        guard_outputs({"--csv": inp}, [link])
    guard_outputs({"--json": tmp_path / "new.json"}, [inp])  # a fresh path is fine


def test_rewritten_name_and_input_folders(tmp_path: Path) -> None:
    video = tmp_path / "run.webm"
    video.write_bytes(b"\x1a\x45\xdf\xa3")
    with pytest.raises(UsageError, match=r"written as run\.webm"):
        guard_outputs({"--video-out": tmp_path / "run.mp4"}, [video])
    pop = tmp_path / "pop"
    pop.mkdir()
    (pop / "metadata.tsv").write_text("x\n")
    for out in (pop / "metadata.tsv", pop / "new.json", pop / "sub" / "x.json"):
        with pytest.raises(UsageError, match="inside the input folder"):
            guard_outputs({"--json": out}, [pop])
    register_output("--test-side", "x.html", lambda p: [p, p.with_suffix(".pdf")])
    (tmp_path / "r.pdf").write_text("in")
    with pytest.raises(UsageError, match="is an input file"):
        guard_outputs({"--test-side": tmp_path / "r.html"}, [tmp_path / "r.pdf"])


def test_unwritable_outputs_are_refused_before_work(tmp_path: Path, inp: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        guard_outputs({"--json": tmp_path}, [inp])
    with pytest.raises(UsageError, match="longer than the file system allows"):
        guard_outputs({"--json": tmp_path / ("x" * 300 + ".json")}, [inp])
    with pytest.raises(UsageError, match="is not a folder"):
        guard_outputs({"--json": inp / "out.json"}, [])
    with pytest.raises(UsageError, match="both write"):
        guard_outputs({"--json": tmp_path / "a", "--csv": tmp_path / "a"}, [inp])
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        guard_outputs({"--json": fifo}, [inp])
    guard_outputs({"--json": Path(os.devnull), "--csv": "-"}, [inp])
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(UsageError, match="no permission"):
                guard_outputs({"--json": ro / "x.json"}, [inp])
        finally:
            ro.chmod(0o700)


def _unchanged(p: Path, before: bytes) -> None:
    assert p.read_bytes() == before


@pytest.mark.parametrize(
    "make_args",
    [
        lambda d: ["analyze", d / "run.webm", "--video-out", d / "run.mp4"],
        lambda d: ["analyze", d / "run.webm", "--video-out", d / "run.webm"],
        lambda d: ["skill", "score", "--population", d / "pop", "--json", d / "pop" / "metadata.tsv"],
        lambda d: ["skill", "score", "--population", d / "pop", "--report", d / "pop" / "g01s01t01.txt"],
        lambda d: ["skill", "fit", "--population", d / "pop", "--out", d / "pop" / "runners.tsv"],
        lambda d: ["skill", "score", d / "T.c3d", "--json", d / "T.c3d"],
        lambda d: ["synth", "imu", d / "T.c3d", "--out", d / "imu.csv", "--truth", d / "T.c3d"],
        lambda d: ["synth", "imu", d / "markers.csv", "--out", d / "markers.csv"],
        lambda d: ["synth", "imu", d / "T.c3d", "--static", d / "S.c3d", "--out", d / "imu.csv", "--truth", d / "S.c3d"],
    ],
)
def test_no_command_writes_over_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_args: object) -> None:
    d = tmp_path
    (d / "pop").mkdir()
    files = [d / "run.webm", d / "pop" / "metadata.tsv", d / "pop" / "g01s01t01.txt", d / "pop" / "runners.tsv", d / "T.c3d", d / "S.c3d", d / "markers.csv"]
    for f in files:
        f.write_bytes(b"original " + f.name.encode())
    before = {f: f.read_bytes() for f in files}
    args = make_args(d)  # type: ignore[operator]
    code, _, err = run(args, capsys)
    assert code == 2, err
    assert err.startswith("stridelab: error:") and err.count("\n") == 1
    assert "input" in err
    for f in files:
        _unchanged(f, before[f])


def test_skill_output_folder_is_refused_before_fitting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pop").mkdir()
    code, _, err = run(["skill", "fit", "--population", tmp_path / "pop", "--out", tmp_path], capsys)
    assert code == 2 and "is a folder" in err


def test_numbers_a_damaged_input_makes_impossible_are_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A ValueError deep in the computation (here injected) ends with exit code 4 and one line, not
    "internal error"; a TypeError stays a bug."""
    import stridelab.cli.main as m

    @m.handle_errors
    def boom(exc: BaseException) -> None:
        raise exc

    monkeypatch.delenv("STRIDELAB_DEBUG", raising=False)
    with pytest.raises(m.typer.Exit) as e:
        boom(ValueError("zero-size array\nto reduction"))
    err = capsys.readouterr().err
    assert e.value.exit_code == 4 and err.count("\n") == 1 and "internal error" not in err and "damaged" in err
    with pytest.raises(m.typer.Exit) as e:
        boom(TypeError("unsupported operand"))
    assert e.value.exit_code == 1 and "internal error" in capsys.readouterr().err

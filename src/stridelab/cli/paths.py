"""One output-path guard for every output option of every command.

:func:`guard_outputs` runs before any work is done (so an hour-long analysis never fails at the end
on a bad ``--json`` path) and refuses, with one line (:class:`~stridelab.errors.UsageError`, exit
code 2):

* an output that is, or would write over, a file the command reads: same resolved path (symlinks
  followed), same device and inode (hard links), the path a writer really uses after rewriting the
  name (``--video-out run.mp4`` is written as ``run.webm``), or a path inside an input folder (a
  population folder, an OpenPose folder: every file there is an input);
* two outputs of one command that write the same file;
* a folder, a device, FIFO or socket (only ``/dev/null`` is accepted), a name longer than the file
  system allows, a path that cannot be created or written (no permission, a file where a folder
  should be).

Commands call it with a line::

    guard_outputs({"--json": json_out, "--report": report_out}, [trial, static, forces])

A writer that changes the name it is given, or writes files beside it, registers that in
:data:`OUTPUTS` (:func:`register_output`) so that the guard checks the paths really written.
``'-'`` is standard output and is never checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stridelab.errors import UsageError


@dataclass(frozen=True)
class OutputKind:
    """How an output option writes: an example file name (for messages) and the paths it really
    writes for a given path (the path itself, a rewritten name, side files)."""

    example: str = "out"
    written: Callable[[Path], list[Path]] = field(default=lambda p: [p])


def _webm(p: Path) -> list[Path]:
    return [p, p if p.suffix.lower() == ".webm" else p.with_suffix(".webm")]


#: option -> how it writes. Options not listed write exactly the path given.
OUTPUTS: dict[str, OutputKind] = {
    "--json": OutputKind("result.json"),
    "--csv": OutputKind("steps.csv"),
    "--report": OutputKind("report.html"),
    "--video-out": OutputKind("annotated.webm", _webm),
    "--out": OutputKind("out.csv"),
    "--truth": OutputKind("contacts.csv"),
}


def register_output(option: str, example: str = "out", written: Callable[[Path], list[Path]] | None = None) -> None:
    """Declare an output option (its example name, and the paths it writes when not just the one given)."""
    OUTPUTS[option] = OutputKind(example, written or (lambda p: [p]))


#: Longest path the guard accepts when the system does not say (Linux PATH_MAX).
PATH_MAX = 4096


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def _existing_ancestor(p: Path) -> Path:
    parent = p.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    return parent


def _stat(p: Path) -> os.stat_result | None:
    try:
        return os.stat(p)
    except (OSError, ValueError):
        return None


def _inside(p: Path, folder: Path) -> bool:
    try:
        return p.is_relative_to(folder)
    except ValueError:
        return False


def _resolve(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise UsageError(f"{p}: a symbolic-link loop; choose another output path") from None


def _check_name(option: str, p: Path) -> None:
    if len(os.fsencode(str(p.absolute()))) >= PATH_MAX:
        raise UsageError(f"{option}: the path is longer than the system allows ({PATH_MAX} bytes); choose a shorter path")
    limit = _name_max(_existing_ancestor(p))
    for part in p.parts:
        if len(os.fsencode(part)) > limit:
            raise UsageError(
                f"{option}: the name {part[:40]}... is longer than the file system allows ({limit} bytes); choose a shorter name"
            )


def _check_one(option: str, given: Path, p: Path, inputs: list[tuple[Path, Path, os.stat_result | None]]) -> None:
    example = OUTPUTS.get(option, OutputKind()).example
    _check_name(option, p)
    real = _resolve(p)
    st = _stat(p)
    for src, src_real, src_st in inputs:
        same_inode = st is not None and src_st is not None and (st.st_dev, st.st_ino) == (src_st.st_dev, src_st.st_ino)
        if real == src_real or same_inode:
            how = "" if p == given else f" (it is written as {p.name})"
            raise UsageError(f"{option} {given}{how} is an input file ({src}); choose another output path (inputs are never overwritten)")
        if src_st is not None and stat.S_ISDIR(src_st.st_mode) and _inside(real, src_real):
            raise UsageError(
                f"{option} {given} is inside the input folder {src}; write outputs outside it (inputs are never overwritten)"
            )
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{option} {given} is a folder; give a file name, e.g. {given / example}")
        if not stat.S_ISREG(st.st_mode):
            if str(real) == os.devnull:
                return
            raise UsageError(f"{option} {given} is not a regular file (a device, FIFO or socket); give a file name")
        if not os.access(p, os.W_OK):
            raise UsageError(f"{option} {given} cannot be overwritten (no permission); choose another path")
        return
    if os.path.islink(p):  # a dangling link: writing would create its target somewhere else
        raise UsageError(f"{option} {given} is a broken symbolic link; give a plain file name")
    parent = _existing_ancestor(p)
    pst = _stat(parent)
    if pst is None or not stat.S_ISDIR(pst.st_mode):
        raise UsageError(f"{option} {given}: {parent} is not a folder; choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {given}: cannot write in {parent} (no permission); choose another path")


def guard_outputs(outputs: Mapping[str, Path | str | None], inputs: Iterable[Path | str | None]) -> None:
    """Refuse (UsageError) any output that would overwrite an input, is given twice, or cannot be
    written (see the module docstring). ``None`` and ``'-'`` (standard output) are skipped."""
    ins: list[tuple[Path, Path, os.stat_result | None]] = []
    for src in inputs:
        if src is None or str(src) == "-":
            continue
        sp = Path(src)
        try:
            ins.append((sp, sp.resolve(), _stat(sp)))
        except (OSError, RuntimeError):
            continue
    seen: dict[Path, str] = {}
    for option, value in outputs.items():
        if value is None or str(value) == "-":
            continue
        given = Path(value)
        if str(value).strip() == "":
            raise UsageError(f"{option} needs a file name")
        kind = OUTPUTS.get(option, OutputKind())
        for p in dict.fromkeys(kind.written(given)):
            _check_one(option, given, p, ins)
            key = _resolve(p)
            if key in seen and seen[key] != option:
                raise UsageError(f"{option} and {seen[key]} both write {p}; give each output its own path")
            seen[key] = option


__all__ = ["OUTPUTS", "OutputKind", "guard_outputs", "register_output"]

"""Readers: every supported file becomes a :class:`~stridelab.model.trial.Trial`.

:func:`read_trial` picks the reader from the file's extension and, for text formats, its header.
Readers are imported only when used, so the CLI starts fast.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stridelab.errors import InvalidInputError
from stridelab.io.imu_sniff import sniff_actigraph
from stridelab.io.imu_sniff import sniff_long as sniff_imu_long
from stridelab.io.options import ReadOptions
from stridelab.model.trial import Trial

#: format name -> "module:function" taking (path, ReadOptions) and returning a Trial.
READERS: dict[str, str] = {
    "c3d": "stridelab.io.c3d_reader:read_c3d",
    "trc": "stridelab.video.read_tables:read_trc_any",
    "mot": "stridelab.io.opensim:read_mot",
    "text": "stridelab.io.text:read_text",
    "fit": "stridelab.io.fit:read_fit",
    "video": "stridelab.video.read_video:read_video",
    "openpose": "stridelab.video.read_keypoints:read_openpose",
    "coco_keypoints": "stridelab.video.read_keypoints:read_coco",
    "mediapipe_csv": "stridelab.video.read_tables:read_mediapipe_csv",
    "imu": "stridelab.io.imu:read_imu_long",
    "actigraph": "stridelab.io.imu:read_actigraph",
    "qtm": "stridelab.io.qualisys:read_qtm",
}

#: extension -> format, for extensions that say it all.
EXTENSIONS: dict[str, str] = {
    ".c3d": "c3d",
    ".trc": "trc",
    ".mot": "mot",
    ".fit": "fit",
    **{e: "video" for e in (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")},
}

#: Sniffers for ambiguous extensions (.csv, .txt, .tsv, .json, .gz): (format, function(path, first
#: line) -> bool). The first that answers True wins; "text" is the fallback for delimited text.
def _sniff_qtm(path: Path, first: str) -> bool:
    """Qualisys TSV export: its first metadata key (see :mod:`stridelab.io.qualisys`)."""
    return first.split("\t", 1)[0].strip() in ("NO_OF_FRAMES", "NO_OF_CAMERAS", "NO_OF_MARKERS", "NO_OF_SAMPLES")


SNIFFERS: list[tuple[str, Callable[[Path, str], bool]]] = [
    ("qtm", _sniff_qtm),
    ("imu", sniff_imu_long),
    ("actigraph", sniff_actigraph),
]


def _sniff(name: str) -> Callable[[Path, str], bool]:
    def sniff(path: Path, first: str) -> bool:
        mod = importlib.import_module("stridelab.video.read_keypoints")
        return bool(getattr(mod, name)(path, first))

    return sniff


SNIFFERS += [("openpose", _sniff("sniff_openpose")), ("coco_keypoints", _sniff("sniff_coco")), ("mediapipe_csv", _sniff("sniff_mediapipe_csv"))]

_TEXTLIKE = {".txt", ".tsv", ".csv", ".dat"}


def _first_line(path: Path) -> str:
    opener: Any = open
    if path.suffix.lower() == ".gz":
        import gzip

        opener = gzip.open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            return str(fh.readline())
    except OSError as e:
        raise InvalidInputError(f"{path.name}: cannot read ({e})") from None


def detect_format(path: str | Path) -> str:
    """The format name of a file, from its extension and (for text) its first line."""
    p = Path(path)
    if not p.exists():
        raise InvalidInputError(f"file not found: {p}")
    if p.is_dir() and any(p.glob("*_keypoints.json")):
        return "openpose"
    if p.is_dir():
        raise InvalidInputError(f"{p} is a folder; give a recording file")
    ext = p.suffix.lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    first = None
    if SNIFFERS:
        first = _first_line(p)
        for fmt, sniff in SNIFFERS:
            if sniff(p, first):
                return fmt
    if ext in _TEXTLIKE:
        return "text"
    known = sorted(set(EXTENSIONS) | _TEXTLIKE)
    raise InvalidInputError(f"{p.name}: unsupported file type '{ext or '(none)'}'; supported: {', '.join(known)}")


def reader_for(fmt: str) -> Callable[[Path, ReadOptions], Trial]:
    mod, func = READERS[fmt].split(":")
    fn: Callable[[Path, ReadOptions], Trial] = getattr(importlib.import_module(mod), func)
    return fn


def read_trial(path: str | Path, opts: ReadOptions | None = None, **kwargs: Any) -> Trial:
    """Read any supported recording into a Trial.

    Keyword arguments are :class:`ReadOptions` fields (``forces=``, ``static=``, ``markerset=`` ...).
    """
    opts = dataclasses.replace(opts or ReadOptions(), **kwargs)
    check_read_options(opts)
    path = Path(path)
    fmt = detect_format(path)
    trial = reader_for(fmt)(path, opts)
    if opts.static is not None:
        attach_static(trial, Path(opts.static), opts)
    trial.provenance.extra["read_parameters"] = read_parameters(opts)
    return trial


#: Reading options recorded in ``provenance.parameters`` when given (the input files themselves
#: are in ``provenance.input``).
RECORDED_READ_OPTIONS = ("start_s", "end_s", "units", "vertical_axis", "forward_axis", "rate_hz", "forces_rate_hz", "markerset", "preset", "location")


def read_parameters(opts: ReadOptions) -> dict[str, Any]:
    """The reading options that were given, as JSON values (paths as text)."""
    out: dict[str, Any] = {}
    for name in RECORDED_READ_OPTIONS:
        v = getattr(opts, name)
        if v is not None:
            out[name] = str(v) if isinstance(v, Path) else v
    return out


def check_read_options(opts: ReadOptions) -> None:
    """UsageError (one line) for reading options no reader can use."""
    from stridelab.options_check import check_number, check_units, check_window

    check_number("--rate-hz", opts.rate_hz)
    check_number("--forces-rate-hz", opts.forces_rate_hz)
    check_window(opts.start_s, opts.end_s)
    check_units(opts.units)


def attach_static(trial: Trial, static_path: Path, opts: ReadOptions) -> None:
    """Read a standing trial in the running trial's axes (same lab frame) and attach it."""
    from stridelab.io.assemble import apply_static

    axes = trial.provenance.axes_in
    sopts = dataclasses.replace(
        opts,
        forces=None,
        static=None,
        start_s=None,
        end_s=None,
        vertical_axis=axes.get("up") if axes else None,
        forward_axis=axes.get("forward") if axes else None,
        units=None,
    )
    fmt = detect_format(static_path)
    static = reader_for(fmt)(static_path, sopts)
    apply_static(trial, static)


__all__ = ["READERS", "EXTENSIONS", "SNIFFERS", "ReadOptions", "check_read_options", "detect_format", "read_parameters", "read_trial"]

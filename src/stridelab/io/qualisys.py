"""Qualisys Track Manager (QTM) TSV exports: 3-D marker files and force files.

Marker file (``<trial>.tsv``): ``KEY<TAB>value`` metadata lines (``NO_OF_FRAMES``, ``FREQUENCY``,
``MARKER_NAMES`` ...), then a column row ``Frame, Time[, Camera Time], <marker> X, <marker> Y,
<marker> Z, ...`` and the data in mm. Missing samples are empty cells or 0 (QTM's two conventions).

Force file (``<trial>_f_<k>.tsv``, one per plate): metadata (``FREQUENCY``, ``FORCE_PLATE_NAME``,
``FORCE_PLATE_CORNER_*``, ``FORCE_PLATE_OFFSET_*`` in mm), then ``SAMPLE, TIME, Force_X/Y/Z,
Moment_X/Y/Z, COP_X/Y/Z`` in N, N·m and mm, in lab coordinates. The force is the force on the plate
(QTM's default) or on the runner; the sign is checked in :mod:`stridelab.io.assemble`. The moments'
reference point is not stated in the export, so the free moment is not derived from them (zero; it
matters only for inverse dynamics, where it is small in running).

Reading a marker file also reads every ``<trial>_f_<k>.tsv`` beside it (a split-belt treadmill has
two), unless ``--forces`` names force files. The plate name (``Left``/``Right`` belt) is not taken as
the foot's side: runners cross belts, so the side comes from the markers.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.assemble import RawMocap, RawPlate, build_trial, sha256_of
from stridelab.io.options import ReadOptions
from stridelab.io.timebase import nominal_time_base
from stridelab.model.trial import QualityLog, Trial

#: First metadata keys of the two kinds of QTM export.
MARKER_KEYS = ("NO_OF_FRAMES", "NO_OF_CAMERAS", "NO_OF_MARKERS")
FORCE_KEYS = ("NO_OF_SAMPLES",)

_AXIS = re.compile(r"^(.*\S)\s+([XYZ])$")


def sniff_qtm(path: Path, first: str) -> bool:
    """True for a QTM marker or force TSV export (its first metadata key)."""
    return first.split("\t", 1)[0].strip() in MARKER_KEYS + FORCE_KEYS


def _split(path: Path, first_column: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """(metadata, column names, data lines)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="strict").splitlines()
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path.name}: not a text file") from None
    except OSError as e:
        raise InvalidInputError(f"{path.name}: cannot read ({e.strerror})") from None
    meta: dict[str, list[str]] = {}
    for i, ln in enumerate(lines):
        cells = [c.strip() for c in ln.rstrip("\r\n").split("\t")]
        if cells and cells[0].upper() in first_column:
            while cells and not cells[-1]:
                cells.pop()
            body = [b for b in lines[i + 1 :] if b.strip()]
            if not body:
                raise InvalidInputError(f"{path.name}: the QTM export has a column row but no data")
            return meta, cells, body
        if cells and cells[0]:
            meta[cells[0].upper()] = cells[1:]
    want = "Frame/Time" if "FRAME" in first_column else "SAMPLE/TIME"
    raise InvalidInputError(f"{path.name}: no '{want}' column row after the QTM metadata; export with the data header")


def _numbers(path: Path, body: list[str], n_cols: int) -> np.ndarray:
    text = "\n".join(ln.rstrip("\r\n").rstrip("\t") for ln in body)
    try:
        data = np.genfromtxt(io.StringIO(text), delimiter="\t", dtype=float, invalid_raise=False, filling_values=np.nan)
    except ValueError as e:
        raise InvalidInputError(f"{path.name}: cannot parse the numbers ({e})") from None
    data = np.atleast_2d(data)
    if data.shape[1] < n_cols:
        data = np.hstack([data, np.full((data.shape[0], n_cols - data.shape[1]), np.nan)])
    return data[:, :n_cols]


def _rate(meta: dict[str, list[str]], path: Path) -> float | None:
    try:
        r = float(meta.get("FREQUENCY", ["nan"])[0])
    except (ValueError, IndexError):
        return None
    return r if np.isfinite(r) and r > 0 else None


def _time(columns: list[str], data: np.ndarray, rate: float | None, path: Path, quality: QualityLog) -> tuple[np.ndarray, float]:
    low = [c.lower() for c in columns]
    if "time" in low:
        tb = nominal_time_base(data[:, low.index("time")], path.name)
        if tb.note:
            quality.warn(tb.note)
        if rate is not None and abs(tb.rate_hz - rate) > 0.01 * rate:
            raise InvalidInputError(f"{path.name}: the Time column says {tb.rate_hz:.4g} Hz but FREQUENCY is {rate:g} Hz")
        return tb.time_s, tb.rate_hz
    if rate is None:
        raise InvalidInputError(f"{path.name}: no Time column and no FREQUENCY in the QTM header")
    return np.arange(data.shape[0]) / rate, rate


def raw_markers_from_qtm(path: Path, opts: ReadOptions, quality: QualityLog) -> RawMocap:
    meta, columns, body = _split(path, ("FRAME",))
    data = _numbers(path, body, len(columns))
    names: list[str] = []
    idx: list[list[int]] = []
    for i, c in enumerate(columns):
        m = _AXIS.match(c)
        if not m:
            continue
        base, ax = m.group(1), "XYZ".index(m.group(2))
        if base.lower() == "camera":
            continue
        if not names or names[-1] != base:
            names.append(base)
            idx.append([-1, -1, -1])
        idx[-1][ax] = i
    complete = [(n, ix) for n, ix in zip(names, idx, strict=True) if min(ix) >= 0]
    if not complete:
        raise InvalidInputError(f"{path.name}: no '<marker> X/Y/Z' columns in the QTM export")
    declared = meta.get("MARKER_NAMES")
    if declared and len(declared) != len(complete):
        quality.warn(f"{path.name}: MARKER_NAMES lists {len(declared)} markers but {len(complete)} have X/Y/Z columns; using the columns")
    pos = np.stack([data[:, ix] for _, ix in complete], axis=1)
    time_s, rate = _time(columns, data, opts.rate_hz or _rate(meta, path), path, quality)
    units = opts.units or "mm"
    return RawMocap([n for n, _ in complete], pos, rate, time_s, units, path.name, "qtm", extra={"qtm": {"frames": int(data.shape[0])}})


def raw_plate_from_qtm(path: Path, quality: QualityLog, index: int) -> RawPlate:
    """One QTM force file as a plate (force N, COP mm, corners mm)."""
    meta, columns, body = _split(path, ("SAMPLE",))
    data = _numbers(path, body, len(columns))
    low = [c.lower() for c in columns]
    try:
        f = data[:, [low.index(f"force_{a}") for a in "xyz"]]
    except ValueError:
        raise InvalidInputError(f"{path.name}: no Force_X, Force_Y, Force_Z columns in the QTM force export") from None
    cop = data[:, [low.index(f"cop_{a}") for a in "xyz"]] if all(f"cop_{a}" in low for a in "xyz") else np.full_like(f, np.nan)
    time_s, rate = _time(columns, data, _rate(meta, path), path, quality)
    corners = None
    keys = ("POSX_POSY", "NEGX_POSY", "NEGX_NEGY", "POSX_NEGY")
    try:
        corners = np.array([[float(meta[f"FORCE_PLATE_CORNER_{k}_{a}"][0]) for a in "XYZ"] for k in keys])
    except (KeyError, IndexError, ValueError):
        corners = None
    name = (meta.get("FORCE_PLATE_NAME") or [f"plate{index}"])[0] or f"plate{index}"
    return RawPlate(
        name=f"plate{index} ({name})",
        rate_hz=rate,
        time_s=time_s,
        force_n=np.nan_to_num(f),
        cop=cop,
        free_moment_nm=np.zeros_like(f),
        corners=corners,
        cop_scale_m=1e-3,
    )


def force_files_beside(path: Path) -> list[Path]:
    """``<stem>_f_<k>.tsv`` files next to a QTM marker export, in plate order."""
    found = list(path.parent.glob(f"{path.stem}_f_*{path.suffix}"))
    return sorted((p for p in found if p.stem[len(path.stem) + 3 :].isdigit()), key=lambda p: int(p.stem[len(path.stem) + 3 :]))


def read_qtm(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read a QTM TSV export: a marker file (with its force files) or one force file alone."""
    opts = opts or ReadOptions()
    path = Path(path)
    quality = QualityLog()
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0].split("\t", 1)[0].strip()
    if first in FORCE_KEYS:
        plate = raw_plate_from_qtm(path, quality, 1)
        raw = RawMocap([], np.zeros((plate.time_s.size, 0, 3)), plate.rate_hz, plate.time_s, "mm", path.name, "qtm", [plate])
        force_paths: list[Path] = []
    else:
        raw = raw_markers_from_qtm(path, opts, quality)
        force_paths = [Path(opts.forces)] if opts.forces is not None else force_files_beside(path)
        raw.plates = [raw_plate_from_qtm(p, quality, k + 1) for k, p in enumerate(force_paths)]
        if force_paths and opts.forces is None:
            quality.note("qtm_force_files", files=[p.name for p in force_paths])
    trial = build_trial(raw, opts, path)
    for w in quality.warnings:
        trial.quality.warn(w)
    if force_paths:
        files = [{"path": str(p), "sha256": sha256_of(p)} for p in force_paths]
        trial.provenance.extra["forces"] = files[0]
        if len(files) > 1:
            trial.provenance.extra["forces_all"] = files
    return trial


__all__ = ["sniff_qtm", "read_qtm", "raw_markers_from_qtm", "raw_plate_from_qtm", "force_files_beside"]

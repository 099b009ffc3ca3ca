"""Tab/comma-separated text exports with a header row (e.g. the Fukuchi 2017 ``.txt`` files).

Marker files: a time column then ``<marker>X, <marker>Y, <marker>Z`` (or ``<marker>_X`` ...)
columns. Force files: ``Fx, Fy, Fz`` (N), ``COPx, COPy, COPz`` and optional ``Tz``/``Ty``/``Tx``
free moment; several plates as ``F1x ...`` / ``F2x ...`` or per foot as ``R_Fx`` / ``L_Fx``.

The time column (``Time``, ``time``, ``Frame``): integers are a 1-based frame counter, converted to
seconds as ``(frame - 1) / rate`` (the rate comes from ``--rate-hz``/``--forces-rate-hz``, or the
marker-set preset when it documents one); floats are seconds.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.assemble import RawMocap, RawPlate, build_trial
from stridelab.io.markerset import best_preset, presets
from stridelab.io.options import ReadOptions
from stridelab.io.timebase import nominal_time_base
from stridelab.model.trial import QualityLog, Trial

_TIME_NAMES = ("time", "time_s", "t", "frame", "frame#", "frames", "sample")
_AXIS_SUFFIX = re.compile(r"^(.*?)[\s_.:-]*([XYZxyz])$")


def _load_table(path: Path) -> tuple[list[str], np.ndarray]:
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path.name}: not a text file") from None
    except OSError as e:
        raise InvalidInputError(f"{path.name}: cannot read ({e.strerror})") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        raise InvalidInputError(f"{path.name}: needs a header row and at least one data row")
    delim = "\t" if "\t" in lines[0] else ("," if "," in lines[0] else None)
    header = [h.strip() for h in (lines[0].split(delim) if delim else lines[0].split())]
    try:
        data = np.genfromtxt(io.StringIO("\n".join(lines[1:])), delimiter=delim, dtype=float, invalid_raise=False)
    except ValueError as e:
        raise InvalidInputError(f"{path.name}: cannot parse the numbers ({e})") from None
    data = np.atleast_2d(data)
    if data.shape[1] != len(header):
        raise InvalidInputError(
            f"{path.name}: the header has {len(header)} columns but the rows have {data.shape[1]}; check the delimiter"
        )
    return header, data


def _needs_rate(header: list[str], data: np.ndarray) -> bool:
    """True when the file cannot give its own rate: no time column, or an integer frame counter."""
    col = next((i for i, h in enumerate(header) if h.strip().lower() in _TIME_NAMES), None)
    if col is None:
        return True
    t = data[:, col]
    return bool(np.all(np.isfinite(t)) and np.allclose(t, np.round(t)) and np.all(np.diff(t) == 1))


def _rate_for(header: list[str], data: np.ndarray, declared: float | None, names: list[str], kind: str, option: str, src: str, quality: QualityLog) -> float | None:
    """The declared rate; else, when the file cannot give its own, the marker-set preset's (said)."""
    if declared is not None or not _needs_rate(header, data):
        return declared
    rate, preset = _preset_rate(names, kind)
    if rate is not None:
        quality.warn(f"{src}: the sampling rate is not in the file; using {rate:g} Hz documented for the {preset} data set (pass --{option} if different)")
    return rate


def _time_axis(
    header: list[str], data: np.ndarray, rate: float | None, what: str, src: str, quality: QualityLog | None = None
) -> tuple[np.ndarray, float, int]:
    """(time_s, rate_hz, index of the time column)."""
    col = next((i for i, h in enumerate(header) if h.strip().lower() in _TIME_NAMES), None)
    if col is None:
        if rate is None:
            raise InvalidInputError(f"{src}: no time column and no rate; pass --{what}")
        return np.arange(data.shape[0]) / rate, rate, -1
    t = data[:, col]
    if not np.all(np.isfinite(t)):
        raise InvalidInputError(f"{src}: the time column has empty or non-numeric values")
    is_counter = np.allclose(t, np.round(t)) and np.all(np.diff(t) == 1)
    if is_counter:
        if rate is None:
            raise InvalidInputError(f"{src}: the time column is a frame counter and the sampling rate is unknown; pass --{what}")
        return (t - 1.0) / rate, rate, col
    tb = nominal_time_base(t, src)
    if tb.note and quality is not None:
        quality.warn(tb.note)
    if rate is not None and abs(tb.rate_hz - rate) / rate > 0.01:
        raise InvalidInputError(f"{src}: the time column says {tb.rate_hz:.4g} Hz but the declared rate is {rate:g} Hz")
    return tb.time_s, tb.rate_hz, col


def _marker_columns(header: list[str], skip: int) -> tuple[list[str], list[tuple[int, int, int]]]:
    groups: dict[str, dict[str, int]] = {}
    order: list[str] = []
    for i, h in enumerate(header):
        if i == skip:
            continue
        m = _AXIS_SUFFIX.match(h)
        if not m or not m.group(1):
            continue
        base, ax = m.group(1), m.group(2).upper()
        if base not in groups:
            groups[base] = {}
            order.append(base)
        groups[base][ax] = i
    names = [b for b in order if len(groups[b]) == 3]
    return names, [(groups[b]["X"], groups[b]["Y"], groups[b]["Z"]) for b in names]


def _preset_rate(names: list[str], kind: str) -> tuple[float | None, str | None]:
    preset, _ = best_preset(names)
    if preset is None:
        return None, None
    rate = presets()[preset].get("text_rates_hz", {}).get(kind)
    return (float(rate), preset) if rate else (None, None)


def raw_markers_from_text(path: Path, opts: ReadOptions, quality: QualityLog) -> RawMocap:
    header, data = _load_table(path)
    tcol_guess = next((i for i, h in enumerate(header) if h.strip().lower() in _TIME_NAMES), -1)
    names, cols = _marker_columns(header, tcol_guess)
    if not names:
        raise InvalidInputError(f"{path.name}: no marker columns (expected <name>X, <name>Y, <name>Z)")
    rate = _rate_for(header, data, opts.rate_hz, names, "markers", "rate-hz", path.name, quality)
    time_s, rate_hz, _ = _time_axis(header, data, rate, "rate-hz", path.name, quality)
    pos = np.stack([data[:, list(c)] for c in cols], axis=1)
    return RawMocap(names, pos, rate_hz, time_s, opts.units, path.name, "text")


_FORCE_RE = re.compile(r"^(?:(?P<pre>[LR]|left|right|\d)[_.\s-]?)?(?P<q>F|COP|CoP|T|M)(?P<ax>[xyzXYZ])$", re.IGNORECASE)


def raw_plates_from_text(path: Path, opts: ReadOptions, marker_names: list[str], quality: QualityLog) -> list[RawPlate]:
    header, data = _load_table(path)
    tcol = next((i for i, h in enumerate(header) if h.strip().lower() in _TIME_NAMES), -1)
    plates: dict[str, dict[str, dict[str, int]]] = {}
    for i, h in enumerate(header):
        if i == tcol:
            continue
        m = _FORCE_RE.match(h.strip())
        if not m:
            continue
        pre = (m.group("pre") or "1").lower()
        q = m.group("q").upper()
        plates.setdefault(pre, {}).setdefault(q, {})[m.group("ax").upper()] = i
    if not plates:
        raise InvalidInputError(f"{path.name}: no force columns (expected Fx, Fy, Fz and COPx, COPy, COPz)")
    rate = _rate_for(header, data, opts.forces_rate_hz, marker_names, "forces", "forces-rate-hz", path.name, quality)
    time_s, rate_hz, _ = _time_axis(header, data, rate, "forces-rate-hz", path.name, quality)
    out = []
    for key, q in plates.items():
        f = q.get("F", {})
        if len(f) != 3:
            raise InvalidInputError(f"{path.name}: plate {key!r} lacks one of Fx, Fy, Fz")
        force = data[:, [f["X"], f["Y"], f["Z"]]]
        cop_cols = q.get("COP", {})
        cop = data[:, [cop_cols["X"], cop_cols["Y"], cop_cols["Z"]]] if len(cop_cols) == 3 else np.full_like(force, np.nan)
        tcols = q.get("T", {}) or q.get("M", {})
        free = np.zeros_like(force)
        for ax, j in tcols.items():
            free[:, "XYZ".index(ax)] = data[:, j]
        # text exports (Visual3D, Fukuchi) give the free moment in N·mm when the COP is in mm
        cop_extent = float(np.nanmax(np.abs(cop))) if np.isfinite(cop).any() else 0.0
        cop_scale = 1e-3 if cop_extent > 20 else 1.0
        side = {"l": "left", "left": "left", "r": "right", "right": "right"}.get(key)
        out.append(
            RawPlate(
                name=f"plate{key}" if side is None else f"{side}_foot",
                rate_hz=rate_hz,
                time_s=time_s,
                force_n=force,
                cop=cop,
                free_moment_nm=free * cop_scale,
                side=side,
                cop_scale_m=cop_scale,
            )
        )
    return out


def read_text(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read a marker text export, with its force text export when ``opts.forces`` is given.

    A force file alone (no marker columns) is read as a forces-only trial.
    """
    opts = opts or ReadOptions()
    path = Path(path)
    quality = QualityLog()
    header, _ = _load_table(path)
    names, _cols = _marker_columns(header, -1)
    if names and not any(_FORCE_RE.match(h.strip()) for h in header):
        raw = raw_markers_from_text(path, opts, quality)
        if opts.forces is not None:
            raw.plates = raw_plates_from_text(Path(opts.forces), opts, raw.names, quality)
    else:
        if not any(_FORCE_RE.match(h.strip()) for h in header):
            raise InvalidInputError(
                f"{path.name}: neither marker columns (<name>X, <name>Y, <name>Z) nor force columns (Fx, Fy, Fz); "
                "not a recording stridelab can read"
            )
        plates = raw_plates_from_text(path, opts, [], quality)
        raw = RawMocap([], np.zeros((plates[0].time_s.size, 0, 3)), plates[0].rate_hz, plates[0].time_s, opts.units, path.name, "text", plates)
    trial = build_trial(raw, opts, path)
    for w in quality.warnings:
        trial.quality.warn(w)
    if opts.forces is not None:
        from stridelab.io.assemble import sha256_of

        trial.provenance.extra["forces"] = {"path": str(opts.forces), "sha256": sha256_of(opts.forces)}
    return trial

"""Turn what a motion-capture reader parsed (file units, file axes, lab names) into a Trial.

Every motion-capture reader (C3D, TRC/MOT, text exports) produces a :class:`RawMocap` and calls
:func:`build_trial`, so units, axes, marker names, gaps and cropping are handled once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.gaps import fill_gaps
from stridelab.io.labels import fix_swapped_pairs
from stridelab.io.markerset import map_markers, read_user_mapping
from stridelab.io.options import ReadOptions
from stridelab.io.orientation import (
    forward_from_anatomy,
    forward_from_force,
    forward_from_motion,
    vertical_from_force,
    vertical_from_markers,
)
from stridelab.io.sanity import check_raw
from stridelab.io.units import resolve_length_unit
from stridelab.model.axes import (
    UP,
    describe_rotation,
    format_signed_axis,
    parse_signed_axis,
    rotation_from_axes,
)
from stridelab.model.trial import ForcePlate, MarkerData, Provenance, QualityLog, Trial

#: Vertical force below which the centre of pressure is meaningless and masked (N).
COP_MASK_N = 20.0


@dataclass
class RawPlate:
    """One plate as read: force (N), COP (file length units), free moment (N·m), file axes."""

    name: str
    rate_hz: float
    time_s: np.ndarray
    force_n: np.ndarray
    cop: np.ndarray
    free_moment_nm: np.ndarray
    corners: np.ndarray | None = None
    side: str | None = None
    plate_type: int | None = None
    cop_scale_m: float | None = None  # metres per COP unit when known


@dataclass
class RawMocap:
    """Marker and force data in the file's own units and axes."""

    names: list[str]
    positions: np.ndarray
    rate_hz: float
    time_s: np.ndarray
    units: str | None
    source: str
    format: str
    plates: list[RawPlate] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def sha256_of(path: str | Path) -> str:
    """SHA-256 of a file, remembered per (path, size, modification time) so that a reader may hash the
    file while its parser child runs and the trial assembly then reuses the digest."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    hit = _SHA_CACHE.get(key)  # a digest of the same bytes whichever thread stored it
    if hit is not None:
        return hit
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    if len(_SHA_CACHE) > 64:
        _SHA_CACHE.clear()
    _SHA_CACHE[key] = digest
    return digest


def _mark_missing(positions: np.ndarray) -> np.ndarray:
    """Exact (0, 0, 0) samples are the 'missing' code of many exporters."""
    zero = (positions[..., 0] == 0.0) & (positions[..., 1] == 0.0) & (positions[..., 2] == 0.0)
    if zero.any():
        positions = positions.copy()
        positions[zero] = np.nan
    return positions


def _axes(raw: RawMocap, names: list[str], pos_m: np.ndarray, opts: ReadOptions, quality: QualityLog) -> np.ndarray:
    src = raw.source
    if opts.vertical_axis:
        vertical = parse_signed_axis(opts.vertical_axis)
        vsrc = "declared"
    else:
        v = vertical_from_markers(names, pos_m) if pos_m.shape[1] else None
        vsrc = "markers"
        if v is None:
            for p in raw.plates:
                v = vertical_from_force(p.force_n)
                if v is not None:
                    vsrc = "force plate"
                    break
        if v is None:
            raise InvalidInputError(
                f"{src}: cannot tell which axis is vertical (no pelvis and foot markers recognised, no loaded force plate); "
                "pass --vertical-axis (e.g. +Z) or a --markerset mapping"
            )
        vertical = v
    if opts.forward_axis:
        forward = parse_signed_axis(opts.forward_axis)
        fsrc = "declared"
    else:
        fm = forward_from_motion(names, pos_m, raw.rate_hz, vertical) if pos_m.shape[1] else None
        fa = forward_from_anatomy(names, pos_m, vertical) if pos_m.shape[1] else None
        if fm is not None:
            forward = (fm[0], fm[1])
            fsrc = "foot motion"
            if fa is not None and fa != forward:
                quality.warn(
                    f"the running direction from foot motion ({format_signed_axis(*forward)}) disagrees with the markers' "
                    f"anatomy ({format_signed_axis(*fa)}); using foot motion (check marker labels or pass --forward-axis)"
                )
        elif fa is not None:
            forward, fsrc = fa, "anatomy"
        elif (ff := next((x for p in raw.plates if (x := forward_from_force(p.force_n, vertical)) is not None), None)) is not None:
            forward, fsrc = ff, "braking-propulsion force"
        else:
            raise InvalidInputError(
                f"{src}: cannot tell the running direction (no foot and pelvis markers recognised); pass --forward-axis (e.g. +X), "
                "or give a standing trial as --static beside its running trial"
            )
    if forward[0] == vertical[0]:
        raise InvalidInputError(f"{src}: the forward and vertical axes are the same ({format_signed_axis(*vertical)})")
    r = rotation_from_axes(vertical, forward)
    quality.note("axes", vertical=format_signed_axis(*vertical), vertical_from=vsrc, forward=format_signed_axis(*forward), forward_from=fsrc)
    return r


def _rot(r: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Rows of ``a`` (..., 3) rotated by ``r`` (``a @ r.T``), written out per component: a stacked
    matmul is slow and a BLAS product may start threads that compete for the cores."""
    out = np.empty(a.shape)
    for i in range(3):
        out[..., i] = a[..., 0] * r[i, 0] + a[..., 1] * r[i, 1] + a[..., 2] * r[i, 2]
    return out


def _plate_to_canonical(p: RawPlate, r: np.ndarray, length_scale: float, quality: QualityLog) -> ForcePlate:
    f = _rot(r, p.force_n)
    cop_scale = p.cop_scale_m if p.cop_scale_m is not None else length_scale
    cop = _rot(r, p.cop * cop_scale)
    mom = _rot(r, p.free_moment_nm)
    corners = _rot(r, p.corners * cop_scale) if p.corners is not None and p.corners.size else None
    # ground reaction on the runner points up while loaded; some exporters store the action force
    fz = f[:, UP]
    strong = np.abs(fz) > max(50.0, 0.2 * float(np.nanmax(np.abs(fz))) if fz.size else 0.0)
    if strong.any() and np.nanmedian(fz[strong]) < 0:
        f = -f
        mom = -mom
        quality.note("force_sign_flipped", plate=p.name)
    unloaded = ~(f[:, UP] > COP_MASK_N)
    cop = cop.copy()
    cop[unloaded] = np.nan
    return ForcePlate(
        name=p.name,
        rate_hz=p.rate_hz,
        time_s=p.time_s,
        force_n=f,
        cop_m=cop,
        free_moment_nm=mom,
        corners_m=corners,
        side=p.side if p.side in ("left", "right") else None,  # type: ignore[arg-type]
        plate_type=p.plate_type,
    )


def _crop(trial: Trial, start_s: float | None, end_s: float | None) -> None:
    if start_s is None and end_s is None:
        return
    lo = -np.inf if start_s is None else start_s
    hi = np.inf if end_s is None else end_s
    if hi <= lo:
        raise InvalidInputError(f"--start-s {start_s} must be before --end-s {end_s}")
    if trial.markers is not None:
        keep = np.flatnonzero((trial.markers.time_s >= lo) & (trial.markers.time_s <= hi))
        if keep.size == 0:
            t0, t1 = trial.markers.time_s[0], trial.markers.time_s[-1]
            raise InvalidInputError(f"the window {lo}-{hi} s holds no marker frame (the file runs {t0:.3f}-{t1:.3f} s)")
        trial.markers = trial.markers.slice_frames(int(keep[0]), int(keep[-1]) + 1)
    for p in trial.forceplates:
        keep = np.flatnonzero((p.time_s >= lo) & (p.time_s <= hi))
        sl = slice(int(keep[0]), int(keep[-1]) + 1) if keep.size else slice(0, 0)
        p.time_s = p.time_s[sl]
        p.force_n = p.force_n[sl]
        p.cop_m = p.cop_m[sl]
        p.free_moment_nm = p.free_moment_nm[sl]


def build_trial(raw: RawMocap, opts: ReadOptions, path: str | Path | None = None) -> Trial:
    """Units, canonical names, canonical axes, gap filling and cropping for one recording."""
    quality = QualityLog()
    for w in check_raw(raw):  # time base and ranges (stridelab.io.sanity); corrupt samples set missing
        quality.warn(w)
    positions = _mark_missing(np.asarray(raw.positions, dtype=float))
    if positions.shape[1] == 0 and not raw.plates:
        raise InvalidInputError(f"{raw.source}: no markers and no force data in this file")
    user_map = read_user_mapping(opts.markerset) if opts.markerset else None
    mapping = map_markers(raw.names, user_map, opts.preset)
    names = mapping.names
    if positions.shape[1]:
        scale, unit, warn = resolve_length_unit(opts.units or raw.units, positions, raw.source)
        if warn:
            quality.warn(warn)
    else:
        scale, unit = (1e-3, "mm") if (opts.units or raw.units or "").lower() == "mm" else (1.0, "m")
    pos_m = positions * scale
    r = _axes(raw, names, pos_m, opts, quality)
    pos_c = _rot(r, pos_m)
    if pos_c.shape[1]:
        pos_c = fill_gaps(pos_c, names, raw.rate_hz, opts.max_gap_s, quality, copy=False)
    markers = MarkerData(pos_c, names, list(raw.names), raw.rate_hz, np.asarray(raw.time_s, dtype=float)) if pos_c.shape[1] else None
    if markers is not None:
        fix_swapped_pairs(markers, quality, raw.source)
    plates = [_plate_to_canonical(p, r, scale, quality) for p in raw.plates]
    prov = Provenance(
        path=str(path) if path else None,
        sha256=sha256_of(path) if path else None,
        format=raw.format,
        reader=f"stridelab.io.{raw.format}",
        units_in=unit,
        axes_in=describe_rotation(r),
        markerset=mapping.preset,
        extra={"unmapped_markers": mapping.unmapped, **raw.extra},
    )
    if mapping.unmapped:
        quality.note("markers_unmapped", markers=mapping.unmapped)
    trial = Trial(markers=markers, forceplates=plates, provenance=prov, quality=quality)
    _crop(trial, opts.start_s, opts.end_s)
    return trial


def apply_static(trial: Trial, static: Trial) -> None:
    """Attach a standing trial's markers. Read it with the running trial's axes (same lab, same
    frame): :func:`stridelab.io.read_trial` does so."""
    if static.markers is None:
        raise InvalidInputError("the static trial has no markers")
    trial.static = static.markers
    trial.provenance.extra["static"] = {"path": static.provenance.path, "sha256": static.provenance.sha256}
    for item in static.quality.items:
        if item.get("kind") in ("gap_long", "markers_unmapped"):
            trial.quality.items.append({**item, "trial": "static"})

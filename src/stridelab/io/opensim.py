"""OpenSim files: TRC marker trajectories and MOT ground-reaction-force files.

TRC: the standard five header lines (``PathFileType``, the ``DataRate ... Units`` line and its
values, ``Frame#  Time  <markers>``, ``X1 Y1 Z1 ...``), then data; units from the header.
MOT: a header ending in ``endheader``, then a ``time`` column and force columns named
``[<prefix>_]ground_force_v{x,y,z}``, ``..._p{x,y,z}`` (centre of pressure, m) and
``[<prefix>_]ground_torque_{x,y,z}`` (N·m). A prefix ``r``/``l``/``right``/``left`` (or a ``_r``/``_l``
suffix) makes the columns one foot's force, so the side of every contact is known; numbered or
unprefixed groups are plates whose side is found from the markers.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from stridelab.errors import InvalidInputError, UsageError
from stridelab.io.assemble import RawMocap, RawPlate, build_trial, sha256_of
from stridelab.io.opensim_storage import _read_lines, is_coordinates, parse_storage
from stridelab.io.opensim_storage import _split as _cells
from stridelab.io.options import ReadOptions
from stridelab.io.timebase import nominal_time_base
from stridelab.model.trial import QualityLog, Trial


def raw_from_trc(path: Path, opts: ReadOptions) -> RawMocap:
    """TRC as written by Vicon, Cortex, Qualisys, OpenSim and Pose2Sim: the ``DataRate ...`` keys and
    their values may come in any order, blank lines may separate the header rows, the data may be
    tab- or space-separated, and ``NumFrames`` may be missing or wrong (the rows win)."""
    lines = _read_lines(path)
    if not lines or not lines[0].startswith("PathFileType"):
        raise InvalidInputError(f"{path.name}: not a TRC file (the first line must start with PathFileType)")
    rows = [(i, ln) for i, ln in enumerate(lines) if ln.strip()]
    try:
        k_names = next(k for k, (_, ln) in enumerate(rows) if ln.lstrip().lower().startswith("frame#"))
    except StopIteration:
        raise InvalidInputError(f"{path.name}: no 'Frame#  Time  <markers>' row in the TRC header") from None
    meta: dict[str, str] = {}
    for k in range(1, k_names - 1):
        keys, vals = _cells(rows[k][1]), _cells(rows[k + 1][1])
        if any(x.lower() in ("datarate", "camerarate", "units") for x in keys):
            meta = dict(zip(keys, vals, strict=False))
            break
    try:
        rate = float(meta.get("DataRate") or meta.get("CameraRate") or "nan")
    except ValueError:
        rate = float("nan")
    units = meta.get("Units") or None
    names_row = _cells(rows[k_names][1])
    marker_names = [n for n in names_row[2:] if n]
    first_data = k_names + 1
    if first_data < len(rows) and not _is_number(_cells(rows[first_data][1])[0]):
        first_data += 1  # the X1 Y1 Z1 ... row
    body = [ln for _, ln in rows[first_data:]]
    if not body or not marker_names:
        raise InvalidInputError(f"{path.name}: the TRC file has no {'data rows' if marker_names else 'marker names'}")
    delim = "\t" if "\t" in body[0] else None
    data = np.genfromtxt(io.StringIO("\n".join(body)), delimiter=delim, dtype=float, invalid_raise=False)
    data = np.atleast_2d(data)
    n_cols = 2 + 3 * len(marker_names)
    if data.shape[1] < n_cols:
        # trailing empty columns (missing markers at the end) are legal; pad with NaN
        data = np.hstack([data, np.full((data.shape[0], n_cols - data.shape[1]), np.nan)])
    t = data[:, 1]
    if not np.isfinite(rate) or rate <= 0:
        if t.size < 2:
            raise InvalidInputError(f"{path.name}: no DataRate and too few rows to find the rate")
        rate = (t.size - 1) / float(t[-1] - t[0])
    pos = data[:, 2:n_cols].reshape(data.shape[0], len(marker_names), 3)
    return RawMocap(marker_names, pos, rate, t.astype(float), opts.units or units, path.name, "trc")


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


_MOT_RE = re.compile(
    r"^(?:(?P<pre>[A-Za-z0-9]+)_)?ground_(?P<q>force|torque)_(?P<side2>[lr]_)?(?P<kind>v|p)?(?P<ax>[xyz])(?:_(?P<suf>[lr]))?$",
    re.IGNORECASE,
)


def raw_plates_from_mot(path: Path, quality: QualityLog | None = None) -> list[RawPlate]:
    st = parse_storage(path)
    if quality is not None:
        for n in st.notes:
            quality.warn(n)
    if is_coordinates(st):
        raise InvalidInputError(
            f"{path.name}: an OpenSim coordinates (joint-angle) file, not forces; analyse the marker file it came from "
            "(TRC or C3D); stridelab compares angles with it in validation/corpus.py"
        )
    header, data, t = st.columns, st.data, st.time_s
    groups: dict[str, dict[str, int]] = {}
    for i, h in enumerate(header):
        m = _MOT_RE.match(h)
        if not m:
            continue
        side = (m.group("side2") or "").rstrip("_") or m.group("suf") or ""
        pre = (m.group("pre") or "").lower()
        if pre in ("r", "l", "right", "left"):
            side = pre[0]
            pre = ""
        key = side.lower() if side else (pre or "0")
        q = "T" if m.group("q").lower() == "torque" else ("F" if (m.group("kind") or "v").lower() == "v" else "P")
        groups.setdefault(key, {})[q + m.group("ax").upper()] = i
    if not groups:
        raise InvalidInputError(f"{path.name}: no ground_force_v* columns (an OpenSim force file names them e.g. r_ground_force_vx)")
    tb = nominal_time_base(t, path.name)
    rate, t = tb.rate_hz, tb.time_s
    plates = []
    for key, cols in sorted(groups.items()):
        try:
            f = data[:, [cols["FX"], cols["FY"], cols["FZ"]]]
        except KeyError:
            raise InvalidInputError(f"{path.name}: force group {key!r} lacks one of vx, vy, vz") from None
        cop = data[:, [cols[k] for k in ("PX", "PY", "PZ")]] if all(k in cols for k in ("PX", "PY", "PZ")) else np.full_like(f, np.nan)
        tq = np.zeros_like(f)
        for j, ax in enumerate("XYZ"):
            if "T" + ax in cols:
                tq[:, j] = data[:, cols["T" + ax]]
        side = {"r": "right", "l": "left"}.get(key)
        plates.append(
            RawPlate(
                name=f"{side}_foot" if side else f"plate{key}",
                rate_hz=rate,
                time_s=t.astype(float),
                force_n=f,
                cop=cop,
                free_moment_nm=tq,
                side=side,
                cop_scale_m=1.0,
            )
        )
    if quality is not None and tb.note:
        quality.warn(tb.note)
    return plates


def read_trc(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read a TRC marker file (and a MOT or text force file given as ``opts.forces``)."""
    opts = opts or ReadOptions()
    path = Path(path)
    raw = raw_from_trc(path, opts)
    quality = QualityLog()
    if opts.forces is not None:
        fpath = Path(opts.forces)
        if fpath.suffix.lower() == ".mot":
            raw.plates = raw_plates_from_mot(fpath, quality)
        else:
            from stridelab.io.text import raw_plates_from_text

            raw.plates = raw_plates_from_text(fpath, opts, raw.names, quality)
    trial = build_trial(raw, opts, path)
    for w in quality.warnings:
        trial.quality.warn(w)
    if opts.forces is not None:
        trial.provenance.extra["forces"] = {"path": str(opts.forces), "sha256": sha256_of(opts.forces)}
    return trial


def read_mot(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read a MOT force file alone (a forces-only trial)."""
    opts = opts or ReadOptions()
    path = Path(path)
    if opts.forces is not None:
        raise UsageError(f"--forces {Path(opts.forces).name}: {path.name} is itself a force file; give the marker file (TRC) as the trial")
    quality = QualityLog()
    plates = raw_plates_from_mot(path, quality)
    raw = RawMocap([], np.zeros((plates[0].time_s.size, 0, 3)), plates[0].rate_hz, plates[0].time_s, "m", path.name, "mot", plates)
    trial = build_trial(raw, opts, path)
    for w in quality.warnings:
        trial.quality.warn(w)
    return trial

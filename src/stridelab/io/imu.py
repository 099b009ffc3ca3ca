"""Wearable inertial sensors: stridelab's long IMU layout (CSV or Parquet) and ActiGraph-style exports.

**The long layout** (one row per sample and sensor; sensors stacked)::

    # stridelab-imu 1
    # acc_unit=g
    # gyr_unit=deg/s
    time_s,location,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z
    0.000,left_foot,0.02,-0.98,0.11,3.1,-0.4,12.0
    ...

* ``time_s``: seconds (any origin; kept as the file's own time axis); ``location``: one of
  :data:`LOCATIONS` (``ankle`` is the distal shank; ``hip`` is read as a lower-back proxy, with a
  warning). Without a ``location`` column the file holds one sensor and ``--location`` names it.
* ``acc_x/y/z``: accelerometer (specific force) in the sensor's own axes; ``gyr_x/y/z`` (optional):
  gyroscope in the same axes.
* Units: ``acc_unit`` = ``g`` | ``m/s^2`` (also ``m/s2``, ``mps2``), ``gyr_unit`` = ``deg/s`` |
  ``rad/s``, declared as columns, as ``# key=value`` comment lines before the header (CSV), or as
  key-value metadata of the Parquet file. The data are checked against the declaration (the mean
  specific force over a recording is 0.8-1.45 g at the trunk and up to 2.8 g on a swinging limb,
  which adds centripetal acceleration; running gyroscopes peak at 2-35 rad/s); undeclared units
  are inferred only when the data leave no doubt (with a warning), and refused otherwise.
* Other ``key=value`` metadata (e.g. ``synthetic=true``) are kept in the trial's provenance.

**ActiGraph-style exports** (``loc_id,date_time,x,y,z``, accelerations in g, e.g. the adeptdata
running set): ``loc_id`` such as ``left_hip`` / ``left_ankle``; times become seconds from the first
sample (the start date-time is kept in the provenance).

Signals are stored as :class:`~stridelab.model.trial.ImuData` in m/s² and rad/s, sensor frame; an
unevenly sampled sensor is interpolated onto its median rate, and gaps longer than 3 samples are
left as NaN (and reported).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stridelab.atomic import atomic_path, write_text
from stridelab.errors import InvalidInputError, UsageError
from stridelab.io.csv_progress import read_csv
from stridelab.io.imu_sniff import LONG_REQUIRED as _LONG_REQUIRED
from stridelab.io.imu_sniff import open_text as _open_text
from stridelab.io.imu_sniff import sniff_actigraph, sniff_long
from stridelab.io.options import ReadOptions
from stridelab.io.sanity import check_time_order
from stridelab.model.trial import ImuData, Provenance, QualityLog, Trial

G = 9.80665
LOCATIONS = (
    "left_foot", "right_foot", "left_shank", "right_shank", "left_ankle", "right_ankle",
    "left_wrist", "right_wrist", "sacrum", "hip",
)  # fmt: skip
_ALIASES = {"lower_back": "sacrum", "pelvis": "sacrum", "lumbar": "sacrum", "left_hip": "hip", "right_hip": "hip", "waist": "hip"}
_ACC_UNITS = {"g": G, "m/s^2": 1.0, "m/s2": 1.0, "mps2": 1.0, "m/s²": 1.0, "ms-2": 1.0}
_GYR_UNITS = {"deg/s": np.pi / 180, "dps": np.pi / 180, "°/s": np.pi / 180, "rad/s": 1.0, "radps": 1.0}
_GYR = ("gyr_x", "gyr_y", "gyr_z")
_KV = re.compile(r"([A-Za-z_][\w.-]*)\s*=\s*(\S+)")


def canonical_location(name: str) -> str:
    """A location name as stridelab spells it, or InvalidInputError naming the valid ones."""
    n = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    n = _ALIASES.get(n, n)
    if n not in LOCATIONS:
        raise InvalidInputError(f"unknown sensor location {name!r}; use one of {', '.join(LOCATIONS)}")
    return n


# ------------------------------------------------------------------------------------------ reading


def _comment_metadata(path: Path) -> tuple[dict[str, str], int]:
    meta: dict[str, str] = {}
    n = 0
    with _open_text(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            n += 1
            for k, v in _KV.findall(line[1:]):
                meta[k.lower()] = v
    return meta, n


def _load_long(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise InvalidInputError(f"{path.name}: reading Parquet needs pyarrow (pip install 'stridelab[wearables]')") from None
        try:
            table = pq.read_table(path)
        except Exception as e:  # noqa: BLE001 - corrupt file
            raise InvalidInputError(f"{path.name}: cannot read this Parquet file ({e})") from None
        raw = table.schema.metadata or {}
        meta = {k.decode(errors="replace").lower(): v.decode(errors="replace") for k, v in raw.items() if not k.startswith(b"pandas")}
        return table.to_pandas(), meta
    meta, skip = _comment_metadata(path)
    try:
        df = read_csv(path, f"reading {path.name}", skiprows=skip, low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as e:
        raise InvalidInputError(f"{path.name}: cannot parse as CSV ({e})") from None
    return df, meta


def _unit(df: pd.DataFrame, meta: dict[str, str], key: str, table: dict[str, float], src: str) -> str | None:
    vals: list[str] = []
    if key in df.columns:
        vals = sorted({str(v).strip() for v in df[key].dropna().unique()})
        if len(vals) > 1:
            raise InvalidInputError(f"{src}: the {key} column mixes units ({', '.join(vals)}); use one unit per file")
    declared = vals[0] if vals else meta.get(key)
    if declared is None:
        return None
    if declared.lower() not in {k.lower() for k in table}:
        raise InvalidInputError(f"{src}: {key}={declared!r} is not a unit stridelab knows; use {' or '.join(table)}")
    return next(k for k in table if k.lower() == declared.lower())


#: Plausible mean specific-force norm over a recording, in g, per kind of location: 1 g for the
#: trunk (a real sacral accelerometer whose export clips the flight phase at 0 g averages 1.21-1.36 g
#: over 5-s clips: Alcantara et al. 2022, validation/sacral_grf.py); limb sensors add the mean
#: centripetal acceleration of the swinging limb (up to ~2 g).
_MEAN_G = {"trunk": (0.8, 1.45), "wrist": (0.6, 1.8), "limb": (0.5, 2.8)}


def _kind(loc: str) -> str:
    return "trunk" if loc in ("sacrum", "hip") else ("wrist" if loc.endswith("wrist") else "limb")


def _check_acc(acc: np.ndarray, unit: str | None, src: str, quality: QualityLog, loc: str) -> float:
    """Scale to m/s² after checking the declared (or inferring an undeclared) unit."""
    ok = np.isfinite(acc).all(axis=1)
    if ok.sum() < 10:
        raise InvalidInputError(f"{src}: fewer than 10 valid accelerometer samples")
    mean_norm = float(np.linalg.norm(acc[ok].mean(axis=0)))
    lo, hi = _MEAN_G[_kind(loc)]
    looks_g = lo < mean_norm < hi
    looks_si = lo < mean_norm / G < hi
    if unit is None:
        if looks_g:
            quality.warn(f"{src}: acc_unit not declared; the data (mean specific force {mean_norm:.2f}) look like g, read as g")
            return G
        if looks_si:
            quality.warn(f"{src}: acc_unit not declared; the data (mean specific force {mean_norm:.2f}) look like m/s², read as m/s²")
            return 1.0
        raise InvalidInputError(
            f"{src}: acc_unit is not declared and the data do not show it (mean specific force {mean_norm:.3g}, expected {lo:g}-{hi:g} g "
            "for this location); declare acc_unit=g or acc_unit=m/s^2"
        )
    scale = _ACC_UNITS[unit]
    if (scale == G and looks_si) or (scale == 1.0 and looks_g):
        other = "m/s^2" if scale == G else "g"
        raise InvalidInputError(
            f"{src}: acc_unit={unit} but the mean specific force is {mean_norm:.2f}, which is about 1 g in {other}; fix the declared unit"
        )
    if not (looks_g if scale == G else looks_si):
        raise InvalidInputError(
            f"{src}: the mean specific force is {mean_norm * scale / G:.2f} g (expected {lo:g}-{hi:g} g for this location); this is not an "
            "accelerometer worn while running, or its unit is wrong"
        )
    return scale


def _check_gyr(gyr: np.ndarray, unit: str | None, src: str, quality: QualityLog) -> float:
    ok = np.isfinite(gyr).all(axis=1)
    if not ok.any():
        raise InvalidInputError(f"{src}: the gyroscope columns are empty")
    p99 = float(np.percentile(np.linalg.norm(gyr[ok], axis=1), 99))
    if unit is None:
        if p99 > 60.0:
            quality.warn(f"{src}: gyr_unit not declared; the data (99th percentile {p99:.0f}) look like deg/s, read as deg/s")
            return np.pi / 180
        if p99 < 40.0:
            quality.warn(f"{src}: gyr_unit not declared; the data (99th percentile {p99:.1f}) look like rad/s, read as rad/s")
            return 1.0
        raise InvalidInputError(f"{src}: gyr_unit is not declared and the data could be deg/s or rad/s (99th percentile {p99:.0f}); declare gyr_unit")
    scale = _GYR_UNITS[unit]
    rad = p99 * scale
    if rad > 60.0:
        raise InvalidInputError(f"{src}: gyr_unit={unit} gives angular velocities up to {rad:.0f} rad/s, which no runner reaches; is it deg/s?")
    if rad < 0.05:
        raise InvalidInputError(f"{src}: gyr_unit={unit} gives angular velocities below {rad:.3f} rad/s; is the unit wrong (rad/s read as deg/s?)")
    return scale


def _uniform(t: np.ndarray, x: np.ndarray, src: str, quality: QualityLog) -> tuple[np.ndarray, np.ndarray, float]:
    """Samples on a uniform grid: (time_s, values, rate_hz)."""
    check_time_order(t, src)  # time that goes backwards is a damaged or joined file: never sorted silently
    order = np.argsort(t, kind="stable")
    t, x = t[order], x[order]
    keep = np.concatenate(([True], np.diff(t) > 0))
    if not keep.all():
        quality.warn(f"{src}: {int((~keep).sum())} repeated time stamp(s) dropped")
        t, x = t[keep], x[keep]
    if t.size < 10:
        raise InvalidInputError(f"{src}: fewer than 10 samples")
    dt = float(np.median(np.diff(t)))
    rate = 1.0 / dt
    if abs(rate - round(rate)) < 0.01 * rate:
        rate = float(round(rate))
    grid = t[0] + np.arange(int(np.floor((t[-1] - t[0]) * rate + 1e-6)) + 1) / rate
    if grid.size == t.size and np.max(np.abs(grid - t)) < 0.25 / rate:
        return t, x, rate
    idx = np.clip(np.searchsorted(t, grid), 1, t.size - 1)
    near = np.minimum(np.abs(t[idx] - grid), np.abs(t[idx - 1] - grid))
    out = np.stack([np.interp(grid, t, x[:, j]) for j in range(x.shape[1])], axis=1)
    gap = near > 3.0 / rate
    out[gap] = np.nan
    quality.note("imu_resampled", sensor=src, rate_hz=rate, gap_samples=int(gap.sum()))
    if gap.any():
        quality.warn(f"{src}: {gap.sum() / rate:.1f} s of gaps (longer than 3 samples) left empty")
    return grid, out, rate


def _crop(t: np.ndarray, arrays: list[np.ndarray | None], opts: ReadOptions) -> tuple[np.ndarray, list[np.ndarray | None]]:
    m = np.ones(t.size, dtype=bool)
    if opts.start_s is not None:
        m &= t >= opts.start_s
    if opts.end_s is not None:
        m &= t <= opts.end_s
    return t[m], [None if a is None else a[m] for a in arrays]


def _sensor(
    loc: str, t: np.ndarray, acc: np.ndarray, gyr: np.ndarray | None, acc_unit: str | None, gyr_unit: str | None,
    opts: ReadOptions, quality: QualityLog, src: str,
) -> ImuData:  # fmt: skip
    label = f"{src} [{loc}]"
    sa = _check_acc(acc, acc_unit, label, quality, loc)
    sg = _check_gyr(gyr, gyr_unit, label, quality) if gyr is not None else 1.0
    vals = acc * sa if gyr is None else np.concatenate([acc * sa, gyr * sg], axis=1)
    tt, v, rate = _uniform(t.astype(float), vals, label, quality)
    tt, (v2,) = _crop(tt, [v], opts)
    assert v2 is not None
    if tt.size < 10:
        raise InvalidInputError(f"{label}: nothing left in the window --start-s/--end-s")
    return ImuData(loc, rate, tt, v2[:, :3].copy(), None if gyr is None else v2[:, 3:6].copy())


def _provenance(path: Path, fmt: str, units: str, meta: dict[str, Any]) -> Provenance:
    from stridelab.io.assemble import sha256_of

    return Provenance(path=str(path), sha256=sha256_of(path), format=fmt, reader=f"stridelab.io.imu:{fmt}", units_in=units, extra={"imu_metadata": meta})


def _location_notes(trial: Trial) -> None:
    if "hip" in trial.imu:
        trial.quality.warn("the hip sensor is read as a lower-back (sacrum) proxy; its contact times are less accurate than a sacrum sensor's")


def read_imu_long(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read the long IMU layout (module docstring) into a Trial with ``trial.imu`` filled."""
    opts = opts or ReadOptions()
    path = Path(path)
    src = path.name
    df, meta = _load_long(path)
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in _LONG_REQUIRED if c not in df.columns]
    if missing:
        raise InvalidInputError(f"{src}: missing column(s) {', '.join(missing)}; the IMU layout is time_s, location, acc_x, acc_y, acc_z[, gyr_x, gyr_y, gyr_z]")
    has_gyr = all(c in df.columns for c in _GYR)
    if any(c in df.columns for c in _GYR) and not has_gyr:
        raise InvalidInputError(f"{src}: give all three gyroscope columns gyr_x, gyr_y, gyr_z or none")
    num_cols = list(_LONG_REQUIRED) + (list(_GYR) if has_gyr else [])
    num = df[num_cols].apply(pd.to_numeric, errors="coerce")
    bad = int(num["time_s"].isna().sum())
    if bad:
        raise InvalidInputError(f"{src}: {bad} row(s) with an empty or non-numeric time_s")
    acc_unit = _unit(df, meta, "acc_unit", _ACC_UNITS, src)
    gyr_unit = _unit(df, meta, "gyr_unit", _GYR_UNITS, src) if has_gyr else None
    quality = QualityLog()
    if "location" in df.columns:
        if opts.location is not None:
            raise UsageError(f"{src} names its sensor location(s) in a location column; --location is only for single-sensor files")
        locs = df["location"].astype(str)
        groups = {canonical_location(name): np.flatnonzero((locs == name).to_numpy()) for name in locs.unique()}
        if len(groups) != locs.nunique():
            raise InvalidInputError(f"{src}: two location names mean the same sensor ({', '.join(locs.unique())})")
    else:
        if opts.location is None:
            raise UsageError(f"{src} has no location column: pass --location (one of {', '.join(LOCATIONS)}) for this single sensor")
        groups = {canonical_location(opts.location): np.arange(len(df))}
    arr = num.to_numpy(dtype=float)
    trial = Trial(quality=quality)
    for loc, idx in groups.items():
        a = arr[idx]
        gyr = a[:, 4:7] if has_gyr else None
        trial.imu[loc] = _sensor(loc, a[:, 0], a[:, 1:4], gyr, acc_unit, gyr_unit, opts, quality, src)
    units = f"acc {acc_unit or 'inferred'}" + (f", gyr {gyr_unit or 'inferred'}" if has_gyr else "")
    trial.provenance = _provenance(path, "imu", units, meta)
    _location_notes(trial)
    return trial


def read_actigraph(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read an ActiGraph-style export ``loc_id,date_time,x,y,z`` (accelerations in g)."""
    opts = opts or ReadOptions()
    path = Path(path)
    src = path.name
    try:
        df = read_csv(path, f"reading {src}", usecols=[0, 1, 2, 3, 4], low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError, ValueError) as e:
        raise InvalidInputError(f"{src}: cannot parse as an ActiGraph CSV export ({e})") from None
    df.columns = ["loc_id", "date_time", "x", "y", "z"]
    try:
        stamps = pd.to_datetime(df["date_time"], errors="coerce", format="ISO8601")
    except ValueError:
        stamps = pd.to_datetime(df["date_time"], errors="coerce", format="mixed")
    if stamps.isna().any():
        raise InvalidInputError(f"{src}: {int(stamps.isna().sum())} row(s) with an unreadable date_time")
    t0 = stamps.min()
    t = (stamps - t0).dt.total_seconds().to_numpy()
    xyz = df[["x", "y", "z"]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    quality = QualityLog()
    trial = Trial(quality=quality)
    names = df["loc_id"].astype(str)
    if opts.location is not None and names.nunique() > 1:
        raise UsageError(f"{src} names its sensor locations in loc_id; --location is only for single-sensor files")
    for name in names.unique():
        loc = canonical_location(opts.location) if opts.location is not None else canonical_location(name)
        if loc in trial.imu:
            raise InvalidInputError(f"{src}: two loc_id values map to the same location {loc}")
        idx = np.flatnonzero((names == name).to_numpy())
        trial.imu[loc] = _sensor(loc, t[idx], xyz[idx], None, "g", None, opts, quality, src)
        if name.lower().startswith(("left_", "right_")) and loc == "hip":
            quality.note("imu_location", original=name, read_as=loc)
    trial.provenance = _provenance(path, "actigraph", "acc g", {"start": str(t0), "loc_id": list(names.unique())})
    _location_notes(trial)
    return trial


# ------------------------------------------------------------------------------------------ writing


def write_imu_long(path: str | Path, sensors: dict[str, ImuData], metadata: dict[str, str] | None = None) -> None:
    """Write sensors in the long layout (CSV, CSV.gz or Parquet by extension), in m/s² and rad/s."""
    path = Path(path)
    meta = {"format": "stridelab-imu 1", "acc_unit": "m/s^2", "gyr_unit": "rad/s", **(metadata or {})}
    frames = []
    for loc, s in sensors.items():
        d: dict[str, Any] = {"time_s": s.time_s, "location": loc}
        for j, ax in enumerate("xyz"):
            d[f"acc_{ax}"] = s.acc_mps2[:, j]
        if s.gyr_radps is not None:
            for j, ax in enumerate("xyz"):
                d[f"gyr_{ax}"] = s.gyr_radps[:, j]
        frames.append(pd.DataFrame(d))
    df = pd.concat(frames, ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **{k.encode(): str(v).encode() for k, v in meta.items()}})
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)
        return
    header = "".join(f"# {k}={v}\n" if k != "format" else f"# {v}\n" for k, v in meta.items())
    text = header + df.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    if path.suffix.lower() == ".gz":
        import gzip

        with atomic_path(path) as tmp, gzip.open(tmp, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        write_text(path, text)


__all__ = ["LOCATIONS", "canonical_location", "read_actigraph", "read_imu_long", "sniff_actigraph", "sniff_long", "write_imu_long"]

"""FIT record messages -> the per-record table of ``Trial.records`` (units in column names).

Native fields come first; a developer field that measures the same quantity is kept beside it as
``<column>_dev`` and used only where the file has no native value for it (the choice is made per
column, never mixed within a column). ``sources`` says, for every column, which field it came from.
Zeros in fields listed in :data:`~stridelab.io.fit_fields.ZERO_IS_MISSING` become missing. Each
record gets a ``state`` (run / walk / stop, see :mod:`stridelab.io.fit_fields`) and an
``implausible`` list of the metrics whose value lies outside the running ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stridelab.io.fit_decode import FIT_EPOCH_S, FitFile
from stridelab.io.fit_fields import (
    PLAUSIBLE_RUNNING,
    STOP_SPEED_MPS,
    WALK_CADENCE_SPM,
    ZERO_IS_MISSING,
    canonical_developer_name,
    unit_factor,
)
from stridelab.io.fit_messages import developer_column, developer_fields
from stridelab.model.columns import Columns

_SEMICIRCLE_DEG = 180.0 / 2**31


@dataclass
class RecordTable:
    records: Columns
    sources: dict[str, str] = field(default_factory=dict)
    cadence_rule: str = ""
    warnings: list[str] = field(default_factory=list)
    developer: list[dict[str, Any]] = field(default_factory=list)


def _first(rc: dict[str, np.ndarray], *names: str) -> tuple[np.ndarray | None, str | None]:
    for n in names:
        v = rc.get(n)
        if v is not None and v.dtype != object and np.isfinite(v).any():
            return v.astype(np.float64), n
    return None, None


def _native(rc: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    cols: dict[str, np.ndarray] = {}
    src: dict[str, str] = {}

    def put(col: str, names: tuple[str, ...], scale: float = 1.0) -> None:
        v, n = _first(rc, *names)
        if v is not None:
            cols[col] = v * scale
            src[col] = f"record.{n} (native)" + (f" x {scale:g}" if scale != 1.0 else "")

    put("distance_m", ("distance",))
    put("speed_mps", ("enhanced_speed", "speed"))
    put("altitude_m", ("enhanced_altitude", "altitude"))
    put("grade_pct", ("grade",))
    put("heart_rate_bpm", ("heart_rate",))
    put("power_w", ("power",))
    put("gct_ms", ("stance_time",))
    put("gct_pct", ("stance_time_percent",))
    put("vertical_oscillation_cm", ("vertical_oscillation",), 0.1)
    put("vertical_ratio_pct", ("vertical_ratio",))
    put("gct_balance_left_pct", ("stance_time_balance",))
    put("step_length_m", ("step_length",), 1e-3)
    put("temperature_c", ("temperature",))
    put("lat_deg", ("position_lat",), _SEMICIRCLE_DEG)
    put("lon_deg", ("position_long",), _SEMICIRCLE_DEG)
    cad, n = _first(rc, "cadence", "cadence256")
    if cad is not None:
        frac, _ = _first(rc, "fractional_cadence")
        if frac is not None and n == "cadence":
            cad = cad + np.nan_to_num(frac)
        cols["cadence_raw"] = cad
        src["cadence_raw"] = f"record.{n}" + (" + fractional_cadence" if frac is not None and n == "cadence" else "") + " (native)"
    return cols, src


def _developer(ff: FitFile, n: int, cols: dict[str, np.ndarray], src: dict[str, str], warnings: list[str]) -> list[dict[str, Any]]:
    found = []
    for key, desc in developer_fields(ff).items():
        name = desc.get("name")
        canon = canonical_developer_name(name)
        info = {"name": name, "units": desc.get("units"), "developer_data_index": key[0], "field": key[1], "used_as": None}
        found.append(info)
        if canon is None:
            continue
        metric, kind = canon
        factor = unit_factor(kind, desc.get("units"))
        if factor is None:
            warnings.append(f"developer field {name!r} has units {desc.get('units')!r} that stridelab does not know; left out")
            continue
        v = developer_column(ff, 20, key, desc)
        if v is None or len(v) != n or not np.isfinite(v).any():
            continue
        v = v * factor
        label = f"developer field {name!r} [{desc.get('units') or 'no units'}] (data index {key[0]})"
        native = cols.get(metric)
        if native is not None and np.isfinite(native[native != 0] if metric in ZERO_IS_MISSING else native).any():
            cols[f"{metric}_dev"] = v
            src[f"{metric}_dev"] = label
            info["used_as"] = f"{metric}_dev (native {metric} preferred)"
        else:
            if native is not None:
                cols[f"{metric}_native"] = native
                src[f"{metric}_native"] = src[metric] + " (empty; developer field used)"
            cols[metric] = v
            src[metric] = label
            info["used_as"] = metric
    return found


def _cadence_factor(raw: np.ndarray, speed: np.ndarray | None, step_m: np.ndarray | None, src: str) -> tuple[float, str]:
    moving = np.isfinite(raw) & (raw > 0)
    if speed is not None:
        moving &= np.nan_to_num(speed) >= STOP_SPEED_MPS
    if not moving.any():
        return 2.0, "no moving records with cadence; FIT profile meaning (strides/min) assumed: x2"
    med = float(np.median(raw[moving]))
    if speed is not None and step_m is not None:
        ok = moving & np.isfinite(step_m) & (step_m > 0.2)
        if ok.sum() >= 10:
            implied = float(np.median(60.0 * speed[ok] / step_m[ok]))
            f = 2.0 if abs(2 * med - implied) <= abs(med - implied) else 1.0
            return f, f"{src}: median {med:.1f}; 60 x speed / step length gives {implied:.0f} steps/min, so x{f:g}"
    if 60.0 <= med <= 120.0:
        return 2.0, f"{src}: median {med:.1f} of moving records is strides/min (60-120): x2"
    if 120.0 < med <= 250.0:
        return 1.0, f"{src}: median {med:.1f} of moving records is already steps/min (120-250): x1"
    return 2.0, f"{src}: median {med:.1f} fits neither range; FIT profile meaning (strides/min) assumed: x2"


def build_records(ff: FitFile, rc: dict[str, np.ndarray], t0_fit_s: float) -> RecordTable:
    """The per-record table (see module docstring); ``t0_fit_s`` is time zero (FIT seconds)."""
    n = len(rc["_seq"])
    warnings: list[str] = []
    cols, src = _native(rc)
    dev = _developer(ff, n, cols, src, warnings)
    ts = rc["timestamp"].astype(np.float64)
    out: dict[str, Any] = {"time_s": ts - t0_fit_s}
    speed = cols.get("speed_mps")
    rule = ""
    if "cadence_raw" in cols:
        raw = cols.pop("cadence_raw")
        f, rule = _cadence_factor(raw, speed, cols.get("step_length_m"), src.pop("cadence_raw"))
        cols["cadence_spm"] = raw * f
        src["cadence_spm"] = rule
        if f == 1.0:
            warnings.append(f"cadence in this file is already in steps/min ({rule})")
        if "cadence_raw_dev" in cols:
            cols["cadence_spm_dev"] = cols.pop("cadence_raw_dev") * f
            src["cadence_spm_dev"] = src.pop("cadence_raw_dev") + f" x {f:g} (same rule)"
    for c in list(cols):
        if c.removesuffix("_dev") in ZERO_IS_MISSING:
            v = cols[c]
            v[v == 0] = np.nan
    out.update(cols)
    df = Columns(out)
    df["state"] = _states(df)
    df["implausible"] = _implausible(df)
    return RecordTable(df, src, rule, warnings, dev)


def _states(df: Columns) -> np.ndarray:
    state = np.full(len(df), "run", dtype=object)
    if "cadence_spm" in df:
        cad = np.asarray(df["cadence_spm"], dtype=float)
        state[np.isfinite(cad) & (cad < WALK_CADENCE_SPM)] = "walk"
        state[np.isfinite(cad) & (cad == 0)] = "stop"
    if "speed_mps" in df:
        sp = np.asarray(df["speed_mps"], dtype=float)
        state[np.isfinite(sp) & (sp < STOP_SPEED_MPS)] = "stop"
    return state


def _implausible(df: Columns) -> np.ndarray:
    run = df["state"] == "run"
    flags = [[] for _ in range(len(df))]  # type: list[list[str]]
    for metric, (lo, hi) in PLAUSIBLE_RUNNING.items():
        for col in (metric, f"{metric}_dev"):
            if col not in df:
                continue
            v = np.asarray(df[col], dtype=float)
            bad = run & np.isfinite(v) & ((v < lo) | (v > hi))
            for i in np.flatnonzero(bad):
                flags[i].append(col)
    return np.array([";".join(f) for f in flags], dtype=object)


def fit_time_s(ts: np.ndarray) -> np.ndarray:
    """FIT timestamps (s since 1989-12-31) to Unix seconds."""
    return ts + FIT_EPOCH_S

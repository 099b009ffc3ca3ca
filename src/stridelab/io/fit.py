"""Read a FIT activity file (watch, foot pod) into a :class:`~stridelab.model.trial.Trial`.

The file is decoded by :mod:`stridelab.io.fit_decode` (vectorised; field profile from
``garmin-fit-sdk``). What the trial gets:

* ``records``: one row per record message of the running parts, units in the column names
  (:mod:`stridelab.io.fit_records`), time in seconds from the activity's start;
* ``laps`` and ``sessions``: the watch's own per-lap and per-session summaries, units normalised;
* ``provenance.extra["fit"]``: device, start time, sport, the source of every column, the
  cadence rule, developer fields, where the file breaks.

Sport. Each session names its sport; records belong to the session whose time span holds them.
Only running sessions are kept (multisport files: the running legs). A file whose sessions are all
something else (cycling, walking, swimming ...) is refused with :class:`NotRunningError` naming
the sport. Without sessions (a file cut off before its summary), the ``sport`` message, then the
laps' sport decide; with none of them the records' cadence and speed must look like running.

Damage. Records that decode before the break are kept and a warning names the byte offset and
message index where the file breaks (:class:`~stridelab.io.fit_decode.FitBreak`); the reader fails
only when no running record decodes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError, NotRunningError
from stridelab.io.fit_decode import FIT_EPOCH_S, FitFile, decode_fit
from stridelab.io.fit_fields import RUNNING_SPORTS, TREADMILL_SUB_SPORTS, WALK_CADENCE_SPM
from stridelab.io.fit_messages import message_columns, message_dicts
from stridelab.io.fit_records import build_records
from stridelab.io.options import ReadOptions
from stridelab.model.columns import Columns
from stridelab.model.trial import Trial

#: Summary fields of laps and sessions, FIT name -> (column, factor).
SUMMARY_FIELDS: dict[str, tuple[str, float]] = {
    "total_elapsed_time": ("elapsed_s", 1.0),
    "total_timer_time": ("timer_s", 1.0),
    "total_distance": ("distance_m", 1.0),
    "enhanced_avg_speed": ("avg_speed_mps", 1.0),
    "avg_speed": ("avg_speed_mps", 1.0),
    "avg_heart_rate": ("avg_heart_rate_bpm", 1.0),
    "avg_power": ("avg_power_w", 1.0),
    "avg_stance_time": ("avg_gct_ms", 1.0),
    "avg_stance_time_percent": ("avg_gct_pct", 1.0),
    "avg_vertical_oscillation": ("avg_vertical_oscillation_cm", 0.1),
    "avg_vertical_ratio": ("avg_vertical_ratio_pct", 1.0),
    "avg_stance_time_balance": ("avg_gct_balance_left_pct", 1.0),
    "avg_step_length": ("avg_step_length_m", 1e-3),
    "total_ascent": ("ascent_m", 1.0),
    "total_descent": ("descent_m", 1.0),
}


def _summary_table(msgs: list[dict[str, Any]], t0: float, cadence_factor: float) -> Columns:
    rows = []
    for i, m in enumerate(msgs):
        start = m.get("start_time")
        end = m.get("timestamp")
        if start is not None and m.get("total_elapsed_time") is not None:
            end = start + m["total_elapsed_time"]
        row: dict[str, Any] = {
            "index": i,
            "sport": m.get("sport"),
            "sub_sport": m.get("sub_sport"),
            "start_s": float(start) - t0 if start is not None else np.nan,
            "end_s": float(end) - t0 if end is not None else np.nan,
        }
        for name, (col, f) in SUMMARY_FIELDS.items():
            if col not in row and m.get(name) is not None:
                row[col] = float(m[name]) * f
        cad = m.get("avg_running_cadence", m.get("avg_cadence"))
        if cad is not None:
            row["avg_cadence_spm"] = (float(cad) + float(m.get("avg_fractional_cadence", 0.0))) * cadence_factor
        rows.append(row)
    return Columns.from_rows(rows)


def _sport_of_file(ff: FitFile, sessions: list[dict[str, Any]], laps: list[dict[str, Any]]) -> tuple[list[Any], str]:
    if sessions:
        return [s.get("sport") for s in sessions], "session"
    sports = [s.get("sport") for s in message_dicts(ff, 12) if s.get("sport") is not None]
    if sports:
        return sports, "sport message"
    lsp = [x.get("sport") for x in laps if x.get("sport") is not None]
    return (lsp, "laps") if lsp else ([], "none")


def _assign(ts: np.ndarray, tables: list[dict[str, Any]]) -> np.ndarray:
    """Index of the message (session or lap) whose time span holds each timestamp; -1 if none."""
    idx = np.full(len(ts), -1, dtype=np.int64)
    for i, m in enumerate(tables):
        start = m.get("start_time")
        end = m.get("timestamp")
        if start is not None and m.get("total_elapsed_time") is not None:
            end = max(float(end or 0), start + m["total_elapsed_time"])
        if start is None or end is None:
            continue
        idx[(ts >= start) & (ts <= end) & (idx < 0)] = i
    return idx


def _assign_laps(ts: np.ndarray, laps: list[dict[str, Any]]) -> np.ndarray | int:
    """Lap of each record: the last lap that started at or before it (records before the first lap's
    start belong to the first lap)."""
    starts = np.array([float(x.get("start_time", np.nan)) for x in laps])
    if not laps or not np.isfinite(starts).all():
        return -1
    return np.clip(np.searchsorted(starts, ts, side="right") - 1, 0, len(laps) - 1)


def _refuse(name: str, sports: list[Any], how: str) -> None:
    kinds = sorted({str(s) for s in sports if s is not None})
    what = " and ".join(kinds) if kinds else "an unknown sport"
    raise NotRunningError(f"{name} is a {what} activity (the file's {how} says so), not a run; stridelab analyses running")


def _looks_like_running(rec: Columns) -> bool:
    cad = np.asarray(rec["cadence_spm"], dtype=float) if "cadence_spm" in rec else np.array([])
    cad = cad[np.isfinite(cad) & (cad > 0)]
    if cad.size >= 10:
        return bool(np.median(cad) >= WALK_CADENCE_SPM)
    sp = np.asarray(rec["speed_mps"], dtype=float) if "speed_mps" in rec else np.array([])
    sp = sp[np.isfinite(sp)]
    return bool(sp.size >= 10 and 2.0 <= np.median(sp) <= 7.0)


def read_fit(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read the running parts of a FIT activity file (see module docstring)."""
    opts = opts or ReadOptions()
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InvalidInputError(f"{p.name}: cannot read ({e.strerror})") from None
    ff = decode_fit(data)
    fatal = [b for b in ff.breaks if b.fatal]
    rc = message_columns(ff, 20)
    n_rec = len(rc.get("_seq", []))
    if n_rec == 0 or "timestamp" not in rc:
        where = f"; decoding stopped at {fatal[0].describe()}" if fatal else ""
        ftype = next((d.get("type") for d in message_dicts(ff, 0) if d.get("type")), None)
        kind = f" (a FIT '{ftype}' file)" if ftype not in (None, "activity") else ""
        raise InvalidInputError(f"{p.name}: no activity records could be decoded{kind}{where}; give a FIT activity file of a run")
    sessions = message_dicts(ff, 18)
    laps = message_dicts(ff, 19)
    sports, how = _sport_of_file(ff, sessions, laps)
    ts = rc["timestamp"]
    has_ts = np.isfinite(ts)
    starts = [float(s["start_time"]) for s in sessions if s.get("start_time") is not None]
    t0 = min([float(np.nanmin(ts))] + starts)
    table = build_records(ff, rc, t0)
    rec = table.records
    warnings = list(table.warnings)
    if not has_ts.all():
        warnings.append(f"{int((~has_ts).sum())} records without a timestamp were left out")
    keep = has_ts.copy()
    sess_idx = _assign(ts, sessions) if sessions else np.zeros(n_rec, dtype=np.int64)
    if sessions:
        running = [i for i, s in enumerate(sessions) if s.get("sport") in RUNNING_SPORTS]
        if not running:
            _refuse(p.name, sports, how)
        if len(running) < len(sessions):
            others = ", ".join(f"{i + 1}: {s.get('sport')}" for i, s in enumerate(sessions) if i not in running)
            warnings.append(f"multisport file: analysing the running sessions only ({len(running)} of {len(sessions)}; left out {others})")
        outside = sess_idx < 0
        if outside.any() and len(sessions) == 1 and running == [0]:
            sess_idx[outside] = 0  # one running session: records just outside its span still belong to it
        keep &= np.isin(sess_idx, running)
    elif sports:
        if not any(s in RUNNING_SPORTS for s in sports):
            _refuse(p.name, sports, how)
        warnings.append(f"the file has no session summary (cut off?); sport '{sports[0]}' taken from its {how}")
    elif not _looks_like_running(rec):
        raise NotRunningError(f"{p.name}: the file names no sport and its cadence and speed do not look like running; stridelab analyses running")
    else:
        warnings.append("the file names no sport; analysed as a run because its cadence and speed look like running")
    rec = rec.select(rec.columns)
    rec["session"] = sess_idx
    rec["lap"] = np.broadcast_to(np.asarray(_assign_laps(ts, laps), dtype=np.int64), (n_rec,))
    rec = rec.take(keep)
    if len(rec) == 0:
        raise InvalidInputError(f"{p.name}: no running records could be decoded" + (f"; the file breaks at {fatal[0].describe()}" if fatal else ""))
    order = np.argsort(rec["time_s"], kind="stable")
    if (np.diff(rec["time_s"]) < 0).any():
        warnings.append("record timestamps go backwards in places; records were put in time order")
        rec = rec.take(order)
    for b in ff.breaks:
        if b.fatal:
            warnings.append(f"{p.name} is damaged: decoding stopped at {b.describe()}; the {len(rec)} running records before it were kept")
        else:
            warnings.append(f"{p.name}: {b.describe()}")
    cad_factor = 1.0 if "x1" in table.cadence_rule else 2.0
    trial = Trial(records=rec, laps=_summary_table(laps, t0, cad_factor), sessions=_summary_table(sessions, t0, cad_factor))
    sub = {s.get("sub_sport") for s in sessions} | {s.get("sub_sport") for s in message_dicts(ff, 12)}
    trial.environment = "treadmill" if sub & TREADMILL_SUB_SPORTS else "overground"
    for w in warnings:
        trial.quality.warn(w)
    _flag_quality(trial, rec)
    _subject(ff, trial)
    fid = (message_dicts(ff, 0) or [{}])[0]
    trial.provenance.path = str(p)
    trial.provenance.sha256 = hashlib.sha256(data).hexdigest()
    trial.provenance.format = "fit"
    trial.provenance.reader = "stridelab.io.fit:read_fit"
    trial.provenance.units_in = "FIT profile units (normalised: ms, cm, m, m/s, steps/min)"
    trial.provenance.extra["fit"] = {
        "manufacturer": fid.get("manufacturer"),
        "product": fid.get("garmin_product", fid.get("product")),
        "start_utc": datetime.fromtimestamp(t0 + FIT_EPOCH_S, UTC).isoformat(),
        "t0_fit_s": t0,
        "sport": sorted({str(s) for s in sports}) if sports else None,
        "sport_from": how,
        "sources": table.sources,
        "cadence_rule": table.cadence_rule,
        "developer_fields": table.developer,
        "breaks": [{"offset": b.offset, "message_index": b.message_index, "reason": b.reason, "fatal": b.fatal} for b in ff.breaks],
        "n_records_decoded": n_rec,
        "n_records_running": int(len(rec)),
    }
    return _window(trial, opts)


def _flag_quality(trial: Trial, rec: Columns) -> None:
    flagged = rec["implausible"]
    nz = flagged != ""
    if not nz.any():
        return
    counts: dict[str, list[float]] = {}
    for t, f in zip(rec["time_s"][nz], flagged[nz], strict=True):
        for m in str(f).split(";"):
            counts.setdefault(m, []).append(float(t))
    from stridelab.io.fit_fields import PLAUSIBLE_RUNNING

    for m, times in counts.items():
        lo, hi = PLAUSIBLE_RUNNING[m.removesuffix("_dev")]
        vals = np.asarray(rec[m], dtype=float)[np.isin(rec["time_s"], times)]
        trial.quality.warn(
            f"{len(times)} records with {m} outside the running range {lo:g}-{hi:g} (e.g. {vals[0]:g} at {times[0]:.0f} s) are left out of the summaries",
            kind="fit_implausible",
            metric=m,
            n_records=len(times),
            range=[lo, hi],
            times_s=times[:50],
        )


def _subject(ff: FitFile, trial: Trial) -> None:
    prof = message_dicts(ff, 3)
    if not prof:
        return
    u = prof[0]
    w, h = u.get("weight"), u.get("height")
    if w is not None and 25.0 <= float(w) <= 250.0:
        trial.subject.set("mass_kg", float(w), "FIT user profile")
    if h is not None and 1.0 <= float(h) <= 2.5:
        trial.subject.set("height_m", float(h), "FIT user profile")


def _window(trial: Trial, opts: ReadOptions) -> Trial:
    if opts.start_s is None and opts.end_s is None:
        return trial
    rec = trial.record_columns
    assert rec is not None
    t = rec["time_s"]
    m = np.ones(len(rec), bool)
    if opts.start_s is not None:
        m &= t >= opts.start_s
    if opts.end_s is not None:
        m &= t <= opts.end_s
    if not m.any():
        raise InvalidInputError(f"no records between --start-s and --end-s (the run spans {t[0]:.0f}-{t[-1]:.0f} s)")
    trial.records = rec.take(m)
    return trial

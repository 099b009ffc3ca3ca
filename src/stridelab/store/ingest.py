"""Putting an analysed trial into the record: one transaction, idempotent, safe under concurrency.

``input_key`` names what was analysed (runner, owner, the SHA-256 of every input file and the
analysis parameters); the trials table holds it under a unique constraint. ``store_analysis``
writes runner, session, files, trial, analysis, metrics and scores in one transaction; if another
import stored the same key first (a race), the database refuses the row and the result is
"already stored" with nothing written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from stridelab._version import __version__
from stridelab.store.models import Analysis as AnalysisRow
from stridelab.store.models import Base, File, Runner, Trial
from stridelab.store.models import Session as VisitSession
from stridelab.store.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

#: Roles of the input files of one trial.
ROLES = ("file", "static", "forces")
#: Tries of one import when a concurrent import commits a shared row (runner, session, file) first.
MAX_ATTEMPTS = 5


@dataclass
class StoredResult:
    """What became of one import: ``status`` is "new" or "already stored"."""

    status: str
    runner: str
    date: dt.date
    source: str
    trial_name: str
    speed_mps: float | None = None
    n_metrics: int = 0
    notes: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_key(runner: str, owner: str, hashes: dict[str, str | None], parameters: dict[str, Any]) -> str:
    """The identity of an import: same runner, same files and same parameters give the same key."""
    doc = {"runner": runner, "owner": owner, "files": {r: hashes.get(r) for r in ROLES}, "parameters": parameters}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def is_stored(store: Store, key: str) -> bool:
    with store.read() as s:
        return s.scalar(select(Trial.id).where(Trial.input_key == key)) is not None


def source_of(analysis: Analysis) -> str:
    """The kind of recording: mocap, imu, watch or video."""
    t = analysis.trial
    if t.has_markers or t.has_forces:
        return "mocap"
    if t.imu:
        return "imu"
    if t.keypoints is not None:
        return "video"
    return "watch"


def metric_rows(analysis: Analysis) -> dict[tuple[str, str], float]:
    """(kind, name) -> value for every finite number of the analysis (see :class:`~stridelab.store.models.Metric`)."""
    out: dict[tuple[str, str], float] = {}

    def put(kind: str, d: dict[str, Any]) -> None:
        for k, v in d.items():
            if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                continue
            if math.isfinite(float(v)):
                out[(kind, k)] = float(v)

    put("summary", analysis.summary)
    put("summary", volume(analysis))
    for side in ("left", "right"):
        put(side, analysis.by_side.get(side, {}))
    put("summary", {f"{k}_symmetry_pct": v for k, v in analysis.symmetry_pct.items()})
    for kind, half in zip(("half1", "half2"), split_halves(analysis.steps), strict=True):
        put(kind, half)
    return out


def volume(analysis: Analysis) -> dict[str, float]:
    """Distance (km) and duration (min) of a watch run from its records, for weekly training load."""
    rec = analysis.trial.records
    if rec is None or "time_s" not in rec.columns or not len(rec):
        return {}
    out = {}
    t = rec["time_s"].to_numpy(dtype=float)
    if np.isfinite(t).sum() > 1:
        out["duration_min"] = float(np.nanmax(t) - np.nanmin(t)) / 60.0
    if "distance_m" in rec.columns:
        d = rec["distance_m"].to_numpy(dtype=float)
        if np.isfinite(d).sum() > 1:
            out["distance_km"] = float(np.nanmax(d) - np.nanmin(d)) / 1000.0
    return out


def recorded_date(analysis: Analysis) -> dt.date | None:
    """The date a device stored in the file (FIT ``start_utc``), or None."""
    fit = analysis.trial.provenance.extra.get("fit")
    start = fit.get("start_utc") if isinstance(fit, dict) else None
    try:
        return dt.datetime.fromisoformat(str(start)).date() if start else None
    except ValueError:
        return None


def split_halves(steps: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """Medians of every numeric step column over the first and the second half of the steps (in time
    order), and each column's left/right symmetry index (``<name>_symmetry_pct``, 100 x (L - R) /
    mean of the side means, as in the summary): two repeated measurements within one trial, for
    test-retest variability. A value needs 4 finite steps in its half (symmetry: 2 steps a side).
    Empty when the trial has fewer than 8 steps."""
    if len(steps) < 8:
        return {}, {}
    num = steps.select_dtypes(include="number").drop(columns=["ic_s", "to_s", "next_ic_s"], errors="ignore")
    order = np.argsort(steps["ic_s"].to_numpy(dtype=float), kind="stable")
    x = num.to_numpy(dtype=float)[order]
    sides = steps["side"].to_numpy(dtype=object)[order]
    names = [str(c) for c in num.columns]
    n = len(x) // 2
    halves = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: left out below
        for sl in (slice(0, n), slice(n, 2 * n)):
            xh, side = x[sl], sides[sl]
            med = np.nanmedian(xh, axis=0)
            ok = np.isfinite(xh).sum(axis=0) >= 4
            h = {k: float(v) for k, v, good in zip(names, med, ok, strict=True) if good and np.isfinite(v)}
            left, right = side == "left", side == "right"
            if left.sum() >= 2 and right.sum() >= 2:
                lv, rv = np.nanmean(xh[left], axis=0), np.nanmean(xh[right], axis=0)
                si = 100.0 * (lv - rv) / (0.5 * (lv + rv))
                h.update({f"{k}_symmetry_pct": float(v) for k, v in zip(names, si, strict=True) if np.isfinite(v)})
            halves.append(h)
    return halves[0], halves[1]


def contact_sources(analysis: Analysis) -> str | None:
    """"left:SOURCE|right:SOURCE" where each side's contacts came from (None: no contacts)."""
    c = analysis.contacts
    if not len(c) or "source" not in c.columns:
        return None
    parts = []
    for side in ("left", "right"):
        srcs = sorted({str(x) for x in c.loc[c["side"] == side, "source"].dropna()})
        if srcs:
            parts.append(f"{side}:{','.join(srcs)}")
    return "|".join(parts) or None


def skill_scores(analysis: Analysis) -> tuple[dict[str, float], str]:
    """The default skill model's scores of an analysed motion-capture trial (``skill_value`` and one
    ``group:<name>`` per measured group, 0-100) and the model's name; empty when the trial cannot
    be scored (no joint-angle strides, e.g. without a static trial or from another kind of input)."""
    from stridelab.errors import StridelabError

    if source_of(analysis) != "mocap" or "angles" not in analysis.sections:
        return {}, ""
    try:
        from stridelab.skill.trials import score_analysis

        doc = score_analysis(analysis)
    except (StridelabError, ValueError, KeyError, IndexError):
        return {}, ""
    finally:
        analysis.sections.pop("skill", None)
    r = doc["runners"][0]
    out = {"skill_value": float(r["skill_value"])} if r.get("skill_value") is not None else {}
    out.update({f"group:{g}": float(v) for g, v in r.get("groups", {}).items() if v is not None})
    return out, str(doc["model"].get("name", ""))


def _steps_json(steps: pd.DataFrame) -> dict[str, Any]:
    """The per-step table as pandas' "split" JSON layout (columns, rows; NaN as null)."""
    cols = []
    for c in steps.columns:
        v = steps[c].to_numpy()
        if v.dtype.kind == "f":
            cols.append([x if x == x and abs(x) != math.inf else None for x in v.tolist()])
        elif v.dtype.kind in "iub":
            cols.append(v.tolist())
        else:
            cols.append([None if x is None or (isinstance(x, float) and not math.isfinite(x)) else str(x) for x in v.tolist()])
    return {"columns": [str(c) for c in steps.columns], "data": [list(r) for r in zip(*cols, strict=True)]}


def store_analysis(
    store: Store,
    runner: str,
    analysis: Analysis,
    files: dict[str, Path | None],
    *,
    date: dt.date,
    parameters: dict[str, Any] | None = None,
    owner: str = "",
    scores: dict[str, float] | None = None,
    score_model: str = "",
    key: str | None = None,
    hashes: dict[str, str | None] | None = None,
) -> StoredResult:
    """Store one analysed trial (all or nothing). ``files`` maps role (file/static/forces) to path;
    ``hashes`` (role -> SHA-256) and ``key`` may be given when already computed."""
    params = dict(parameters or {})
    if hashes is None:
        hashes = {r: (sha256_file(p) if p is not None else None) for r, p in files.items()}
    key = key or input_key(runner, owner, hashes, params)
    source = source_of(analysis)
    main = files["file"]
    assert main is not None
    speed = analysis.summary.get("speed_mps")
    speed = float(speed) if isinstance(speed, int | float) and math.isfinite(float(speed)) else None
    rows = metric_rows(analysis)
    res = StoredResult("new", runner, date, source, main.name, speed, len(rows))
    for attempt in range(MAX_ATTEMPTS):
        try:
            with store.write() as s:
                if s.scalar(select(Trial.id).where(Trial.input_key == key)) is not None:
                    res.status = "already stored"
                    return res
                _write_rows(s, runner, owner, date, source, files, hashes, key, analysis, params, speed, rows, scores, score_model)
            return res
        except IntegrityError:
            # A concurrent import committed a row this one also inserts: the same trial (then it is
            # stored), or the same runner, session or file for another trial (then try again: the
            # next attempt finds those rows and adds only its own).
            if is_stored(store, key):
                res.status = "already stored"
                return res
            if attempt == MAX_ATTEMPTS - 1:
                raise
    return res  # pragma: no cover - the loop returns or raises


def _write_rows(
    s: OrmSession, runner: str, owner: str, date: dt.date, source: str, files: dict[str, Path | None], hashes: dict[str, str | None],
    key: str, analysis: Analysis, params: dict[str, Any], speed: float | None, rows: dict[tuple[str, str], float],
    scores: dict[str, float] | None, score_model: str,
) -> None:
    main = files["file"]
    assert main is not None
    rid = _get_or_create_runner(s, runner, owner)
    sid = _get_or_create_session(s, rid, date, source)
    for role, p in files.items():
        if p is not None:
            _put_file(s, hashes[role], p)  # type: ignore[arg-type]
    trial = Trial(
        session_id=sid, input_key=key, file_sha256=hashes["file"], static_sha256=hashes.get("static"),
        forces_sha256=hashes.get("forces"), name=main.name, format=analysis.trial.provenance.format,
        environment=analysis.trial.environment, speed_mps=speed, contact_sources=contact_sources(analysis),
    )
    s.add(trial)
    s.flush()
    arow = AnalysisRow(
        trial_id=trial.id, stridelab_version=__version__, methods=_jsonable(analysis.methods),
        parameters=_jsonable(params), warnings=list(analysis.warnings), steps=_steps_json(analysis.steps),
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    s.add(arow)
    s.flush()
    if rows:
        s.execute(insert(Base.metadata.tables["metrics"]), [{"analysis_id": arow.id, "kind": k, "name": n, "value": v} for (k, n), v in rows.items()])
    if scores:
        s.execute(insert(Base.metadata.tables["scores"]), [{"analysis_id": arow.id, "name": n, "value": float(v), "model": score_model} for n, v in scores.items()])


def _get_or_create_runner(s: OrmSession, code: str, owner: str) -> int:
    rid = s.scalar(select(Runner.id).where(Runner.code == code, Runner.owner == owner))
    if rid is None:
        r = Runner(code=code, owner=owner, created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
        s.add(r)
        s.flush()
        rid = r.id
    return int(rid)


def _get_or_create_session(s: OrmSession, runner_id: int, date: dt.date, source: str) -> int:
    sid = s.scalar(select(VisitSession.id).where(VisitSession.runner_id == runner_id, VisitSession.date == date, VisitSession.source == source))
    if sid is None:
        v = VisitSession(runner_id=runner_id, date=date, source=source)
        s.add(v)
        s.flush()
        sid = v.id
    return int(sid)


def _put_file(s: OrmSession, sha: str, path: Path) -> None:
    if s.get(File, sha) is None:
        data = path.read_bytes()
        s.add(File(sha256=sha, name=path.name, size_bytes=len(data), content=data))


def _jsonable(x: Any) -> Any:
    return json.loads(json.dumps(x, default=_default))


def _default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o) if np.isfinite(o) else None
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


__all__ = ["ROLES", "StoredResult", "contact_sources", "input_key", "is_stored", "metric_rows", "recorded_date", "sha256_file", "skill_scores", "source_of", "split_halves", "store_analysis", "volume"]

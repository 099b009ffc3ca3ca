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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from stridelab._version import __version__
from stridelab.io.assemble import (
    sha256_of as sha256_file,  # one cached file digest for readers, batch and store
)
from stridelab.store.extract import contact_sources, metric_rows, source_of
from stridelab.store.extract import steps_json as _steps_json
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


def input_key(runner: str, owner: str, hashes: dict[str, str | None], parameters: dict[str, Any]) -> str:
    """The identity of an import: same runner, same files and same parameters give the same key."""
    doc = {"runner": runner, "owner": owner, "files": {r: hashes.get(r) for r in ROLES}, "parameters": parameters}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def is_stored(store: Store, key: str) -> bool:
    with store.read() as s:
        return s.scalar(select(Trial.id).where(Trial.input_key == key)) is not None


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


__all__ = ["MAX_ATTEMPTS", "ROLES", "StoredResult", "input_key", "is_stored", "sha256_file", "store_analysis"]

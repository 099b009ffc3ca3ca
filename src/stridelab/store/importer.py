"""Analyse one recording and store it in the runner's record: the work of ``stridelab import``,
shared by the command line and the service (which runs it in a child process).

Reading (:func:`stridelab.io.read_trial`), analysis (:func:`stridelab.analysis.analyze`), skill
scores and storage (:func:`stridelab.store.ingest.store_analysis`) are exactly those of the CLI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stridelab.errors import InvalidInputError
from stridelab.store.ingest import StoredResult
from stridelab.store.store import Store


@dataclass
class Imported:
    """What became of one recording: ``result`` (status "new" or "already stored"), the session
    date, the skill scores and, when it was analysed now, the analysis JSON (``stridelab analyze --json``)."""

    result: StoredResult | None
    status: str
    date: dt.date | None
    scores: dict[str, float]
    analysis: dict[str, Any] | None

    def line(self) -> str:
        """The CLI's one-line description."""
        res = self.result
        if res is None or res.status != "new":
            return self.status
        speed = f", {res.speed_mps:.2f} m/s" if res.speed_mps is not None else ""
        skill = f", skill value {self.scores['skill_value']:.0f}" if "skill_value" in self.scores else ""
        return f"new (runner {res.runner}, {res.date.isoformat()}, {res.source}{speed}, {res.n_metrics} numbers{skill})"


def import_recording(
    store: Store,
    f: Path,
    runner: str,
    *,
    date: dt.date | None = None,
    static: Path | None = None,
    forces: Path | None = None,
    mass_kg: float | None = None,
    owner: str = "",
    with_json: bool = False,
) -> Imported:
    """Analyse ``f`` (with its static trial and force file) and store it for ``runner`` of ``owner``;
    nothing is analysed when the same files and parameters are already stored."""
    from stridelab.store.extract import recorded_date, skill_scores
    from stridelab.store.ingest import input_key, is_stored, sha256_file, store_analysis

    if not f.is_file():
        raise InvalidInputError("not found" if not f.exists() else "not a regular file")
    files = {"file": f, "static": static, "forces": forces}
    hashes = {r: (sha256_file(p) if p is not None else None) for r, p in files.items()}
    params: dict[str, Any] = {k: v for k, v in {"mass_kg": mass_kg}.items() if v is not None}
    key = input_key(runner, owner, hashes, params)
    if is_stored(store, key):
        return Imported(None, "already stored", None, {}, None)
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions, read_trial

    trial = read_trial(f, ReadOptions(static=static, forces=forces))
    analysis = analyze(trial, AnalysisOptions(mass_kg=mass_kg))
    day = date or recorded_date(analysis) or dt.datetime.now(dt.UTC).date()
    scores, model = skill_scores(analysis)
    res = store_analysis(store, runner, analysis, files, date=day, parameters=params, owner=owner, key=key, hashes=hashes,
                         scores=scores, score_model=model)
    return Imported(res, res.status, day, scores, analysis.to_json() if with_json else None)


__all__ = ["Imported", "import_recording"]

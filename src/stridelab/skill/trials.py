"""A population from a folder of recordings that stridelab analyses (and one trial to score).

Each recording is read (:func:`stridelab.io.read_trial`) and analysed
(:func:`stridelab.analysis.analyze`); its per-stride joint-angle curves come from a
*stride-curves function* with the protocol :data:`StrideCurvesFn`:

    stride_curves(analysis) -> {angle: {side: array (n_strides, 101) degrees}}

(stridelab's angle names and signs, time-normalised foot strike to foot strike). The joint-motion
pipeline (``stridelab.kinematics``) provides it; until it is registered in :data:`STRIDE_CURVES`
("module:function"), loading trials fails with one line saying so. Cadence, duty factor and step
length come from the analysis summary (the skill group *rhythm*).

The folder may hold ``runners.tsv`` (or ``.csv``) with a ``file`` column (recording file name) and
optional ``runner``, ``pace_min_per_km``, ``race_time_s``, ``race_distance_km``, ``level``, ``sex``,
``age_y``, ``height_m``, ``mass_kg``, ``leg_length_m``, ``speed_mps``, ``static`` (static trial file)
columns; recordings of one runner are pooled.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stridelab.errors import InvalidInputError, NoValidResultError
from stridelab.skill.population import Population
from stridelab.skill.targets import pace_from_time

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.analysis import Analysis

StrideCurvesFn = Callable[["Analysis"], Mapping[str, Mapping[str, np.ndarray]]]

#: "module:function" of the stride-curves function (set by the joint-motion pipeline); None until then.
STRIDE_CURVES: str | None = None

RECORDING_SUFFIXES = (".c3d", ".trc", ".txt", ".tsv", ".csv")


def resolve_stride_curves(fn: StrideCurvesFn | None = None) -> StrideCurvesFn:
    """The function given, or the registered one; a clear error when there is none."""
    if fn is not None:
        return fn
    if STRIDE_CURVES is None:
        raise NoValidResultError(
            "per-stride joint-angle curves need the joint-motion pipeline (stridelab.kinematics), which this build "
            "does not provide yet; score a population folder with --population instead"
        )
    mod, name = STRIDE_CURVES.split(":")
    return getattr(importlib.import_module(mod), name)


def curves_from_analysis(analysis: Analysis, stride_curves: StrideCurvesFn | None = None) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, Any]]:
    """Curves and runner metadata (speed, body size, rhythm) of one analysed trial."""
    fn = resolve_stride_curves(stride_curves)
    raw = fn(analysis)
    curves = {a: {s: np.asarray(v, float) for s, v in per.items()} for a, per in raw.items()}
    if not curves:
        raise NoValidResultError("no joint-angle curves could be computed for this trial")
    summ = analysis.summary
    subj = analysis.trial.subject
    meta: dict[str, Any] = {
        "speed_mps": summ.get("speed_mps"),
        "height_m": subj.height_m,
        "mass_kg": subj.mass_kg,
        "leg_length_m": subj.leg_length_m,
        "rhythm": {k: summ.get(k) for k in ("cadence_spm", "duty_factor", "step_length_m") if summ.get(k) is not None},
    }
    return curves, meta


def _read_table(folder: Path) -> dict[str, dict[str, Any]]:
    import pandas as pd

    for name, sep in (("runners.tsv", "\t"), ("runners.csv", ",")):
        p = folder / name
        if p.is_file():
            try:
                df = pd.read_csv(p, sep=sep)
            except Exception as e:  # noqa: BLE001
                raise InvalidInputError(f"cannot read {p}: {e}") from None
            if "file" not in df.columns:
                raise InvalidInputError(f"{p} needs a 'file' column naming each recording")
            return {str(r["file"]): {k: v for k, v in r.items() if isinstance(v, str) or pd.notna(v)} for r in df.to_dict("records")}
    return {}


def load_trial_folder(folder: str | Path, stride_curves: StrideCurvesFn | None = None, name: str | None = None) -> Population:
    """Analyse every recording in ``folder`` and build a population (see the module doc)."""
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions, read_trial

    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInputError(f"trial folder not found: {folder}")
    fn = resolve_stride_curves(stride_curves)
    table = _read_table(folder)
    files = sorted(table) if table else sorted(p.name for p in folder.iterdir() if p.suffix.lower() in RECORDING_SUFFIXES)
    if not files:
        raise InvalidInputError(f"no recording in {folder}")
    curves: dict[str, dict[str, dict[str, list[np.ndarray]]]] = {}
    meta: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for f in files:
        row = dict(table.get(f, {}))
        rid = str(row.pop("runner", Path(f).stem))
        static = row.pop("static", None)
        try:
            tr = read_trial(folder / f, ReadOptions(static=folder / static if static else None))
            an = analyze(tr, AnalysisOptions(speed_mps=row.get("speed_mps"), mass_kg=row.get("mass_kg"), height_m=row.get("height_m")))
            c, m = curves_from_analysis(an, fn)
        except (InvalidInputError, NoValidResultError) as e:
            notes.append(f"{f} skipped: {e.message}")
            continue
        per = curves.setdefault(rid, {})
        for a, sides in c.items():
            for s, arr in sides.items():
                per.setdefault(a, {}).setdefault(s, []).append(arr)
        md = meta.setdefault(rid, {})
        md.update({k: v for k, v in m.items() if v is not None and k not in md})
        md.update(row)
    if not curves:
        raise NoValidResultError(f"no recording in {folder} gave joint-angle curves: " + "; ".join(notes[:3]))
    for md in meta.values():
        if md.get("pace_min_per_km") is None and md.get("race_time_s") and md.get("race_distance_km"):
            md["pace_min_per_km"] = pace_from_time(float(md["race_time_s"]), float(md["race_distance_km"]))
    stacked = {rid: {a: {s: np.concatenate(v) for s, v in sides.items()} for a, sides in per.items()} for rid, per in curves.items()}
    return Population.from_curves(stacked, meta, name=name or folder.name, source=str(folder), notes=notes)


def load_population(path: str | Path, performance: str | Path | None = None, stride_curves: StrideCurvesFn | None = None) -> Population:
    """A population folder of either layout: stride files + metadata.tsv, or recordings."""
    from stridelab.skill.stridefiles import is_stride_folder, load_stride_folder

    p = Path(path)
    if is_stride_folder(p):
        return load_stride_folder(p, performance)
    if performance is not None:
        raise InvalidInputError("--performance applies to stride-file folders; put performance in the trial folder's runners.tsv")
    return load_trial_folder(p, stride_curves)


def score_analysis(analysis: Analysis, model_path: str | Path | None = None, stride_curves: StrideCurvesFn | None = None) -> dict[str, Any]:
    """Score one analysed trial and attach the result as ``analysis.sections["skill"]``.

    The report then shows the skill section (:mod:`stridelab.report.sections.skill`). Needs the
    stride-curves function (see the module doc).
    """
    from stridelab.skill.model import load_model
    from stridelab.skill.score import model_summary, score_population

    model = load_model(model_path)
    curves, meta = curves_from_analysis(analysis, stride_curves)
    rid = analysis.trial.subject.id or Path(analysis.trial.provenance.path or "trial").stem
    pop = Population.from_curves({rid: curves}, {rid: meta}, name=str(rid))
    doc = {"model": {**model_summary(model), "bands": model.bands}, "runners": score_population(model, pop)}
    analysis.sections["skill"] = doc
    return doc

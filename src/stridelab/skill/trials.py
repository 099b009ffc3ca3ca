"""A population from a folder of recordings that stridelab analyses (and one trial to score).

Each recording is read (:func:`stridelab.io.read_trial`) and analysed
(:func:`stridelab.analysis.analyze`); its per-stride joint-angle curves come from a
*stride-curves function* with the protocol :data:`StrideCurvesFn`:

    stride_curves(analysis) -> {angle: {side: array (n_strides, 101) degrees}}

(stridelab's angle names and signs, time-normalised foot strike to foot strike). The joint-motion
pipeline provides it (:func:`stridelab.kinematics.strides.stride_curves`: the strides the
kinematics kept, outliers rejected), registered in :data:`STRIDE_CURVES` ("module:function").
Speed, cadence, duty factor and step length come from the analysis summary (the skill group
*rhythm*).

**The trial-folder manifest** ``trials.tsv`` (or ``trials.csv``; ``runners.tsv`` with a ``file``
column is read the same way): one row per recording, paths relative to the folder.

==================== ==========================================================================
column               meaning
==================== ==========================================================================
``file``             the recording (required): C3D, TRC, text markers ...
``runner``           runner id (default: the file name without extension); recordings of one
                     runner are pooled, and must then be at the same speed (within 0.3 m/s)
``static``           its standing (static) trial: joint angles need the anatomical frames
``forces``           a separate force file recorded with a text marker file
``speed_mps``        treadmill belt speed (otherwise measured from the markers / forces)
``mass_kg``,         body measures given to the analysis (``leg_length_m`` otherwise from the
``height_m``,        static trial)
``leg_length_m``
``pace_min_per_km``  performance: race pace, or ``race_time_s`` and ``race_distance_km``;
``level``            ``level`` (beginner / recreational / competitive / elite); ``sex``, ``age_y``
==================== ==========================================================================

Other columns are kept as runner metadata. Without a manifest every recording in the folder is
analysed on its own (no static trial, no separate forces). A recording that cannot be analysed
is skipped and named in the population's notes; a manifest naming a file that does not exist is
an error.
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

#: "module:function" of the stride-curves function (the joint-motion pipeline's kept strides).
STRIDE_CURVES: str | None = "stridelab.kinematics.strides:stride_curves"

RECORDING_SUFFIXES = (".c3d", ".trc", ".txt", ".tsv", ".csv")
MANIFESTS = (("trials.tsv", "\t"), ("trials.csv", ","), ("runners.tsv", "\t"), ("runners.csv", ","))
#: Manifest columns that describe how to read and analyse a recording (not runner metadata).
READ_COLUMNS = ("file", "runner", "static", "forces")
#: Manifest columns that must be numbers.
NUMBER_COLUMNS = ("speed_mps", "mass_kg", "height_m", "leg_length_m", "pace_min_per_km", "race_time_s", "race_distance_km", "age_y")
SAME_SPEED_MPS = 0.3


def resolve_stride_curves(fn: StrideCurvesFn | None = None) -> StrideCurvesFn:
    """The function given, or the registered one; a clear error when there is none."""
    if fn is not None:
        return fn
    if STRIDE_CURVES is None:
        raise NoValidResultError(
            "per-stride joint-angle curves need the joint-motion pipeline (stridelab.kinematics), which this build "
            "does not provide; score a population folder with --population instead"
        )
    mod, name = STRIDE_CURVES.split(":")
    fn_: StrideCurvesFn = getattr(importlib.import_module(mod), name)
    return fn_


def _kinematics_notes(analysis: Analysis) -> str:
    notes = [w.removeprefix("kinematics: ") for w in analysis.warnings if w.startswith("kinematics: ")]
    return ("; ".join(notes[:3]) + (" ..." if len(notes) > 3 else "")) if notes else ""


def curves_from_analysis(analysis: Analysis, stride_curves: StrideCurvesFn | None = None) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, Any]]:
    """Curves and runner metadata (speed, body size, rhythm) of one analysed trial."""
    fn = resolve_stride_curves(stride_curves)
    raw = fn(analysis)
    curves = {a: {s: np.asarray(v, float) for s, v in per.items()} for a, per in raw.items()}
    if not curves:
        why = _kinematics_notes(analysis)
        raise NoValidResultError(
            "no joint-angle curves could be computed for this trial: they need markers on the legs and a static "
            "(standing) trial for the anatomical frames" + (f" (kinematics: {why})" if why else "")
        )
    summ = analysis.summary
    subj = analysis.trial.subject
    meta: dict[str, Any] = {
        "speed_mps": summ.get("speed_mps"),
        "height_m": subj.height_m,
        "mass_kg": subj.mass_kg,
        "leg_length_m": subj.leg_length_m,
        "rhythm": {k: summ.get(k) for k in ("cadence_spm", "duty_factor", "step_length_m", "vertical_oscillation_cm", "overstride_pct_leg")
                   if summ.get(k) is not None},
    }
    return curves, meta


def require_angles(analysis: Analysis, curves: Mapping[str, Any], angles: list[str], what: str) -> None:
    """Refuse (one line) when a trial's curves lack angles a skill model needs, saying why."""
    missing = [a for a in angles if a not in curves]
    if missing:
        why = _kinematics_notes(analysis)
        raise InvalidInputError(
            f"{what}: the skill model needs {', '.join(missing)}, which this recording did not give"
            + (f" (kinematics: {why})" if why else "")
            + "; joint angles need leg markers and the static trial (--static, or the static column of trials.tsv)"
        )


def read_manifest(folder: Path) -> dict[str, dict[str, Any]] | None:
    """Rows of the folder's manifest keyed by recording file (see the module doc); None without one."""
    import pandas as pd

    for name, sep in MANIFESTS:
        p = folder / name
        if not p.is_file():
            continue
        try:
            df = pd.read_csv(p, sep=sep, dtype={"file": str, "runner": str, "static": str, "forces": str})
        except Exception as e:  # noqa: BLE001 - pandas raises many types
            raise InvalidInputError(f"cannot read {p}: {e}") from None
        if "file" not in df.columns:
            if name.startswith("runners"):
                continue  # a performance table of another layout, not a trial manifest
            raise InvalidInputError(f"{p} needs a 'file' column naming each recording")
        rows: dict[str, dict[str, Any]] = {}
        for i, r in enumerate(df.to_dict("records"), start=2):
            row = {str(k): v.strip() if isinstance(v, str) else v for k, v in r.items() if _present(v)}
            f = str(row.get("file", "")).strip()
            if not f:
                raise InvalidInputError(f"{p} line {i}: empty 'file'")
            if f in rows:
                raise InvalidInputError(f"{p} line {i}: {f} is listed twice")
            for col in ("file", "static", "forces"):
                if col in row and not (folder / str(row[col])).is_file():
                    raise InvalidInputError(f"{p} line {i}: {col} {row[col]} not found in {folder}")
            for col in NUMBER_COLUMNS:
                if col in row:
                    try:
                        row[col] = float(row[col])
                    except (TypeError, ValueError):
                        raise InvalidInputError(f"{p} line {i}: {col} = {row[col]!r} is not a number") from None
            rows[f] = row
        if not rows:
            raise InvalidInputError(f"{p} lists no recording")
        return rows
    return None


def _present(v: Any) -> bool:
    if isinstance(v, str):
        return bool(v.strip())
    try:
        return bool(np.isfinite(float(v)))
    except (TypeError, ValueError):
        return v is not None


def _number(row: Mapping[str, Any], key: str) -> float | None:
    v = row.get(key)
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{key} = {v!r} is not a number") from None
    return f if np.isfinite(f) else None


def analyse_recording(path: Path, static: Path | None = None, forces: Path | None = None, row: Mapping[str, Any] | None = None) -> Analysis:
    """Read and analyse one recording (body measures and belt speed from ``row`` when given)."""
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions, read_trial

    row = row or {}
    tr = read_trial(path, ReadOptions(static=static, forces=forces))
    opts = AnalysisOptions(
        speed_mps=_number(row, "speed_mps"),
        mass_kg=_number(row, "mass_kg"),
        height_m=_number(row, "height_m"),
        leg_length_m=_number(row, "leg_length_m"),
    )
    return analyze(tr, opts)


def load_trial_folder(folder: str | Path, stride_curves: StrideCurvesFn | None = None, name: str | None = None) -> Population:
    """Analyse every recording of ``folder`` (its manifest, see the module doc) into a population."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInputError(f"trial folder not found: {folder}")
    fn = resolve_stride_curves(stride_curves)
    table = read_manifest(folder)
    files = list(table) if table else sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() in RECORDING_SUFFIXES)
    if not files:
        raise InvalidInputError(f"no recording in {folder} (add a trials.tsv naming each recording, its static trial and forces)")
    curves: dict[str, dict[str, dict[str, list[np.ndarray]]]] = {}
    meta: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for f in files:
        row = dict((table or {}).get(f, {}))
        rid = str(row.get("runner") or Path(f).stem)
        static = folder / str(row["static"]) if row.get("static") else None
        forces = folder / str(row["forces"]) if row.get("forces") else None
        try:
            an = analyse_recording(folder / f, static, forces, row)
            c, m = curves_from_analysis(an, fn)
        except (InvalidInputError, NoValidResultError) as e:
            notes.append(f"{f} skipped: {e.message}")
            continue
        md = meta.setdefault(rid, {"recordings": []})
        sp_new, sp_old = m.get("speed_mps"), md.get("speed_mps")
        if sp_new is not None and sp_old is not None and abs(float(sp_new) - float(sp_old)) > SAME_SPEED_MPS:
            raise InvalidInputError(
                f"runner {rid}: {f} was run at {float(sp_new):.2f} m/s and {', '.join(md['recordings'])} at {float(sp_old):.2f} m/s; "
                "strides at different speeds are not pooled: give the recordings different runner ids"
            )
        per = curves.setdefault(rid, {})
        for a, sides in c.items():
            for s, arr in sides.items():
                per.setdefault(a, {}).setdefault(s, []).append(arr)
        md["recordings"].append(f)
        if _kinematics_notes(an):
            md.setdefault("kinematics_notes", []).append(f"{f}: {_kinematics_notes(an)}")
        md.update({k: v for k, v in m.items() if v is not None and k not in md})
        md.update({k: v for k, v in row.items() if k not in READ_COLUMNS})
    if not curves:
        raise NoValidResultError(f"no recording in {folder} gave joint-angle curves: " + "; ".join(notes[:3]))
    for md in meta.values():
        if md.get("pace_min_per_km") is None and md.get("race_time_s") and md.get("race_distance_km"):
            md["pace_min_per_km"] = pace_from_time(float(md["race_time_s"]), float(md["race_distance_km"]))
    stacked = {rid: {a: {s: np.concatenate(v) for s, v in sides.items()} for a, sides in per.items()} for rid, per in curves.items()}
    return Population.from_curves(stacked, meta, name=name or folder.name, source=str(folder), notes=notes)


def load_population(path: str | Path, performance: str | Path | None = None, stride_curves: StrideCurvesFn | None = None) -> Population:
    """A population folder of either layout: stride files + metadata.tsv, or recordings (+ trials.tsv)."""
    from stridelab.skill.stridefiles import is_stride_folder, load_stride_folder

    p = Path(path)
    if is_stride_folder(p):
        return load_stride_folder(p, performance)
    if performance is not None:
        raise InvalidInputError("--performance applies to stride-file folders; put performance in the trial folder's trials.tsv")
    return load_trial_folder(p, stride_curves)


def trial_population(analysis: Analysis, runner_id: str, stride_curves: StrideCurvesFn | None = None, angles: list[str] | None = None) -> Population:
    """A one-runner population of an analysed trial; refuses when it lacks any of ``angles``."""
    curves, meta = curves_from_analysis(analysis, stride_curves)
    if angles:
        require_angles(analysis, curves, angles, runner_id)
    return Population.from_curves({runner_id: curves}, {runner_id: meta}, name=runner_id, source=str(analysis.trial.provenance.path or runner_id))


def score_analysis(analysis: Analysis, model_path: str | Path | None = None, stride_curves: StrideCurvesFn | None = None) -> dict[str, Any]:
    """Score one analysed trial and attach the result as ``analysis.sections["skill"]``.

    The report then shows the skill section (:mod:`stridelab.report.sections.skill`).
    """
    from stridelab.skill.model import load_model
    from stridelab.skill.score import model_summary, score_population

    model = load_model(model_path)
    rid = analysis.trial.subject.id or Path(analysis.trial.provenance.path or "trial").stem
    pop = trial_population(analysis, str(rid), stride_curves, model.extractor.angles)
    doc = {"model": {**model_summary(model), "bands": model.bands}, "runners": score_population(model, pop)}
    analysis.sections["skill"] = doc
    return doc

"""Read a stride-file population folder: ``gGGsSStTT.txt`` stride files + ``metadata.tsv``.

The layout (the public set ``population/rbds_strides`` is one example, any folder in it is read
the same way): one tab-separated file per stride, named ``g<group>s<subject>t<stride>.txt``, with a
``Time`` column (0..100 % of the stride, 101 rows) and angle columns ``Hip_X``, ``Hip_Y``,
``Hip_Z``, ``Knee_*``, ``Ankle_*``; ``metadata.tsv`` maps ``Filename`` to ``Subject``, ``Speed``
(m/s), ``Age``, ``Height`` (cm) and ``Mass`` (kg); an optional ``runners.tsv`` maps each stride
subject (``stride_subject``) to a study id (``rbds_subject``) and gives ``gender``, ``level``,
``pace_min_per_km`` and ``race_distances``. Stride subject numbers are not the study's: runners
are joined through ``runners.tsv``.

Harmonisation to stridelab's names and signs (:data:`HARMONISATION`) was established against the
Visual3D curves of the same runner (stride subject 1 = RBDS001, ``RBDS001processed.txt``, right
side, 2.5 m/s; ISB-style axes there: Z flexion, X adduction/inversion, Y internal rotation,
checked from the curve shapes: hip adduction and rearfoot eversion peak in mid-stance, the tibia
rotates internally in early stance). Reproduce with ``validation/skill_real.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stridelab.atomic import write_text
from stridelab.errors import InvalidInputError
from stridelab.skill.angles import N_POINTS
from stridelab.skill.population import Population
from stridelab.skill.targets import pace_from_time, parse_distances_km

#: File column -> (stridelab angle, sign factor). Evidence (mean of stride subject 1's 34 strides vs
#: RBDS001processed right side at 2.5 m/s; r after the sign factor, RMS of the mean-removed difference):
#: Hip_Z -1 (r 1.00, 0.6 deg), Knee_Z +1 (r 1.00, 0.8 deg), Ankle_Z -1 (r 1.00, 1.2 deg),
#: Hip_X -1 (r 0.73, 2.4 deg), Hip_Y -1 (r 0.93, 1.2 deg), Ankle_X -1 (r 0.91, 2.1 deg),
#: Ankle_Y -1 (r 0.99, 0.7 deg), Knee_X -1 (r 0.81, 2.6 deg; swing dominated by flexion cross-talk).
HARMONISATION: dict[str, tuple[str, float]] = {
    "Hip_Z": ("hip_flexion", -1.0),
    "Hip_X": ("hip_adduction", -1.0),
    "Hip_Y": ("hip_rotation", -1.0),
    "Knee_Z": ("knee_flexion", +1.0),
    "Knee_X": ("knee_adduction", -1.0),
    "Ankle_Z": ("ankle_dorsiflexion", -1.0),
    "Ankle_X": ("ankle_inversion", -1.0),
    "Ankle_Y": ("ankle_rotation", -1.0),
}

#: File columns left out, with the reason.
EXCLUDED: dict[str, str] = {
    "Knee_Y": "knee rotation: no mapping to the Visual3D curve could be established (r = -0.03 over the "
    "stride with either sign; stance agrees with -Y, swing does not)",
}

SYNTHETIC_MARKER = "SYNTHETIC.txt"
"""A folder holding this file is a synthetic population (written by :func:`write_stride_folder`)."""

SIDE = "right"
"""The side is not recorded in the files; the right side fits the reference best (see module doc)."""

_NAME = re.compile(r"^g(\d+)s(\d+)t(\d+)\.txt$", re.IGNORECASE)


def is_stride_folder(path: Path) -> bool:
    return path.is_dir() and (path / "metadata.tsv").is_file()


def load_stride_folder(folder: str | Path, performance: str | Path | None = None, name: str | None = None) -> Population:
    """Read and harmonise a stride-file population folder (see the module doc for the layout).

    ``performance`` is an optional TSV/CSV overriding ``runners.tsv`` (same columns, keyed by
    ``stride_subject``; an optional ``runner`` column names the runner). Unreadable stride files are skipped and listed in the
    population's notes; a folder without ``metadata.tsv`` or without any valid stride is an error.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInputError(f"population folder not found: {folder}")
    meta_path = folder / "metadata.tsv"
    if not meta_path.is_file():
        raise InvalidInputError(f"{folder} has no metadata.tsv; a population folder needs stride files and metadata.tsv")
    try:
        meta = pd.read_csv(meta_path, sep="\t")
    except Exception as e:  # noqa: BLE001 - pandas raises many types
        raise InvalidInputError(f"cannot read {meta_path}: {e}") from None
    need = {"Filename", "Subject"}
    if not need <= set(meta.columns):
        raise InvalidInputError(f"{meta_path} lacks columns {sorted(need - set(meta.columns))}")
    perf = _read_performance(Path(performance) if performance else folder / "runners.tsv", required=performance is not None)

    notes: list[str] = [
        f"side not recorded in the files: taken as {SIDE}",
        *(f"{col} -> {ang} x {fac:+.0f}" for col, (ang, fac) in HARMONISATION.items()),
        *(f"{col} excluded: {why}" for col, why in EXCLUDED.items()),
    ]
    strides: dict[str, dict[str, list[np.ndarray]]] = {}
    info: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for _, row in meta.iterrows():
        fname = str(row["Filename"])
        m = _NAME.match(fname)
        group = int(m.group(1)) if m else int(row.get("Group", 1)) if str(row.get("Group", "")).isdigit() else 1
        try:
            subj = int(row["Subject"])
        except (TypeError, ValueError):
            raise InvalidInputError(f"{meta_path}: Subject {row['Subject']!r} of {fname} is not a whole number; correct metadata.tsv") from None
        if Path(fname).name != fname or fname in ("", ".", ".."):
            raise InvalidInputError(f"{meta_path}: Filename {fname!r} is not a file name in the folder; list only files of {folder.name}")
        key = f"g{group:02d}s{subj:02d}"
        try:
            data = _read_stride(folder / fname)
        except InvalidInputError as e:
            skipped.append(f"{fname}: {e.message}")
            continue
        per = strides.setdefault(key, {})
        for angle, curve in data.items():
            per.setdefault(angle, []).append(curve)
        if key not in info:
            info[key] = _subject_info(row, subj, perf)
    if skipped:
        notes.append(f"{len(skipped)} stride file(s) skipped: " + "; ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else ""))
    if not strides:
        raise InvalidInputError(f"no readable stride file in {folder}")
    curves = {info[k]["_id"]: {a: {SIDE: np.stack(v)} for a, v in per.items()} for k, per in strides.items()}
    metadata = {info[k]["_id"]: {kk: vv for kk, vv in info[k].items() if kk != "_id"} for k in strides}
    synthetic = (folder / SYNTHETIC_MARKER).is_file()
    if synthetic:
        notes.insert(0, "SYNTHETIC population: " + (folder / SYNTHETIC_MARKER).read_text(encoding="utf-8", errors="replace").strip()[:300])
    return Population.from_curves(
        curves, metadata, name=name or folder.name, synthetic=synthetic, source=str(folder), notes=notes
    )


def _read_stride(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise InvalidInputError("missing")
    try:
        df = pd.read_csv(path, sep="\t")
    except Exception as e:  # noqa: BLE001
        raise InvalidInputError(f"unreadable ({type(e).__name__})") from None
    cols = [c for c in HARMONISATION if c in df.columns]
    if not cols:
        raise InvalidInputError("no Hip/Knee/Ankle angle column")
    if len(df) != N_POINTS:
        raise InvalidInputError(f"{len(df)} rows, expected {N_POINTS} (one time-normalised stride)")
    out = {}
    for c in cols:
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(float)
        angle, factor = HARMONISATION[c]
        out[angle] = factor * v
    return out


def _read_performance(path: Path, required: bool) -> pd.DataFrame | None:
    if not path.is_file():
        if required:
            raise InvalidInputError(f"performance file not found: {path}")
        return None
    sep = "," if path.suffix.lower() == ".csv" else "\t"
    try:
        df = pd.read_csv(path, sep=sep)
    except Exception as e:  # noqa: BLE001
        raise InvalidInputError(f"cannot read performance file {path}: {e}") from None
    if "stride_subject" not in df.columns:
        raise InvalidInputError(f"performance file {path} needs a 'stride_subject' column (the subject number of the stride files)")
    return df.set_index(df["stride_subject"].astype(str))


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def _subject_info(row: pd.Series, subj: int, perf: pd.DataFrame | None) -> dict[str, Any]:
    height = _num(row.get("Height"))
    d: dict[str, Any] = {
        "_id": f"s{subj:02d}",
        "stride_subject": subj,
        "speed_mps": _num(row.get("Speed")),
        "age_y": _num(row.get("Age")),
        "height_m": None if height is None else (height / 100.0 if height > 3 else height),
        "mass_kg": _num(row.get("Mass")),
    }
    if perf is None:
        return d
    p = perf.loc[str(subj)] if str(subj) in perf.index else None
    if p is None:
        return d
    if isinstance(p, pd.DataFrame):
        p = p.iloc[0]
    if "rbds_subject" in p.index and _num(p["rbds_subject"]) is not None:
        d["_id"] = f"RBDS{int(float(p['rbds_subject'])):03d}"
    elif "runner" in p.index and str(p["runner"]) not in ("", "nan"):
        d["_id"] = str(p["runner"])
    d["sex"] = p.get("gender", p.get("sex"))
    d["level"] = p.get("level")
    pace = _num(p.get("pace_min_per_km"))
    dist = _num(p.get("race_distance_km"))
    if dist is None:
        dists = parse_distances_km(p.get("race_distances"))
        dist = dists[0] if len(dists) == 1 else None
    if pace is None and _num(p.get("race_time_s")) is not None and dist is not None:
        pace = pace_from_time(float(p["race_time_s"]), dist)
    d["pace_min_per_km"] = pace
    d["race_distance_km"] = dist
    for k in ("race_distances", "volume", "experience_years", "injury", "injury_location", "rbds_subject"):
        if k in p.index:
            d[k] = p[k] if not isinstance(p[k], np.generic) else p[k].item()
    return d


def write_stride_folder(pop: Population, folder: str | Path, side: str = SIDE) -> Path:
    """Write a population in the stride-file layout (inverse harmonisation), e.g. a SYNTHETIC one.

    Writes ``g01sSSStTT.txt`` stride files (columns of :data:`HARMONISATION` that the runners have),
    ``metadata.tsv`` and ``runners.tsv`` (runner id, sex, level, pace, race distance). Subject
    numbers follow the population's order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    inverse = {angle: (col, fac) for col, (angle, fac) in HARMONISATION.items()}
    meta_rows, runner_rows = [], []
    for s, r in enumerate(pop.runners, start=1):
        angles = [a for a in r.curves if a in inverse and side in r.curves[a]]
        n = min(r.curves[a][side].shape[0] for a in angles)
        for t in range(n):
            name = f"g01s{s:02d}t{t + 1:02d}.txt"
            cols = {"Time": np.arange(N_POINTS)}
            for a in angles:
                col, fac = inverse[a]
                cols[col] = r.curves[a][side][t] / fac
            write_text(folder / name, pd.DataFrame(cols).to_csv(sep="\t", index=False, float_format="%.6f"))
            meta_rows.append({
                "Group": pop.name, "Subject": s, "Trial": t + 1, "Filename": name, "Speed": r.speed_mps, "Age": r.age_y,
                "Height": None if r.height_m is None else r.height_m * 100.0, "Mass": r.mass_kg,
            })
        runner_rows.append({
            "stride_subject": s, "runner": r.id, "gender": r.sex, "level": r.level,
            "pace_min_per_km": r.pace_min_per_km, "race_distance_km": r.race_distance_km,
        })
    write_text(folder / "metadata.tsv", pd.DataFrame(meta_rows).to_csv(sep="\t"))
    if pop.synthetic:
        write_text(folder / SYNTHETIC_MARKER, "\n".join(["SYNTHETIC data, not real runners.", *pop.notes]) + "\n")
    write_text(folder / "runners.tsv", pd.DataFrame(runner_rows).to_csv(sep="\t", index=False))
    return folder

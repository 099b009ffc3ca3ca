"""Analyse every real full running trial of the Fukuchi et al. (2017) runners once and cache it.

Trials: RBDS001 (``mocap/fukuchi2017``: ``RBDS001runT35.c3d``, and 2.5 m/s from the text export) and
the 19 runners of ``mocap/fukuchi2017_runners`` (3.5 m/s for all; 2.5 and 4.5 m/s for RBDS002, 05,
010, 020), each with its static trial, body mass and height from ``participantInfo.csv``. Per trial
the cache holds the analysis summary (spatiotemporal, force and joint-angle values) and the kept
per-stride joint-angle curves of both sides, so that the skill validation scripts can refit models
without re-analysing (about 1-3 s per trial on the shared 2-core machine).

    .venv/bin/python validation/skill_trials_cache.py            # writes out/skill_trials/
    .venv/bin/python validation/skill_trials_cache.py --force    # re-analyses every trial
    .venv/bin/python validation/skill_trials_cache.py --manifest out/fukuchi35   # also a trials.tsv (3.5 m/s)

``--manifest DIR`` writes ``DIR/trials.tsv``, a trial-folder manifest (:mod:`stridelab.skill.trials`)
of the 20 runners at 3.5 m/s with absolute paths, static trials, body measures, pace and level:
``stridelab skill score TRIAL --static S --population DIR`` then fits a model on them (cached).

Output: ``out/skill_trials/<trial>.npz`` (curves: ``<angle>__<side>`` arrays (n, 101)) and
``out/skill_trials/trials.json`` (one record per trial: runner, speed, file, static, pace, level,
sex, summary, warnings).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RUNNERS = SHARED / "mocap" / "fukuchi2017_runners"
RBDS001 = SHARED / "mocap" / "fukuchi2017"
OUT = ROOT / "out" / "skill_trials"


def participant_info() -> dict[int, dict[str, Any]]:
    """Subject number -> age, mass, height, sex, level, race pace (min/km) from participantInfo.csv."""
    out: dict[int, dict[str, Any]] = {}
    with open(RUNNERS / "participantInfo.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            s = int(r["Subject"])
            if s in out:
                continue
            out[s] = {
                "age_y": float(r["Age"]),
                "mass_kg": float(r["Mass"]),
                "height_m": float(r["Height"]) / 100.0,
                "sex": r["Gender"],
                "level": r["Level"].strip().lower(),
                "pace_min_per_km": float(r["Pace"]),
                "race_distance": r["RaceDist"],
                "strike_35_right": r["RFSI35"],
            }
    return out


def trial_list() -> list[dict[str, Any]]:
    """Every full running trial with its static trial: runner id, speed, files."""
    rows: list[dict[str, Any]] = []
    for p in sorted(RUNNERS.glob("RBDS*runT*.c3d")):
        m = re.match(r"RBDS(\d+)runT(\d\d)\.c3d$", p.name)
        if not m:
            continue
        rid = f"RBDS{int(m.group(1)):03d}"
        static = RUNNERS / f"RBDS{m.group(1)}static.c3d"
        rows.append({"trial": p.stem, "runner": rid, "subject": int(m.group(1)), "speed_mps": int(m.group(2)) / 10.0, "file": str(p), "static": str(static), "forces": None})
    rows.append({"trial": "RBDS001runT35", "runner": "RBDS001", "subject": 1, "speed_mps": 3.5,
                 "file": str(RBDS001 / "RBDS001runT35.c3d"), "static": str(RBDS001 / "RBDS001static.c3d"), "forces": None})
    rows.append({"trial": "RBDS001runT25", "runner": "RBDS001", "subject": 1, "speed_mps": 2.5,
                 "file": str(RBDS001 / "RBDS001runT25markers.txt"), "static": str(RBDS001 / "RBDS001static.c3d"),
                 "forces": str(RBDS001 / "RBDS001runT25forces.txt")})
    return rows


def analyse(row: dict[str, Any], info: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    from stridelab.skill.trials import analyse_recording, curves_from_analysis

    an = analyse_recording(Path(row["file"]), Path(row["static"]), Path(row["forces"]) if row["forces"] else None,
                           {"speed_mps": row["speed_mps"], "mass_kg": info["mass_kg"], "height_m": info["height_m"]})
    curves, meta = curves_from_analysis(an)
    arrays = {f"{a}__{s}": v for a, per in curves.items() for s, v in per.items()}
    summ = {k: (float(v) if isinstance(v, (int, float)) and v is not None else v) for k, v in an.summary.items()}
    rec = {**row, **info, "summary": summ, "leg_length_m": meta.get("leg_length_m"), "warnings": list(an.warnings)}
    return rec, arrays


def write_manifest(folder: Path, speed: float) -> Path:
    """``folder/trials.tsv`` naming every trial at ``speed`` (absolute paths) with its runner's data."""
    info = participant_info()
    folder.mkdir(parents=True, exist_ok=True)
    cols = ["file", "runner", "static", "forces", "speed_mps", "mass_kg", "height_m", "pace_min_per_km", "level", "sex", "age_y"]
    lines = ["\t".join(cols)]
    for row in trial_list():
        if abs(row["speed_mps"] - speed) > 0.01:
            continue
        i = info[row["subject"]]
        vals = [row["file"], row["runner"], row["static"], row["forces"] or "", row["speed_mps"], i["mass_kg"], i["height_m"],
                i["pace_min_per_km"], i["level"], i["sex"], i["age_y"]]
        lines.append("\t".join(str(v) for v in vals))
    path = folder / "trials.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} trials at {speed} m/s listed in {path}")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="re-analyse trials already in the cache")
    ap.add_argument("--manifest", type=Path, help="write a trials.tsv of the 3.5 m/s trials into this folder")
    args = ap.parse_args()
    if args.manifest:
        write_manifest(args.manifest, 3.5)
    OUT.mkdir(parents=True, exist_ok=True)
    info = participant_info()
    index = OUT / "trials.json"
    done: dict[str, Any] = json.loads(index.read_text()) if index.is_file() and not args.force else {}
    for row in trial_list():
        if row["trial"] in done and (OUT / f"{row['trial']}.npz").is_file():
            continue
        t0 = time.perf_counter()
        try:
            rec, arrays = analyse(row, info[row["subject"]])
        except Exception as e:  # noqa: BLE001 - a validation script reports and goes on
            print(f"{row['trial']}: FAILED {type(e).__name__}: {e}")
            continue
        np.savez_compressed(OUT / f"{row['trial']}.npz", **arrays)
        done[row["trial"]] = rec
        index.write_text(json.dumps(done, indent=1, default=str))
        print(f"{row['trial']}: {row['speed_mps']} m/s, {len(arrays)} curves, {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"{len(done)} trials cached in {OUT}")


if __name__ == "__main__":
    main()

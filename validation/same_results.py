"""Does a refactor change any result? The full JSON of real recordings, analysed by an earlier revision
and by this tree, compared value by value.

Run: .venv/bin/python validation/same_results.py [--base REV]   (needs ../shared/data and git; a few minutes)

Every recording below (real data: Fukuchi 2017 runners RBDS001 and RBDS002, the Running Injury Clinic
trial, Dorn 2012 overground, a 5-minute ActiGraph hip/ankle run, two watch FIT files, an OpenPose
run, a Qualisys export) is read and analysed, by REV (default: the revision issue 11 started from)
in a child process on ``git archive REV src``, and by this tree. Failures are compared as text.
Keys that this tree adds are listed and not counted as differences
(``provenance.methods.*.parameters``, ``provenance.parameters``); anything else that differs is
printed with its path, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
D = ROOT.parent / "shared" / "data"
F = D / "mocap" / "fukuchi2017"
R = D / "mocap" / "fukuchi2017_runners"

#: name -> (file, read options, analysis options); paths relative to ../shared/data
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "rbds001_c3d": ("mocap/fukuchi2017/RBDS001runT35.c3d", {"static": "mocap/fukuchi2017/RBDS001static.c3d"}, {"mass_kg": 62, "height_m": 1.81}),
    "rbds001_txt": ("mocap/fukuchi2017/RBDS001runT25markers.txt", {"forces": "mocap/fukuchi2017/RBDS001runT25forces.txt", "static": "mocap/fukuchi2017/RBDS001static.c3d"}, {"height_m": 1.81}),
    "rbds002": ("mocap/fukuchi2017_runners/RBDS002runT35.c3d", {"static": "mocap/fukuchi2017_runners/RBDS002static.c3d"}, {}),
    "rbds002_markers": ("mocap/fukuchi2017_runners/RBDS002runT35.c3d", {"static": "mocap/fukuchi2017_runners/RBDS002static.c3d"}, {"events_from": "markers", "height_m": 1.75}),
    "ric": ("mocap/ric2024/20140515T133244_run.c3d", {"static": "mocap/ric2024/20140515T133244_static.c3d"}, {}),
    "dorn": ("mocap/dorn2012/JA1Gait21.c3d", {"static": "mocap/dorn2012/JA1Static05.c3d"}, {}),
    "davis": ("mocap/davis_qtm/JDX_S999_run_0021.tsv", {}, {}),
    "accel": ("wearable/accel/acc_running.csv.gz", {"end_s": 300.0}, {"mass_kg": 70, "height_m": 1.75}),
    "fit": ("wearable/fit/garmin-fenix-5-run.fit", {}, {}),
    "fit2": ("wearable/fit/running-with-developer-data.fit", {}, {}),
    "openpose": ("video/openpose_running_side", {"rate_hz": 30.0}, {"height_m": 1.75}),
}

CHILD = """
import json, sys, warnings
warnings.simplefilter("ignore")
from pathlib import Path
import stridelab as sl
cases, data, out = json.loads(sys.argv[1]), Path(sys.argv[2]), {}
for name, (path, ro, ao) in cases.items():
    ro = {k: (str(data / v) if k in ("static", "forces") else v) for k, v in ro.items()}
    try:
        out[name] = sl.analyze(sl.read(data / path, **ro), sl.AnalysisOptions(**ao)).to_json()
    except Exception as e:
        out[name] = f"{type(e).__name__}: {e}"
print(json.dumps(out, default=str))
"""

ADDED = ("parameters",)


def run(src: Path) -> dict[str, Any]:
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    r = subprocess.run([sys.executable, "-c", CHILD, json.dumps(CASES), str(D)], capture_output=True, text=True, env=env, timeout=1800)
    if r.returncode:
        raise SystemExit(f"analysis with {src} failed: {r.stderr[-2000:]}")
    doc: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return doc


def strip_added(doc: Any) -> Any:
    if isinstance(doc, dict):
        prov = doc.get("provenance", {})
        prov.pop("parameters", None)
        for m in prov.get("methods", {}).values():
            if isinstance(m, dict):
                for k in ADDED:
                    m.pop(k, None)
    return doc


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {str(a)[:80]} | {str(b)[:80]}"]
    if isinstance(a, dict):
        out = [f"{path}/{k}: only in {'base' if k in a else 'this tree'}" for k in set(a) ^ set(b)]
        for k in set(a) & set(b):
            out += differences(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items | {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {str(a)[:80]} | {str(b)[:80]}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", default="bac31e4", help="the earlier revision (default: where issue 11 started)")
    args = ap.parse_args()
    if not D.is_dir():
        print(f"{D} is absent", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tar = Path(tmp) / "src.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), args.base, "src"], check=True)
        with tarfile.open(tar) as tf:
            tf.extractall(tmp, filter="data")
        base = run(Path(tmp) / "src")
    here = run(ROOT / "src")
    n_diff = 0
    for name in CASES:
        d = differences(strip_added(base[name]), strip_added(here[name]), name)
        what = "analysed" if isinstance(here[name], dict) else f"refused alike ({str(here[name])[:60]}...)"
        print(f"{name:16s} {'identical' if not d else f'{len(d)} differences'}: {what}")
        for line in d[:20]:
            print(f"    {line}")
        n_diff += len(d)
    print(f"\n{len(CASES)} recordings, {n_diff} differences between {args.base} and this tree (ignoring the keys this tree adds: provenance.parameters, provenance.methods.*.{', '.join(ADDED)})")
    return 1 if n_diff else 0


if __name__ == "__main__":
    raise SystemExit(main())

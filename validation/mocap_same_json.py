"""Do the long-recording changes (issue 12) change any number? ``analyze --json`` of every real
motion-capture recording, by an earlier revision and by this tree, compared value by value.

Recordings (real data, ``../shared/data/mocap``): every Fukuchi 2017 running trial with its standing
trial (RBDS001 at 3.5 m/s as C3D and at 2.5 m/s as text; the 19 other runners, all speeds), the
Running Injury Clinic trial with its static trial, Dorn 2012 jogging and sprinting with their static
trial, the Qualisys text export (Davis) and the pyorerun overground trial. Subject measures as the
demo gives them for RBDS001 (62 kg, 1.81 m), none for the others (mass then comes from the forces).

Each revision runs in its own child process (``git archive REV src``); failures are compared as
text. Numbers are compared with a tolerance: ``|a - b| <= --atol + --rtol * |a|``; the largest
difference is printed per key (the last name of its JSON path), so that the size of any change is
on record. Keys that only one side has are listed. Exit code 1 when anything is beyond tolerance.

``--block-frames N`` runs this tree with blocks of N frames and filter blocks of N samples (the
recordings here are shorter than the default blocks, so their kinematics, inverse dynamics and
filters otherwise run in one piece).

Run: ``nice -n 10 .venv/bin/python validation/mocap_same_json.py [--base REV] [--atol 1e-9] [--rtol 1e-9] [--block-frames N]``
(about 2 minutes per revision on the shared machine).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
D = ROOT.parent / "shared" / "data"


def cases() -> dict[str, tuple[str, dict[str, Any], dict[str, Any]]]:
    """name -> (file, read options, analysis options); paths relative to ``../shared/data``."""
    out: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
        "RBDS001runT35": ("mocap/fukuchi2017/RBDS001runT35.c3d", {"static": "mocap/fukuchi2017/RBDS001static.c3d"}, {"mass_kg": 62, "height_m": 1.81}),
        "RBDS001runT25_txt": ("mocap/fukuchi2017/RBDS001runT25markers.txt", {"forces": "mocap/fukuchi2017/RBDS001runT25forces.txt", "static": "mocap/fukuchi2017/RBDS001static.c3d"}, {"height_m": 1.81}),
        "ric2024": ("mocap/ric2024/20140515T133244_run.c3d", {"static": "mocap/ric2024/20140515T133244_static.c3d"}, {}),
        "dorn_JA1Gait21": ("mocap/dorn2012/JA1Gait21.c3d", {"static": "mocap/dorn2012/JA1Static05.c3d"}, {}),
        "dorn_JA1Gait35": ("mocap/dorn2012/JA1Gait35.c3d", {"static": "mocap/dorn2012/JA1Static05.c3d"}, {}),
        "davis_qtm": ("mocap/davis_qtm/JDX_S999_run_0021.tsv", {}, {}),
        "pyorerun": ("mocap/pyorerun/Running_0002.c3d", {}, {}),
    }
    runners = D / "mocap" / "fukuchi2017_runners"
    for f in sorted(runners.glob("RBDS*run*.c3d")):
        rid = f.name.split("run")[0]
        out[f.stem] = (f"mocap/fukuchi2017_runners/{f.name}", {"static": f"mocap/fukuchi2017_runners/{rid}static.c3d"}, {})
    return out


CHILD = """
import json, sys, warnings
warnings.simplefilter("ignore")
from pathlib import Path
import stridelab as sl
cases, data, out = json.loads(sys.argv[1]), Path(sys.argv[2]), {}
if len(sys.argv) > 3:  # this tree with small blocks: the block-wise paths run on these short recordings too
    import stridelab.dsp.filters, stridelab.kinematics.blocks, stridelab.kinetics.inverse_dynamics
    stridelab.kinematics.blocks.BLOCK_FRAMES = stridelab.kinetics.inverse_dynamics.BLOCK_FRAMES = int(sys.argv[3])
    stridelab.dsp.filters.BLOCK_SAMPLES = int(sys.argv[3])
for name, (path, ro, ao) in cases.items():
    ro = {k: (str(data / v) if k in ("static", "forces") else v) for k, v in ro.items()}
    try:
        out[name] = sl.analyze(sl.read(data / path, **ro), sl.AnalysisOptions(**ao)).to_json()
    except Exception as e:
        out[name] = f"{type(e).__name__}: {e}"
print(json.dumps(out, default=str))
"""


def run(src: Path, todo: dict[str, Any], block_frames: int | None = None) -> dict[str, Any]:
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    extra = [] if block_frames is None else [str(block_frames)]
    r = subprocess.run([sys.executable, "-c", CHILD, json.dumps(todo), str(D), *extra], capture_output=True, text=True, env=env, timeout=3600)
    if r.returncode:
        raise SystemExit(f"analysis with {src} failed: {r.stderr[-2000:]}")
    doc: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return doc


def compare(a: Any, b: Any, atol: float, rtol: float, path: str, worst: dict[str, float], beyond: list[str]) -> None:
    """Walk two JSON documents: ``worst[key]`` the largest numeric difference per key name,
    ``beyond`` the paths that differ beyond tolerance (or in type, length, text, keys)."""
    key = path.rsplit("/", 1)[-1].split("[")[0]
    if isinstance(a, bool) or isinstance(b, bool) or not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        if type(a) is not type(b):
            beyond.append(f"{path}: {str(a)[:60]} | {str(b)[:60]}")
        elif isinstance(a, dict):
            beyond.extend(f"{path}/{k}: only in {'base' if k in a else 'this tree'}" for k in set(a) ^ set(b))
            for k in set(a) & set(b):
                compare(a[k], b[k], atol, rtol, f"{path}/{k}", worst, beyond)
        elif isinstance(a, list):
            if len(a) != len(b):
                beyond.append(f"{path}: {len(a)} items | {len(b)} items")
            else:
                for i, (x, y) in enumerate(zip(a, b, strict=True)):
                    compare(x, y, atol, rtol, f"{path}[{i}]", worst, beyond)
        elif a != b:
            beyond.append(f"{path}: {str(a)[:60]} | {str(b)[:60]}")
        return
    fa, fb = float(a), float(b)
    if math.isnan(fa) and math.isnan(fb):
        return
    d = abs(fa - fb)
    worst[key] = max(worst.get(key, 0.0), d)
    if not d <= atol + rtol * abs(fa):
        beyond.append(f"{path}: {a} | {b}")


def strip(doc: Any) -> Any:
    """Leave out what depends on the run, not on the numbers: the analysis parameters (this tree may add some)."""
    if isinstance(doc, dict):
        prov = doc.get("provenance", {})
        prov.pop("parameters", None)
        for m in prov.get("methods", {}).values():
            if isinstance(m, dict):
                m.pop("parameters", None)
    return doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", default="b746460", help="the earlier revision (default: where the long-recording follow-up started)")
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--only", default="", help="comma-separated case names (default: all)")
    ap.add_argument("--block-frames", type=int, default=None, help="this tree with blocks of N frames (kinematics, inverse dynamics) and N samples (low-pass filter), so that the block-wise paths of long recordings run on these")
    args = ap.parse_args()
    if not D.is_dir():
        print(f"{D} is absent", file=sys.stderr)
        return 1
    todo = cases()
    if args.only:
        todo = {k: v for k, v in todo.items() if k in args.only.split(",")}
    with tempfile.TemporaryDirectory() as tmp:
        tar = Path(tmp) / "src.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), args.base, "src"], check=True)
        with tarfile.open(tar) as tf:
            tf.extractall(tmp, filter="data")
        base = run(Path(tmp) / "src", todo)
    here = run(ROOT / "src", todo, args.block_frames)
    worst: dict[str, float] = {}
    n_beyond = 0
    for name in todo:
        beyond: list[str] = []
        compare(strip(base[name]), strip(here[name]), args.atol, args.rtol, name, worst, beyond)
        what = "analysed" if isinstance(here[name], dict) else f"refused alike ({str(here[name])[:60]}...)"
        print(f"{name:22s} {'same' if not beyond else f'{len(beyond)} beyond tolerance'}: {what}")
        for line in beyond[:10]:
            print(f"    {line}")
        n_beyond += len(beyond)
    changed = {k: v for k, v in worst.items() if v > 0}
    print(f"\nlargest differences per key ({len(changed)} keys of {len(worst)} differ at all):")
    for k, v in sorted(changed.items(), key=lambda kv: -kv[1])[:40]:
        print(f"    {k:40s} {v:.3g}")
    print(f"\n{len(todo)} recordings, {n_beyond} values beyond |a - b| <= {args.atol:g} + {args.rtol:g} |a| between {args.base} and this tree")
    return 1 if n_beyond else 0


if __name__ == "__main__":
    raise SystemExit(main())

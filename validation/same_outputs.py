"""Are the CLI's output files byte for byte what an earlier revision wrote? ``analyze --json`` and
``--csv`` of every real recording in ../shared/data, written by REV and by this tree, compared as bytes.

Run: PYTHONPATH=src .venv/bin/python validation/same_outputs.py [--base REV] [--only c3d|fit|other|video]
(needs ../shared/data and git; under a minute; ``--keep DIR`` keeps the outputs; ``--only video`` runs
the real phone video through the pose model, a few minutes, and is not in the default set).

Recordings: every C3D trial (with its session's static trial when the folder has one), every FIT
file of ``wearable/fit``, the Fukuchi text export, the Qualisys export, the first 5 minutes of the
ActiGraph run, the sacral clip and the OpenPose and RTMPose keypoints. REV's tree
(``git archive REV src``) and this one each run all of them in one child process through
``stridelab.cli.main.main`` (the CLI's own code path: light parser, JSON and CSV writers), into
separate folders with the same file names; a refused recording's exit code and message are compared
too. Exit code 1 when any byte differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
D = ROOT.parent / "shared" / "data"

_CHILD = r"""
import contextlib, io, json, sys
from stridelab.cli.main import main
cases, out = json.loads(sys.argv[1]), sys.argv[2]
codes = {}
for name, args in cases.items():
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["analyze", *args, "--json", f"{out}/{name}.json", "--csv", f"{out}/{name}.csv", "-q"])
    codes[name] = [rc, err.getvalue()]
print(json.dumps(codes))
"""


def _static_of(p: Path) -> Path | None:
    if "static" in p.name.lower():
        return None
    stem = p.name.split("run")[0] if "run" in p.name else ""
    for cand in (p.with_name(stem + "static.c3d"), *sorted(p.parent.glob("*[Ss]tatic*.c3d"))):
        if cand.is_file() and cand != p:
            return cand
    return None


def cases(only: str | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if only in (None, "c3d"):
        for p in sorted(D.glob("mocap/**/*.c3d")):
            if "static" in p.name.lower():
                continue
            st = _static_of(p)
            out[p.stem] = [str(p)] + (["--static", str(st)] if st else [])
    if only in (None, "fit"):
        for p in sorted(D.glob("wearable/fit/*.fit")):
            out["fit_" + p.stem] = [str(p)]
    if only == "video":
        out["video_male_side"] = [str(D / "video" / "male_side" / "male_side.mp4")]
    if only in (None, "other"):
        f = D / "mocap" / "fukuchi2017"
        out["rbds001_txt"] = [str(f / "RBDS001runT25markers.txt"), "--forces", str(f / "RBDS001runT25forces.txt"), "--static", str(f / "RBDS001static.c3d")]
        out["davis"] = [str(D / "mocap" / "davis_qtm" / "JDX_S999_run_0021.tsv")]
        out["accel"] = [str(D / "wearable" / "accel" / "acc_running.csv.gz"), "--end-s", "300"]
        out["sacral_clip"] = [str(D / "wearable" / "sacral_grf" / "Sample_test_data.csv")]
        out["openpose"] = [str(D / "video" / "openpose_running_side"), "--rate-hz", "30"]
        out["rtmpose"] = [str(D / "video" / "male_side" / "male_side.pose.json")]
    return out


def run(src: Path, todo: dict[str, list[str]], out: Path) -> dict[str, list[object]]:
    out.mkdir(parents=True, exist_ok=True)
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    res = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(todo), str(out)], capture_output=True, text=True, env=env, check=True)
    return dict(json.loads(res.stdout.splitlines()[-1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="b746460", help="the earlier revision (default: where issue 12's start-up part began)")
    ap.add_argument("--only", choices=["c3d", "fit", "other", "video"])
    ap.add_argument("--keep", type=Path, help="write the outputs here (base/ and new/) instead of a temporary folder")
    args = ap.parse_args()
    todo = cases(args.only)
    work = args.keep or Path(tempfile.mkdtemp(prefix="same_outputs_"))
    base_src = work / "base_tree"
    base_src.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.base, "src"], capture_output=True, check=True).stdout
    tar_path = work / "base.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tf:
        tf.extractall(base_src, filter="data")
    codes_base = run(base_src / "src", todo, work / "base")
    codes_new = run(ROOT / "src", todo, work / "new")
    bad = 0
    for name in todo:
        diffs = []
        if codes_base[name] != codes_new[name]:
            diffs.append(f"exit/message {codes_base[name]} != {codes_new[name]}")
        for ext in ("json", "csv"):
            a, b = work / "base" / f"{name}.{ext}", work / "new" / f"{name}.{ext}"
            if a.exists() != b.exists() or (a.exists() and a.read_bytes() != b.read_bytes()):
                diffs.append(f"{ext} differs")
        status = "same" if not diffs else "DIFFERENT: " + "; ".join(diffs)
        bad += bool(diffs)
        rc = codes_new[name][0]
        print(f"{name:34s} exit {rc}  {status}")
    print(f"{len(todo) - bad} of {len(todo)} recordings byte-identical (--json and --csv) to {args.base}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

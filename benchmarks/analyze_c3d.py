"""Benchmark: ``stridelab analyze`` on a 30 s treadmill C3D (runner RBDS001, 3.5 m/s).

Prints, as medians of several runs (the machine may be shared; compare ratios, not seconds):

* ``bare read``: ``ezc3d.c3d(path, extract_forceplat_data=True)`` in this process (the floor);
* ``analyze``: :func:`stridelab.io.read_trial` (C3D parsed in a child process, units, axes,
  names, gaps) + :func:`stridelab.analysis.analyze` + the JSON document, imports excluded;
  target: at most 2x the bare read;
* the parts of ``analyze`` (child parse and transfer, trial assembly, analysis, JSON);
* ``cli --json``: the whole ``stridelab analyze FILE --json OUT -q`` process, imports included;
  target: under 2.5 s;
* ``cli imports``: the interpreter with the CLI path's imports only.

Run: ``.venv/bin/python benchmarks/analyze_c3d.py [--repeat N] [FILE]``. Bare and analyze runs
alternate so that both see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"


def _median(xs: list[float]) -> str:
    return f"{statistics.median(xs):7.3f} s  (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    path = args.file

    import ezc3d

    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import read_trial
    from stridelab.io.assemble import build_trial
    from stridelab.io.c3d import parse_c3d
    from stridelab.io.c3d_reader import raw_from_c3d
    from stridelab.io.options import ReadOptions

    # warm-up: every lazy import of the analysis path happens here, not in the timings
    json.dumps(analyze(read_trial(path), AnalysisOptions()).to_json(), allow_nan=False)

    bare, total, child, assemble, analysis, to_json = [], [], [], [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ezc3d.c3d(path, extract_forceplat_data=True)
        bare.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        trial = read_trial(path)
        t1 = time.perf_counter()
        result = analyze(trial, AnalysisOptions())
        t2 = time.perf_counter()
        json.dumps(result.to_json(), allow_nan=False)
        t3 = time.perf_counter()
        total.append(t3 - t0)
        analysis.append(t2 - t1)
        to_json.append(t3 - t2)

        t0 = time.perf_counter()
        parse_c3d(path)
        child.append(time.perf_counter() - t0)
        raw = raw_from_c3d(path)
        t0 = time.perf_counter()
        build_trial(raw, ReadOptions(), path)
        assemble.append(time.perf_counter() - t0)

    exe = Path(sys.executable).with_name("stridelab")
    cli, imports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        for _ in range(max(3, args.repeat // 2)):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "analyze", path, "--json", out, "-q"], check=True)
            cli.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import stridelab.cli.main, stridelab.cli.analyze"], check=True)
            imports.append(time.perf_counter() - t0)

    ratio = statistics.median(total) / statistics.median(bare)
    print(f"file: {path}")
    print(f"bare read (ezc3d, forces)   {_median(bare)}")
    print(f"analyze, imports excluded   {_median(total)}")
    print(f"  child parse + transfer    {_median(child)}")
    print(f"  trial assembly            {_median(assemble)}")
    print(f"  analysis                  {_median(analysis)}")
    print(f"  JSON document             {_median(to_json)}")
    print(f"ratio analyze / bare read   {ratio:7.2f}   (target <= 2.0)")
    print(f"cli --json, whole process   {_median(cli)}   (target < 2.5 s)")
    print(f"cli imports only            {_median(imports)}")
    print(f"load average                {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()

"""Benchmark: whole CLI processes against their anchor processes, interleaved (issue 12).

Each round runs, one after the other (so that all see the same machine load), these processes and
takes their CPU time (user + system, the process and its children: the C3D parser runs in one):

* ``bare C3D read``: ``python -c "ezc3d.c3d(RUN, extract_forceplat_data=True)"`` (the anchor);
* ``bare C3D read 1 BLAS``: the same with ``OPENBLAS_NUM_THREADS=1``, as ``stridelab analyze`` runs
  (stridelab.cli.main.ANALYZE_ENV): the stricter anchor, without the cost of OpenBLAS's thread pool,
  which varies with the machine's load (0.03-0.07 s here);
* ``cli --json``: ``stridelab analyze RUN --json OUT -q``;
* ``cli --static``: ``stridelab analyze RUN --static STATIC --mass-kg 62 --height-m 1.81 --json OUT -q``;
* ``SDK FIT decode``: ``python -c "garmin_fit_sdk.Decoder(Stream.from_file(FIT)).read()"`` (the anchor);
* ``cli FIT --json``: ``stridelab analyze FIT --json OUT -q``.

RUN: the bundled 30-s treadmill C3D of Fukuchi 2017 runner RBDS001; FIT: the real Fenix 2 run
``wearable/fit/activity-small-fenix2-run.fit`` (47 min). Medians over ``--rounds``; ratios are of
the medians. Compare ratios, not seconds: the machine is shared.

Run: ``.venv/bin/python benchmarks/cli_startup.py [--rounds 7] [--baseline-src OLD/src]`` (an older tree, e.g.
``git archive 6b109b0 src | tar -x -C /tmp/base``, gives before/after pairs in the same rounds).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"
STATIC = ROOT / "examples" / "fukuchi2017" / "RBDS001static.c3d"
FIT = ROOT.parent / "shared" / "data" / "wearable" / "fit" / "activity-small-fenix2-run.fit"


def cpu_of(cmd: list[str], env: dict[str, str] | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--baseline-src", type=Path, help="also run the CLI commands on this source tree (e.g. an older commit's src/), interleaved")
    args = ap.parse_args()
    py = sys.executable
    cli = str(Path(py).with_name("stridelab"))
    out = Path(tempfile.mkdtemp()) / "out.json"
    cmds = {
        "bare C3D read": [py, "-c", f"import ezc3d; ezc3d.c3d({str(RUN)!r}, extract_forceplat_data=True)"],
        "bare C3D read 1 BLAS": [py, "-c", f"import ezc3d; ezc3d.c3d({str(RUN)!r}, extract_forceplat_data=True)"],
        "cli --json": [cli, "analyze", str(RUN), "--json", str(out), "-q"],
        "cli --static": [cli, "analyze", str(RUN), "--static", str(STATIC), "--mass-kg", "62", "--height-m", "1.81", "--json", str(out), "-q"],
        "SDK FIT decode": [py, "-c", f"from garmin_fit_sdk import Decoder, Stream; Decoder(Stream.from_file({str(FIT)!r})).read()"],
        "cli FIT --json": [cli, "analyze", str(FIT), "--json", str(out), "-q"],
    }
    envs: dict[str, dict[str, str] | None] = {k: None for k in cmds}
    envs["bare C3D read 1 BLAS"] = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    if args.baseline_src:
        base_env = {**os.environ, "PYTHONPATH": str(args.baseline_src.resolve())}
        for k in [k for k in cmds if k.startswith("cli")]:
            cmds[k + " (baseline)"], envs[k + " (baseline)"] = cmds[k], base_env
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for _ in range(args.rounds):
        for k, c in cmds.items():
            cpu[k].append(cpu_of(c, envs[k]))
    med = {k: statistics.median(v) for k, v in cpu.items()}
    for k, v in med.items():
        print(f"{k:20s} CPU median {v:6.3f} s  (min {min(cpu[k]):.3f}, max {max(cpu[k]):.3f})")
    print(f"cli --json / bare C3D read:     {med['cli --json'] / med['bare C3D read']:.2f}x  (target <= 1.5x)")
    print(f"cli --static / bare C3D read:   {med['cli --static'] / med['bare C3D read']:.2f}x  (target <= 2x)")
    one = med["bare C3D read 1 BLAS"]
    print(f"against the 1-BLAS-thread read:  --json {med['cli --json'] / one:.2f}x, --static {med['cli --static'] / one:.2f}x")
    print(f"cli FIT / SDK FIT decode:       {med['cli FIT --json'] / med['SDK FIT decode']:.2f}x  (target <= 1.5x)")
    for k in [k for k in med if k.endswith("(baseline)")]:
        print(f"{k:28s} / now: {med[k] / med[k.removesuffix(' (baseline)')]:.2f}x")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

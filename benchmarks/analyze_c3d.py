"""Benchmark: ``stridelab analyze`` on a 30 s treadmill C3D (runner RBDS001, 3.5 m/s), every stage.

The bound (foundation issue, kept by the joint-angle/kinetics issue): ``analyze`` without report,
imports excluded, child-process C3D parse included, with the kinematics, kinetics and
inverse-dynamics stages, costs at most 2x the bare in-process C3D read with force-plate extraction;
the whole CLI process with ``--json`` stays under 2.5 s.

What is timed, as the bundled demo runs it (``scripts/demo.sh``: the standing trial
``RBDS001static.c3d`` gives the anatomical frames that joint angles and inverse dynamics need,
``--mass-kg 62 --height-m 1.81``):

* ``bare read``: ``ezc3d.c3d(RUN, extract_forceplat_data=True)`` in this process (the floor);
* ``analyze``: :func:`stridelab.io.read_trial` of the running trial and its static trial (both C3D
  files parsed in one child process) + :func:`stridelab.analysis.analyze` (contacts, steps,
  kinematics, kinetics, inverse dynamics and every other registered stage) + the JSON document;
* its parts, measured inside the same runs (wrappers around the pipeline's functions);
* ``cli --json``: the whole ``stridelab analyze RUN --static STATIC --mass-kg 62 --height-m 1.81
  --json OUT -q`` process, imports included; ``cli imports``: the CLI path's imports alone.

Each figure is given as the median wall time over ``--repeat`` runs and as CPU time (this process
plus its child processes: the C3D parser runs in one), which a shared machine disturbs less. Bare
and analyze runs alternate so that both see the same load. Compare ratios, not seconds.

Run: ``.venv/bin/python benchmarks/analyze_c3d.py [--repeat N] [--no-static] [RUN.c3d [STATIC.c3d]]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"
STATIC = ROOT / "examples" / "fukuchi2017" / "RBDS001static.c3d"
MASS_KG, HEIGHT_M = 62.0, 1.81


def cpu_now() -> float:
    """CPU seconds of this process and of its waited-for children (the C3D parser, the CLI)."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


class Clock:
    """Wall and CPU time of labelled parts, accumulated within one run."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    @contextmanager
    def part(self, label: str) -> Iterator[None]:
        w, c = time.perf_counter(), cpu_now()
        try:
            yield
        finally:
            self.wall[label] += time.perf_counter() - w
            self.cpu[label] += cpu_now() - c

    def wrap(self, label: str | Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.part(label(*args, **kwargs) if callable(label) else label):
                return fn(*args, **kwargs)

        return timed


def _stage_label(path: str, *_: Any) -> str:
    return "  stage " + path.split(":")[0].replace("stridelab.", "")


def instrument(clock: Clock) -> None:
    """Time the pipeline's parts by wrapping the functions it looks up at call time."""
    import stridelab.analysis as an
    import stridelab.io.c3d_reader as rd
    import stridelab.kinematics.virtual as vm

    def which(path: Any, *_: Any, **__: Any) -> str:
        return "static" if Path(path).name == STATIC.name else "run"

    parse_labels = {"run": "  C3D parse in a child (run + static)", "static": "  static: handed over by that child"}
    rd.parse_c3d = clock.wrap(lambda p, *a, **k: parse_labels[which(p)], rd.parse_c3d)
    rd.build_trial = clock.wrap(lambda raw, opts, p=None: f"  trial assembly ({which(p)})", rd.build_trial)
    vm.prepare_markers = clock.wrap("  virtual landmarks, joint centres", vm.prepare_markers)
    an.detect_contacts = clock.wrap("  contact events", an.detect_contacts)
    an._run_stage = clock.wrap(_stage_label, an._run_stage)


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:7.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", nargs="?", default=str(RUN))
    ap.add_argument("static", nargs="?", default=str(STATIC))
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--no-static", action="store_true", help="without the standing trial (no joint angles, no inverse dynamics)")
    args = ap.parse_args()
    run, static = args.run, (None if args.no_static else args.static)

    import ezc3d

    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import read_trial

    opts = AnalysisOptions(mass_kg=MASS_KG, height_m=HEIGHT_M)

    def full() -> Any:
        trial = read_trial(run, static=static)
        with clock.part("  analysis: steps, summaries (rest)"):
            result = analyze(trial, opts)
        with clock.part("  JSON document"):
            json.dumps(result.to_json(), allow_nan=False)
        return result

    clock = Clock()
    result = full()  # warm-up: every lazy import of the analysis path happens here, not in the timings
    for key in ("angles", "moments", "powers", "grf"):
        if key not in result.sections:
            print(f"warning: the analysis has no '{key}' section: the benchmark does not time that stage", file=sys.stderr)
    instrument(clock)

    bare_w, bare_c, tot_w, tot_c = [], [], [], []
    parts_w: dict[str, list[float]] = defaultdict(list)
    parts_c: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.repeat):
        w, c = time.perf_counter(), cpu_now()
        ezc3d.c3d(run, extract_forceplat_data=True)
        bare_w.append(time.perf_counter() - w)
        bare_c.append(cpu_now() - c)

        clock.wall.clear()
        clock.cpu.clear()
        w, c = time.perf_counter(), cpu_now()
        full()
        tot_w.append(time.perf_counter() - w)
        tot_c.append(cpu_now() - c)
        inner = sum(v for k, v in clock.wall.items() if k.startswith("  stage") or k in ("  virtual landmarks, joint centres", "  contact events"))
        inner_c = sum(v for k, v in clock.cpu.items() if k.startswith("  stage") or k in ("  virtual landmarks, joint centres", "  contact events"))
        clock.wall["  analysis: steps, summaries (rest)"] -= inner
        clock.cpu["  analysis: steps, summaries (rest)"] -= inner_c
        for k in clock.wall:
            parts_w[k].append(clock.wall[k])
            parts_c[k].append(clock.cpu[k])

    exe = Path(sys.executable).with_name("stridelab")
    cli_w, cli_c, imp_w = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [str(exe), "analyze", run, "--mass-kg", str(MASS_KG), "--height-m", str(HEIGHT_M), "--json", out, "-q"]
        if static:
            cmd[3:3] = ["--static", static]
        for _ in range(max(5, args.repeat // 2)):
            w, c = time.perf_counter(), cpu_now()
            subprocess.run(cmd, check=True)
            cli_w.append(time.perf_counter() - w)
            cli_c.append(cpu_now() - c)
            w = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import stridelab.cli.main, stridelab.cli.analyze"], check=True)
            imp_w.append(time.perf_counter() - w)

    med = statistics.median
    print(f"run:    {run}")
    print(f"static: {static or '(none: no joint angles, no inverse dynamics)'}")
    print(f"medians of {args.repeat} runs; ms                       wall      CPU (this process + children)")
    print(f"bare read (ezc3d, force plates, in-process)   {_fmt(bare_w)}   {_fmt(bare_c)}")
    print(f"analyze, imports excluded                     {_fmt(tot_w)}   {_fmt(tot_c)}")
    order = sorted(parts_w, key=lambda k: (not k.startswith("  C3D"), not k.startswith("  trial"), k.startswith("  JSON"), k.startswith("  analysis"), k))
    for k in order:
        print(f"{k:46.46s}{_fmt(parts_w[k])}   {_fmt(parts_c[k])}")
    print(f"ratio analyze / bare read                     {med(tot_w) / med(bare_w):7.2f}   {med(tot_c) / med(bare_c):7.2f}   (target <= 2.0)")
    print(f"cli --json, whole process (s)                 {med(cli_w):7.2f}   {med(cli_c):7.2f}   (target < 2.5 s; n={len(cli_w)})")
    print(f"cli imports only (s)                          {med(imp_w):7.2f}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

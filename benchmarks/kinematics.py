"""Cost of the kinematics and kinetics stages on the 30 s treadmill C3D (RBDS001, 3.5 m/s).

Prints, as the minimum over repeats (the machine may be shared): the bare in-process C3D parse
with force plates, ``analyze`` without the extra stages, and the added cost of each stage and of
its parts. The foundation's bound: reading (child-process parse) plus ``analyze`` within 2x the
bare read.

Run: ``.venv/bin/python benchmarks/kinematics.py [repeats] [--wall]`` (CPU time by default: the
child-process parse of ``sl.read`` is then not counted, so the read line is wall time always).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import stridelab as sl
import stridelab.analysis as A

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"
RUN, STATIC = DATA / "RBDS001runT35.c3d", DATA / "RBDS001static.c3d"


#: "cpu" (default) measures process CPU time, which a shared machine disturbs less than wall time.
CLOCK = time.process_time


def best(fn: Callable[[], Any], n: int) -> float:
    out = []
    for _ in range(n):
        t = CLOCK()
        fn()
        out.append(CLOCK() - t)
    return min(out)


def main() -> int:
    global CLOCK
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if "--wall" in sys.argv:
        CLOCK = time.perf_counter
    print(f"clock: {'wall' if CLOCK is time.perf_counter else 'process CPU'} time, best of {n}")
    if not RUN.is_file():
        print(f"{RUN} is absent", file=sys.stderr)
        return 1
    opts = sl.AnalysisOptions(mass_kg=62, height_m=1.81)
    stages = list(A.EXTRA_STAGES)
    import ezc3d

    bare = best(lambda: ezc3d.c3d(str(RUN), extract_forceplat_data=True), n)
    t_read = []
    for _ in range(n):
        t0 = time.perf_counter()
        sl.read(RUN, static=STATIC)
        t_read.append(time.perf_counter() - t0)
    read = min(t_read)

    def analyze_with(st: list[str]) -> Callable[[], Any]:
        def f() -> Any:
            A.EXTRA_STAGES[:] = st
            t = sl.read(RUN, static=STATIC)
            t0 = CLOCK()
            sl.analyze(t, opts)
            return CLOCK() - t0

        return f

    def timed(st: list[str]) -> float:
        f = analyze_with(st)
        return min(f() for _ in range(n))

    base = timed([s for s in stages if "kinematics.stage" not in s and "kinetics.stage" not in s])
    kin = timed([s for s in stages if "kinetics.stage" not in s])
    full = timed(stages)
    A.EXTRA_STAGES[:] = stages
    print(f"bare in-process ezc3d read with plates: {bare * 1000:7.1f} ms")
    print(f"sl.read (child process, with static)  : {read * 1000:7.1f} ms (wall)")
    print(f"analyze without these stages          : {base * 1000:7.1f} ms")
    print(f"  + kinematics stage                  : {(kin - base) * 1000:7.1f} ms")
    print(f"  + kinetics stage                    : {(full - kin) * 1000:7.1f} ms")
    print(f"analyze, all stages                   : {full * 1000:7.1f} ms")
    print(f"read + analyze / bare read            : {(read + full) / bare:7.2f} x (bound 2x)")

    # parts, on one prepared analysis
    from stridelab.forces.grf import foot_grf, total_grf
    from stridelab.kinematics.cycles import build_cycles
    from stridelab.kinematics.model import compute_kinematics
    from stridelab.kinematics.running import step_metrics
    from stridelab.kinetics.inverse_dynamics import leg_kinetics
    from stridelab.kinetics.loading import contact_metrics

    A.EXTRA_STAGES[:] = []
    t = sl.read(RUN, static=STATIC)
    a = sl.analyze(t, opts)
    A.EXTRA_STAGES[:] = stages
    t = a.trial  # the analysed copy, with its joint centres (analyze leaves its input unchanged)
    kinm = compute_kinematics(t)
    assert kinm is not None
    g50, graw = total_grf(t, 50.0), total_grf(t, None)
    assert g50 is not None
    feet = {s: v.resample(kinm.time_s) for s, v in foot_grf(t, a.contacts, kinm.cutoff_hz).items()}
    parts = {
        "compute_kinematics (filter, frames, angles)": lambda: compute_kinematics(t),
        "build_cycles (angles)": lambda: build_cycles(kinm.time_s, kinm.angles, a.contacts),
        "step_metrics": lambda: step_metrics(kinm, a.steps, 0.95, graw, 1.81),
        "total_grf x2 (50 Hz, raw)": lambda: (total_grf(t, 50.0), total_grf(t, None)),
        "contact_metrics": lambda: contact_metrics(g50, a.steps, 62.0, 3.5, 0.95),
        "foot_grf + resample": lambda: {s: v.resample(kinm.time_s) for s, v in foot_grf(t, a.contacts, kinm.cutoff_hz).items()},
        "leg_kinetics": lambda: leg_kinetics(kinm.body, feet, 62.0, None),
    }
    for name, fn in parts.items():
        print(f"  part {name:42s}: {best(fn, n) * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

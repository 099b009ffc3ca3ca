"""The broken-and-hostile-input corpus, run in full through the ``stridelab`` command.

Run: nice .venv/bin/python validation/fuzz_corpus.py [--seed 0] [--per-category 12] [--timeout 120]
(needs ../shared/data; about 15-25 minutes on a quiet 2-core machine)

Builds the corpus of tests/_fuzz_inputs.py from the real recordings (truncations, byte flips,
zeroed blocks, lying headers, NaN/inf/3e38, wrong units and rates, empty and header-only files,
devices and FIFOs, folders and links, odd paths, outputs aimed at inputs, bad arguments; the IMU
base file is SYNTHETIC, virtual sensors from the real marker trial), runs every case as its own
process with a time limit, measures its peak memory (``wait4``, the process and the children it
reaped) and prints the counts per category of: overwritten inputs, internal errors (tracebacks,
Python warnings, "internal error", more than one line), hangs, memory kills (or a peak above
1 GiB), exit-0 results with implausible numbers or where a refusal was due; then every case that
is not ok. Exit code 1 when any case is not ok.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from _fuzz_inputs import CATEGORIES, Case, Outcome, file_digest, generate, judge, make_bases  # noqa: E402

VERDICTS = ("overwritten", "internal", "hang", "memory", "implausible")


def run_case(case: Case, exe: Path, timeout_s: float, cwd: Path) -> Outcome:
    before = {p: file_digest(p) for p in case.inputs}
    err_path = cwd / "stderr.txt"
    t0 = time.monotonic()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([str(exe), *case.args], stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=cwd, start_new_session=True)
        status, rusage, timed_out = None, None, False
        while status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
                break
            if time.monotonic() - t0 > timeout_s:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - t0
    stderr = err_path.read_text(errors="replace")
    peak = rusage.ru_maxrss / 1024.0 if rusage is not None else None
    return judge(case, proc.returncode, stderr, before, seconds, peak, timed_out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-category", type=int, default=12)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--limit", type=int, default=0, help="run only the first N cases (0: all)")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("STRIDELAB_SHARED_DATA", ROOT.parent / "shared" / "data")))
    args = ap.parse_args()
    if not args.shared.is_dir():
        print(f"real data folder {args.shared} is absent (set STRIDELAB_SHARED_DATA)")
        return 2
    exe = Path(sys.executable).with_name("stridelab")
    with tempfile.TemporaryDirectory(prefix="stridelab-fuzz-") as tmp:
        work = Path(tmp)
        bases = make_bases(args.shared, work, with_video=True)
        cases = generate(bases, work, seed=args.seed, per_category=args.per_category)
        if args.limit:
            cases = cases[: args.limit]
        print(f"{len(cases)} cases (seed {args.seed}) from {', '.join(sorted(bases))}")
        outcomes: list[Outcome] = []
        t0 = time.monotonic()
        for i, c in enumerate(cases):
            o = run_case(c, exe, args.timeout, work)
            outcomes.append(o)
            if o.verdict != "ok":
                print(f"  [{i + 1}/{len(cases)}] {o.verdict}: {c.category} / {c.name}: {o.detail}", flush=True)
        elapsed = time.monotonic() - t0
    by = Counter((o.case.category, o.verdict) for o in outcomes)
    refused = Counter(o.case.category for o in outcomes if o.verdict == "ok" and o.code not in (0, None))
    total = Counter(o.case.category for o in outcomes)
    print(f"\n{'category':<14}{'cases':>6}{'refused':>8}" + "".join(f"{v:>13}" for v in VERDICTS))
    for cat in CATEGORIES:
        if total[cat]:
            print(f"{cat:<14}{total[cat]:>6}{refused[cat]:>8}" + "".join(f"{by[(cat, v)]:>13}" for v in VERDICTS))
    sums = Counter(o.verdict for o in outcomes)
    print(f"{'all':<14}{len(outcomes):>6}{sum(refused.values()):>8}" + "".join(f"{sums[v]:>13}" for v in VERDICTS))
    peaks = [o.peak_rss_mb for o in outcomes if o.peak_rss_mb is not None]
    slow = max(outcomes, key=lambda o: o.seconds)
    print(f"peak memory of any case: {max(peaks):.0f} MB; slowest case: {slow.seconds:.1f} s ({slow.case.name}); "
          f"total {elapsed / 60:.1f} min")
    return 0 if all(o.verdict == "ok" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())

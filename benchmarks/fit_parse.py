"""Benchmark: a 1-hour FIT file parsed and summarised (target < 1 s).

The file is SYNTHETIC: one hour of 1 Hz running records (3600) with Garmin running dynamics and
Stryd-style developer fields, written with garmin-fit-sdk's encoder by
:func:`stridelab.io.fit_synth.write_synthetic_run` (real watch files of an hour are not in the data
folder; the real 57-min Stryd file is timed too). Prints, best and median of 5 runs:

* garmin-fit-sdk's own decoder (reference, per-message Python),
* stridelab's vectorised decoder alone,
* ``read_trial`` (decode + records table + sport, units, flags),
* ``analyze`` (summary + time series + drift analysis),
* read + analyze together (the target), and a cold ``stridelab analyze FILE --json`` process.

    .venv/bin/python benchmarks/fit_parse.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "wearable" / "fit" / "developer-types-sample.fit"


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts), statistics.median(ts)


def bench(path: Path, label: str) -> float:
    from garmin_fit_sdk import Decoder, Stream

    from stridelab.analysis import analyze
    from stridelab.io import read_trial
    from stridelab.io.fit_decode import decode_fit
    from stridelab.io.fit_messages import message_columns

    data = path.read_bytes()
    read_trial(path)  # warm imports
    print(f"\n{label}: {path.name}, {len(data) / 1024:.0f} KiB")
    rows = [
        ("garmin-fit-sdk Decoder.read (reference)", lambda: Decoder(Stream.from_byte_array(bytearray(data))).read()),
        ("stridelab decode_fit + record columns", lambda: message_columns(decode_fit(data), 20)),
        ("read_trial", lambda: read_trial(path)),
        ("read_trial + analyze (summary, series, drift)", lambda: analyze(read_trial(path))),
    ]
    total = 0.0
    for name, fn in rows:
        best, med = timed(fn, 3 if "garmin" in name else 5)
        print(f"  {name:42s} best {best * 1000:7.1f} ms   median {med * 1000:7.1f} ms")
        if name.startswith("read_trial +"):
            total = med
    rec = read_trial(path).records
    n = 0 if rec is None else len(rec)
    print(f"  => parsed and summarised, {n} records: median {total * 1000:.0f} ms  (target < 1000 ms: {'met' if total < 1.0 else 'NOT met'})")
    return total


def main() -> int:
    from stridelab.io.fit_synth import write_synthetic_run

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "synthetic_1h_run.fit"
        write_synthetic_run(p, duration_s=3600)
        bench(p, "SYNTHETIC 1-hour 1 Hz run")
        exe = Path(sys.executable).with_name("stridelab")
        if exe.exists():
            t = time.perf_counter()
            subprocess.run([str(exe), "analyze", str(p), "--json", str(Path(d) / "o.json"), "-q"], check=True)
            print(f"  cold process 'stridelab analyze FILE --json' (Python start, imports, JSON): {(time.perf_counter() - t) * 1000:.0f} ms")
    if REAL.exists():
        bench(REAL, "REAL 57-min Stryd run")
    return 0


if __name__ == "__main__":
    sys.exit(main())

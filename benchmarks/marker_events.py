"""Speed of marker-only contact events (stridelab.events.markers) on a real 30-s trial.

Run: .venv/bin/python benchmarks/marker_events.py  (needs ../shared/data)

RBDS001runT35.c3d: 30 s, 150 Hz, 4500 frames, 85 contacts. Prints the time to read the trial
(child-process C3D parse included), to prepare its virtual landmarks, and the median of several
runs of the detector alone; the machine is shared, so figures are indicative.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import stridelab as sl
from stridelab.events.markers import detect_marker_contacts
from stridelab.kinematics.virtual import prepare_markers

F = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "fukuchi2017"


def main() -> int:
    t0 = time.perf_counter()
    trial = sl.read(F / "RBDS001runT35.c3d", static=F / "RBDS001static.c3d")
    t1 = time.perf_counter()
    prepare_markers(trial)
    t2 = time.perf_counter()
    runs = []
    for _ in range(5):
        a = time.perf_counter()
        ev = detect_marker_contacts(trial)
        runs.append(time.perf_counter() - a)
    assert trial.markers is not None
    print(f"read (C3D + static, child process): {t1 - t0:.3f} s")
    print(f"prepare_markers (static landmarks, joint centres): {t2 - t1:.3f} s")
    print(f"detect_marker_contacts: median {statistics.median(runs) * 1000:.0f} ms over {len(runs)} runs "
          f"({trial.markers.n_frames} frames, {len(ev.contacts)} contacts; "
          f"{statistics.median(runs) / trial.markers.n_frames * 1e6:.0f} us per frame)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

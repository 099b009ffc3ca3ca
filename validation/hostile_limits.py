"""Cost of the video probe and accuracy of the C3D memory budget (issue 18 follow-up).

Run: nice .venv/bin/python validation/hostile_limits.py [--pairs 5]
(needs ../shared/data; about 1-2 minutes)

1. Video probe: the real phone video ``male_side.mp4`` opened in-process with OpenCV (what
   ``stridelab.video.pose.probe`` did before) against :func:`stridelab.video.probe.probe_video`
   (a limited child that also lists streams and codec and decodes the first frame), in
   alternating pairs; seconds per call.
2. C3D budget: for the real RBDS001 trial and SYNTHETIC files written with ezc3d (random values,
   labelled as such), the estimate of :mod:`stridelab.io.c3d_budget`, the address space a parse
   is allowed and needs, whether it is refused before parsing, and the peak resident memory of the
   parsing child (``RUSAGE_CHILDREN``, one fresh process per file so that peaks do not mix).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", ROOT.parent / "shared" / "data"))

_PARSE_ONE = """
import resource, sys
from stridelab.errors import StridelabError
from stridelab.io.c3d import parse_c3d
from stridelab.io.c3d_budget import c3d_samples, child_allowance_bytes
p = sys.argv[1]
s = c3d_samples(p)
try:
    out = parse_c3d(p)
    res = "parsed %d frames" % out["positions"].shape[0]
except StridelabError as e:
    res = "refused: " + str(e)[:90]
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("%.0f|%.0f|%.0f|%.0f|%s" % (s.estimate_bytes / 1e6, s.address_space_bytes / 1e6, child_allowance_bytes() / 1e6, peak, res))
"""


def synthetic_c3d(path: Path, markers: int, channels: int, per_frame: int, frames: int) -> Path:
    """A SYNTHETIC C3D of random values (only its size matters here)."""
    import ezc3d
    import numpy as np

    c = ezc3d.c3d()
    c["parameters"]["POINT"]["RATE"]["value"] = [100]
    c["parameters"]["POINT"]["LABELS"]["value"] = [f"m{i}" for i in range(markers)]
    c["parameters"]["ANALOG"]["RATE"]["value"] = [100 * per_frame]
    c["parameters"]["ANALOG"]["LABELS"]["value"] = [f"a{i}" for i in range(channels)]
    rng = np.random.default_rng(0)
    c["data"]["points"] = rng.random((4, markers, frames))
    c["data"]["analogs"] = rng.random((1, channels, frames * per_frame))
    c.write(str(path))
    return path


def video_probe(pairs: int) -> None:
    import cv2

    from stridelab.video.pose import require_mediapipe
    from stridelab.video.probe import probe_video

    require_mediapipe()  # the pose pipeline has it loaded when it probes
    p = SHARED / "video" / "male_side" / "male_side.mp4"
    old, new = [], []
    for _ in range(pairs):
        t = time.perf_counter()
        cap = cv2.VideoCapture(str(p))
        cap.get(cv2.CAP_PROP_FPS), cap.get(cv2.CAP_PROP_FRAME_COUNT)
        cap.release()
        old.append(time.perf_counter() - t)
        t = time.perf_counter()
        probe_video(p)
        new.append(time.perf_counter() - t)
    print(f"video probe, {p.name}, {pairs} pairs (s): in-process open {', '.join(f'{x:.3f}' for x in old)}")
    print(f"                                 limited child probe {', '.join(f'{x:.3f}' for x in new)}")


def c3d_budget() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryDirectory(prefix="stridelab-limits-") as d:
        files = [
            ("real RBDS001runT35 (33 markers, 4500 frames)", ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"),
            ("SYNTHETIC 200 markers x 2000 frames", synthetic_c3d(Path(d) / "a.c3d", 200, 1, 1, 2000)),
            ("SYNTHETIC 2 markers, 64 channels x 20000", synthetic_c3d(Path(d) / "b.c3d", 2, 64, 20, 1000)),
            ("SYNTHETIC 100 markers, 16 ch. x 60000", synthetic_c3d(Path(d) / "c.c3d", 100, 16, 10, 6000)),
            ("SYNTHETIC 200 markers x 15000 frames", synthetic_c3d(Path(d) / "d.c3d", 200, 1, 1, 15000)),
        ]
        print("\nC3D file | MB | estimate MB | address space needed MB | allowed MB | child peak MB | result")
        for label, f in files:
            if not f.is_file():
                print(f"{label}: {f} is absent")
                continue
            for budget in (None, "3000"):
                e = dict(env)
                if budget:
                    e["STRIDELAB_C3D_MEMORY_MB"] = budget
                out = subprocess.run([sys.executable, "-c", _PARSE_ONE, str(f)], capture_output=True, text=True, env=e, check=False)
                est, need, allow, peak, res = (out.stdout.strip() or "?|?|?|?|" + out.stderr.strip()[-90:]).split("|", 4)
                tag = "" if budget is None else " (STRIDELAB_C3D_MEMORY_MB=3000)"
                print(f"{label}{tag} | {f.stat().st_size / 1e6:.1f} | {est} | {need} | {allow} | {peak} | {res}")
                if not res.startswith("refused"):
                    break


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=5)
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"real data folder {SHARED} is absent (set STRIDELAB_SHARED_DATA)")
        return 2
    video_probe(args.pairs)
    c3d_budget()
    return 0


if __name__ == "__main__":
    sys.exit(main())

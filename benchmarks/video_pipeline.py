"""Speed of the video pipeline: frames per second on 720p and on 1080x1920 portrait, and what
everything except the pose model adds to the pose model's own time, measured in the same run.

Inputs, made in a temporary folder from REAL videos (re-encoded as MPEG-4 Part 2, mp4v: OpenCV
cannot write H.264, the usual phone codec, whose decoding costs about the same):

* **720p**: every frame of the real demo video (../shared/data/video/sports2d_demo.mp4, 1768x994,
  30 fps, 230 frames; not running) resized to 1280x720 (INTER_AREA). The demo shows no running, so
  contacts, angles and the analysis stage are timed on SYNTHETIC keypoints of the same number of
  frames (REAL motion of RBDS001 seen by a virtual camera) and added, as before;
* **1080x1920 portrait**: every frame of the real phone video (../shared/data/video/male_side/
  male_side.mp4, 720x1280, 30 fps, 360 frames of treadmill running) UPSCALED to 1080x1920
  (INTER_CUBIC); labelled as upscaled: it has the pixel count of a 1080p phone video, not its
  detail. Running: the whole analysis runs on its own keypoints.

Timed per round, the variants interleaved (the machine is shared: only figures from the same
rounds are compared; medians over ``--repeat`` rounds, after one untimed warm-up that loads the
libraries):

* **pose model alone**: loading the model and ``Pose.process`` over every frame, the frames
  decoded beforehand in the same thread and not timed (the anchor);
* **whole pipeline**: ``read_trial`` (the probe in its child, decoding, scaling and colour
  conversion in the decoder thread beside the pose model, clean-up) and ``analyze``;
* **sequential pipeline**: the same with the decoder in the pose model's thread
  (``run_pose(threaded=False)``), to show what the overlap gains;
* the annotated WebM (optional output) separately, at 360p, VP8 and VP9;
* for the portrait, **scaled to 960 px** before the model (``run_pose(scale_to_height=960)``,
  an option, not the default): its pose time and how far its keypoints move.

Checked every round: the whole pipeline's raw keypoints equal the pose model's alone (bitwise).
Printed: the load average before and after, wall times, CPU times (user + system) and frames/s.

With ``--baseline-src DIR`` (e.g. ``git archive b746460 src | tar -x -C /tmp/base``), the 720p
``read_trial`` is also timed with those sources and with these, in fresh processes, alternating.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/video_pipeline.py [--repeat 3] [--only 720p|portrait] [--baseline-src DIR]``
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DEMO = DATA / "video" / "sports2d_demo.mp4"
PHONE = DATA / "video" / "male_side" / "male_side.mp4"


def reencode(src: Path, dst: Path, size: tuple[int, int], interpolation: int) -> int:
    """Every frame of ``src`` resized to ``size`` and written as mp4v; the frame count."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    w = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), cap.get(cv2.CAP_PROP_FPS), size)
    n = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        w.write(cv2.resize(f, size, interpolation=interpolation))
        n += 1
    w.release()
    cap.release()
    return n


def time_keypoint_analysis(n_frames: int, fps: float) -> float:
    """Seconds for the keypoint analysis (clean-up, contacts, angles, stage) of n SYNTHETIC keypoint frames."""
    sys.path.insert(0, str(ROOT / "tests"))
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io.options import ReadOptions
    from stridelab.video.read_keypoints import keypoint_trial
    from video_synth import synthetic_keypoints

    fk = DATA / "mocap" / "fukuchi2017"
    names, xy, conf, t, *_ = synthetic_keypoints(fk, fps=fps, t0=1.0, t1=1.0 + n_frames / fps)
    t0 = time.perf_counter()
    tr = keypoint_trial(names, xy, conf, fps, t, Path("synthetic"), "synthetic", ReadOptions())
    analyze(tr, AnalysisOptions(height_m=1.81))
    return time.perf_counter() - t0


def pose_alone(path: Path, scale_to_height: int | None = None) -> tuple[float, np.ndarray]:
    """Seconds of the pose model alone (loading + ``process`` over every frame, decoding not timed),
    and its landmarks (n, 33, 4)."""
    import cv2

    from stridelab.video.pose import quiet_stderr, require_mediapipe

    _, mp_pose = require_mediapipe()
    cap = cv2.VideoCapture(str(path))
    out = []
    busy = 0.0
    with quiet_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        pose = mp_pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=False, enable_segmentation=False, min_detection_confidence=0.5, min_tracking_confidence=0.5)
        busy += time.perf_counter() - t0
        while True:
            ok, f = cap.read()
            if not ok:
                break
            if scale_to_height and f.shape[0] > scale_to_height:
                f = cv2.resize(f, (int(round(f.shape[1] * scale_to_height / f.shape[0])), scale_to_height), interpolation=cv2.INTER_AREA)
            rgb = cv2.cvtColor(f, cv2.COLOR_BGR2RGB)
            t0 = time.perf_counter()
            res = pose.process(rgb)
            busy += time.perf_counter() - t0
            lm = res.pose_landmarks
            out.append([(p.x, p.y, p.z, p.visibility) for p in lm.landmark] if lm is not None else np.full((33, 4), np.nan))
        pose.close()
    cap.release()
    return busy, np.asarray(out, dtype=float)


def whole_pipeline(path: Path, analyse: Callable[[Any], float], threaded: bool = True) -> tuple[float, Any]:
    """Seconds of ``read_trial`` + the analysis (``analyse`` returns its own seconds), and the trial."""
    import stridelab.video.pose as pose_mod
    from stridelab.io import read_trial

    original = pose_mod.run_pose
    if not threaded:
        pose_mod.run_pose = functools.partial(original, threaded=False)  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        tr = read_trial(path)
        read_s = time.perf_counter() - t0
        return read_s + analyse(tr), tr
    finally:
        pose_mod.run_pose = original  # type: ignore[assignment]


def same_keypoints(trial: Any, alone: np.ndarray, width: int, height: int) -> bool:
    """The pipeline's raw keypoints (before clean-up) equal the pose model's alone, bit for bit."""
    from stridelab.video.names import MEDIAPIPE33, canonical_names

    keep = [i for i, c in enumerate(canonical_names(MEDIAPIPE33)) if c is not None]
    raw = trial.provenance.extra["video"]["raw_keypoints"]
    xy = alone[:, keep, :2] * np.array([width, height])
    conf = np.nan_to_num(alone[:, keep, 3], nan=0.0)
    conf = np.where(np.isfinite(xy[..., 0]), conf, 0.0)
    return bool(np.array_equal(raw.xy_px, xy, equal_nan=True) and np.array_equal(raw.confidence, conf))


def parts(path: Path, alone: np.ndarray, size: tuple[int, int]) -> dict[str, float]:
    """Seconds of the pipeline's parts other than the pose model, each alone: the probe (its
    child), decoding with scaling and colour conversion (one thread), the clean-up."""
    from stridelab.io.options import ReadOptions
    from stridelab.video.decode import frames
    from stridelab.video.names import MEDIAPIPE33
    from stridelab.video.probe import probe_video
    from stridelab.video.read_keypoints import keypoint_trial

    out = {}
    t0 = time.perf_counter()
    p = probe_video(path)
    out["probe"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in frames(path, rgb=True, threaded=False, reuse=True):
        pass
    out["decode"] = time.perf_counter() - t0
    xy = alone[..., :2] * np.array(size)
    conf = np.where(np.isfinite(xy[..., 0]), np.nan_to_num(alone[..., 3], nan=0.0), 0.0)
    t0 = time.perf_counter()
    keypoint_trial(MEDIAPIPE33, xy, conf, p.rate_hz, np.arange(len(xy)) / p.rate_hz, path, "video", ReadOptions(), image_size=size)
    out["clean-up"] = time.perf_counter() - t0
    return out


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    c0 = cpu()
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, cpu() - c0, r


def run_input(label: str, path: Path, n: int, size: tuple[int, int], repeat: int, synthetic_analysis: bool, scaled: int | None) -> None:
    from stridelab.analysis import AnalysisOptions, analyze

    fps = 30.0
    def analyse(tr: Any) -> float:
        if synthetic_analysis:
            return time_keypoint_analysis(n, fps)
        t0 = time.perf_counter()
        analyze(tr, AnalysisOptions())
        return time.perf_counter() - t0

    rows: dict[str, list[tuple[float, float]]] = {k: [] for k in ("pose", "whole", "seq", "scaled")}
    ratio: list[float] = []
    ratio_seq: list[float] = []
    identical: list[bool] = []
    moved: list[float] = []
    part_s: list[dict[str, float]] = []
    load0 = os.getloadavg()
    whole_pipeline(path, analyse)  # warm-up: libraries, model files, page cache
    for _ in range(repeat):
        w, c, (busy, alone) = measure(lambda: pose_alone(path))
        rows["pose"].append((busy, c))
        _, c, (w, tr) = measure(lambda: whole_pipeline(path, analyse))
        rows["whole"].append((w, c))
        ratio.append((w - busy) / busy)
        identical.append(same_keypoints(tr, alone, *size))
        _, c, (w, _) = measure(lambda: whole_pipeline(path, analyse, threaded=False))
        rows["seq"].append((w, c))
        ratio_seq.append((w - busy) / busy)
        part_s.append({**parts(path, alone, size), "analysis": analyse(tr)})
        if scaled:
            w, c, (busy_s, small) = measure(lambda: pose_alone(path, scale_to_height=scaled))
            rows["scaled"].append((busy_s, c))
            d = np.abs(small[..., :2] - alone[..., :2]) * np.array(size)
            moved.append(float(np.nanpercentile(d, 95)))
    load1 = os.getloadavg()

    def med(k: str, j: int) -> float:
        return float(np.median([r[j] for r in rows[k]]))

    print(f"\n{label}: {n} frames {size[0]}x{size[1]}, {fps:.0f} fps; medians of {repeat} rounds; load average {load0[0]:.2f} before, {load1[0]:.2f} after ({os.cpu_count()} cores)")
    print(f"  pose model alone      {med('pose', 0):6.2f} s  {n / med('pose', 0):6.1f} frames/s  (process CPU {med('pose', 1):5.2f} s, decoding included)")
    print(f"  whole pipeline        {med('whole', 0):6.2f} s  {n / med('whole', 0):6.1f} frames/s  (CPU {med('whole', 1):5.2f} s)   target >= 30 frames/s on 720p")
    print(f"  sequential pipeline   {med('seq', 0):6.2f} s  {n / med('seq', 0):6.1f} frames/s  (CPU {med('seq', 1):5.2f} s)")
    print(
        f"  everything but the pose model: {100 * float(np.median(ratio)):+5.1f} % of its time (median of the rounds' ratios: "
        f"{', '.join(f'{100 * r:+.1f}' for r in ratio)}; ratio of the medians {100 * (med('whole', 0) / med('pose', 0) - 1):+.1f} %)   target <= 10 %"
    )
    print(
        f"  sequential instead: {100 * float(np.median(ratio_seq)):+5.1f} % (rounds: {', '.join(f'{100 * r:+.1f}' for r in ratio_seq)}; "
        f"ratio of the medians {100 * (med('seq', 0) / med('pose', 0) - 1):+.1f} %)"
    )

    def best(k: str) -> float:
        return min(r[0] for r in rows[k])

    print(
        f"  best of the rounds (the least disturbed): pose alone {best('pose'):.2f} s, whole {best('whole'):.2f} s ({n / best('whole'):.1f} frames/s, "
        f"{100 * (best('whole') / best('pose') - 1):+.1f} %), sequential {best('seq'):.2f} s ({100 * (best('seq') / best('pose') - 1):+.1f} %)"
    )
    print("  parts, each alone: " + ", ".join(f"{k} {float(np.median([p[k] for p in part_s])):.3f} s" for k in part_s[0]))
    print(f"  keypoints of the pipeline identical to the pose model's alone: {sum(identical)} of {len(identical)} rounds")
    if scaled:
        print(
            f"  option scale_to_height={scaled}: pose model alone {med('scaled', 0):6.2f} s ({100 * (med('scaled', 0) / med('pose', 0) - 1):+.1f} %); "
            f"keypoints moved {float(np.median(moved)):.1f} px (95th percentile, full-size pixels)"
        )


def annotated(path: Path, d: Path) -> None:
    """The annotated WebM (optional output), 60 frames at 640x360, VP8 and VP9."""
    from stridelab.io import read_trial
    from stridelab.video.annotate import annotate_trial

    tr = read_trial(path)
    for codec in ("vp8", "vp9"):
        annotate_trial(tr, None, d / f"warm_{codec}.webm", max_frames=5, codec=codec)  # the encoder's libraries loaded
        frames = 60
        t0 = time.perf_counter()
        annotate_trial(tr, None, d / f"a_{codec}.webm", max_frames=frames, codec=codec)
        dt = time.perf_counter() - t0
        print(f"annotated video (optional), 640x360 {codec.upper()}: {frames / dt:5.1f} frames/s ({1000 * dt / frames:.0f} ms/frame)")


_CHILD = """
import sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from stridelab.io import read_trial
p = Path(sys.argv[1])
read_trial(p)  # warm-up
t0 = time.perf_counter()
read_trial(p)
print(time.perf_counter() - t0)
"""


def baseline_pairs(path: Path, baseline_src: Path, repeat: int) -> None:
    """``read_trial`` (probe, decoding, pose model, clean-up) with the baseline's sources and with
    these, each in a fresh process after a warm-up, alternating."""
    import subprocess

    here = ROOT / "src"
    got: dict[str, list[float]] = {"baseline": [], "this tree": []}
    load0 = os.getloadavg()
    for _ in range(repeat):
        for name, src in (("baseline", baseline_src), ("this tree", here)):
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True, check=True)
            got[name].append(float(out.stdout.strip().splitlines()[-1]))
    load1 = os.getloadavg()
    print(f"  read_trial, {baseline_src} vs this tree, alternating fresh processes (load {load0[0]:.2f} / {load1[0]:.2f}):")
    for name, v in got.items():
        print(f"    {name:10s} median {float(np.median(v)):6.2f} s  ({', '.join(f'{x:.2f}' for x in v)})")


def main() -> None:
    import cv2

    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    base = Path(sys.argv[sys.argv.index("--baseline-src") + 1]) if "--baseline-src" in sys.argv else None
    with tempfile.TemporaryDirectory() as d:
        if only in (None, "720p"):
            src = Path(d) / "demo_720p.mp4"
            n = reencode(DEMO, src, (1280, 720), cv2.INTER_AREA)
            run_input("720p (the REAL demo video resized; analysis on SYNTHETIC keypoints)", src, n, (1280, 720), repeat, True, None)
            if base is not None:
                baseline_pairs(src, base, repeat)
            annotated(src, Path(d))
        if only in (None, "portrait"):
            src = Path(d) / "phone_1080x1920.mp4"
            n = reencode(PHONE, src, (1080, 1920), cv2.INTER_CUBIC)
            run_input("1080x1920 portrait (the REAL phone video UPSCALED from 720x1280; real analysis)", src, n, (1080, 1920), repeat, False, 960)


if __name__ == "__main__":
    main()

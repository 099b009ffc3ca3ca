"""Speed of the video pipeline on 720p video: frames per second, and what everything except the
pose model adds to the pose model's own time.

The 720p input is made honestly from the real demo video (../shared/data/video/sports2d_demo.mp4,
1768x994, 30 fps, 230 frames): every frame resized to 1280x720 and written as MPEG-4 Part 2 (mp4v;
OpenCV cannot write H.264, the usual phone codec, whose decoding costs about the same). Timed:

* pose model alone: the time inside ``Pose.process`` (summed per frame);
* the whole pipeline: decoding (in a second thread), colour conversion, the pose model, clean-up
  (swaps, smoothing, facing), contacts, angles and the analysis stage. The demo shows no running, so
  contacts, angles and stage are timed on SYNTHETIC keypoints of the same number of frames (REAL
  motion of RBDS001 seen by a virtual camera) and added;
* the annotated WebM (optional output) separately, at 360p, VP8 and VP9.

Medians of ``--repeat`` runs (default 3). The machine (2 cores) is shared: figures are indicative.
Run: .venv/bin/python benchmarks/video_pipeline.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT.parent / "shared" / "data" / "video" / "sports2d_demo.mp4"


def make_720p(dst: Path) -> int:
    import cv2

    cap = cv2.VideoCapture(str(DEMO))
    w = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), cap.get(cv2.CAP_PROP_FPS), (1280, 720))
    n = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        w.write(cv2.resize(f, (1280, 720), interpolation=cv2.INTER_AREA))
        n += 1
    w.release()
    return n


def time_keypoint_analysis(n_frames: int, fps: float) -> float:
    """Seconds for the keypoint analysis (clean-up again, contacts, angles, stage) of n SYNTHETIC keypoint frames."""
    sys.path.insert(0, str(ROOT / "tests"))
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io.options import ReadOptions
    from stridelab.video.read_keypoints import keypoint_trial
    from video_synth import synthetic_keypoints

    fk = ROOT.parent / "shared" / "data" / "mocap" / "fukuchi2017"
    names, xy, conf, t, *_ = synthetic_keypoints(fk, fps=fps, t0=1.0, t1=1.0 + n_frames / fps)
    t0 = time.perf_counter()
    tr = keypoint_trial(names, xy, conf, fps, t, Path("synthetic"), "synthetic", ReadOptions())
    analyze(tr, AnalysisOptions(height_m=1.81))
    return time.perf_counter() - t0


def main() -> None:
    import cv2

    from stridelab.io import read_trial
    from stridelab.video.annotate import annotate_trial
    from stridelab.video.pose import run_pose

    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "demo_720p.mp4"
        n = make_720p(src)
        fps_video = cv2.VideoCapture(str(src)).get(cv2.CAP_PROP_FPS)
        pose_s, read_s, kp_s = [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            tr = read_trial(src)  # decode + pose + clean-up
            read_s.append(time.perf_counter() - t0)
            pose_s.append(float(tr.provenance.extra["video"]["pose_seconds"]))
            kp_s.append(time_keypoint_analysis(n, fps_video))
        # pose model alone, decode excluded (for reference): run_pose reports its inference time
        pose_only = float(np.median(pose_s))
        whole = float(np.median(np.array(read_s) + np.array(kp_s)))
        print(f"720p input: {n} frames (1280x720, {fps_video:.0f} fps, made from the real demo video); medians of {repeat} runs; shared 2-core machine")
        print(f"pose model alone:   {pose_only:6.2f} s  = {n / pose_only:5.1f} frames/s")
        print(f"whole pipeline:     {whole:6.2f} s  = {n / whole:5.1f} frames/s   (target >= 30)")
        print(f"everything but the pose model adds {100 * (whole - pose_only) / pose_only:5.1f}% to the pose model's time   (target <= 10%)")
        print(f"  of which decode+pose+clean-up {np.median(read_s):.2f} s, contacts+angles+stage {np.median(kp_s):.3f} s")
        res = None
        for codec in ("vp8", "vp9"):
            frames = 60
            t0 = time.perf_counter()
            res = annotate_trial(tr, None, Path(d) / f"a_{codec}.webm", max_frames=frames, codec=codec)
            dt = time.perf_counter() - t0
            print(f"annotated video (optional), 640x360 {codec.upper()}: {frames / dt:5.1f} frames/s ({1000 * dt / frames:.0f} ms/frame)")
        del res, run_pose


if __name__ == "__main__":
    main()

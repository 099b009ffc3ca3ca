"""Video cadence from the feet's periodicity (``stridelab.video.cadence``) against the contacts'.

1. REAL: ``video/male_side/male_side.mp4`` (30 fps, portrait; cadence 168.9 +- 0.5 steps/min
   measured from the pixels by the data's authors) through ``stridelab analyze`` with the bundled pose
   model, and the data's own RTMPose keypoints through the same pipeline
   (``validation/video_real.py``): the reported cadence (now ``ankle_spread_autocorrelation``) and
   the median step cadence of the detected contacts (what was reported before).
2. SYNTHETIC cameras, real motion (``validation/video_virtual_camera.py``: runner RBDS001 at 2.5 and
   3.5 m/s, 9 cameras, 30/60/120 fps, pose-model-like errors): both cadences against the force plate's
   (60 x (contacts - 1) / span of the initial contacts inside the 15-s window).

Run: ``.venv/bin/python validation/video_cadence.py`` (about two minutes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import video_real as vr  # noqa: E402
import video_virtual_camera as vc  # noqa: E402

from stridelab.video.cadence import periodicity_cadence_spm  # noqa: E402
from stridelab.video.events import contacts_from_sagittal  # noqa: E402


def contacts_cadence(ic_s: np.ndarray) -> float:
    d = np.diff(np.sort(np.asarray(ic_s, dtype=float)))
    return 60.0 / float(np.median(d)) if d.size else float("nan")


def main() -> int:
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions, read_trial

    if vr.DATA.is_dir():
        truth = json.loads((vr.DATA / "male_side.groundtruth.json").read_text())["cadence_spm"]["value"]
        res = analyze(read_trial(vr.DATA / "male_side.mp4", ReadOptions()), AnalysisOptions())
        for what, doc in (("bundled pose model", res.to_json()), ("the data's RTMPose keypoints", vr.second_model())):
            cad = doc["summary"]["cadence_spm"]
            cc = contacts_cadence(np.array([c["ic_s"] for c in doc["contacts"]]))
            print(f"male_side.mp4 (REAL, 30 fps), {what}: reported {cad:.1f} ({100 * (cad / truth - 1):+.2f}%), "
                  f"contacts' median step cadence {cc:.1f} ({100 * (cc / truth - 1):+.2f}%) against {truth} from the pixels; "
                  f"method: {doc['provenance']['methods'].get('cadence')}")  # fmt: skip
    rng = np.random.default_rng(20240501)
    cams = [vc.Camera(d, y) for d in (3.0, 5.0, 8.0) for y in (-10.0, 0.0, 10.0)]
    trials = {s: vc.load(s) for s in ("25", "35")}
    print("\nSYNTHETIC cameras (real motion), cadence error against the force plate, % (18 videos per frame rate):")
    for fps in (30.0, 60.0, 120.0):
        e_per, e_con = [], []
        for trial, ref in trials.values():
            for cam in cams:
                _, _, _, _, _, (_, _, sk, r) = vc.run_condition(trial, ref, cam, fps, rng)
                ref_ic = np.sort(r["ic_s"].to_numpy())
                cad_ref = 60.0 * (ref_ic.size - 1) / (ref_ic[-1] - ref_ic[0])
                p = periodicity_cadence_spm(sk)
                e_per.append(100 * ((p or np.nan) / cad_ref - 1))
                e_con.append(100 * (contacts_cadence(contacts_from_sagittal(sk).contacts["ic_s"].to_numpy()) / cad_ref - 1))
        for name, e in (("periodicity", np.array(e_per)), ("contacts", np.array(e_con))):
            a = np.abs(e)
            print(f"  {fps:.0f} fps {name:11s}: |error| median {np.nanmedian(a):.2f}%, max {np.nanmax(a):.2f}%, within 1% in {(a <= 1).sum()}/{a.size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

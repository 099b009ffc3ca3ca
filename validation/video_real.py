"""Real phone video against contacts marked by eye: ``video/male_side/male_side.mp4``.

Data: a real treadmill run filmed with a phone from the side (portrait 720x1280, 30 fps, 12 s,
runner facing image-left; MIT, zzzhushi/running-gait-analysis, the runner consented to public use),
with a cadence measured from the pixels without a pose model (168.9 +- 0.5 steps/min,
``male_side.groundtruth.json``). Contacts were marked by eye on every frame
(``tests/data/male_side.contacts.json`` says how); the marks' own cadence is 169.7 steps/min.

The video goes through ``stridelab analyze`` (pose model, cleaning, contact detection). As a second
pose model, the data's own keypoints (``male_side.pose.json``: RTMPose, Halpe-26 with heels and big
toes) go through the same clean-up and contact detection (``keypoint_trial``). Each marked
initial contact is paired with the detected contact of either side whose IC is nearest, within 4
frames (sides are not marked). Reported: contacts found, extra contacts, IC and TO errors in
frames (mean, mean absolute), the cadence against the pixel-measured one, and how often two
consecutive detected contacts carry the same side (a swap of the legs' identity).

Run: ``.venv/bin/python validation/video_real.py`` (about 20 s with the pose model).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "video" / "male_side"
MARKS = ROOT / "tests" / "data" / "male_side.contacts.json"
TOL_FRAMES = 4.0


def compare(marks: dict, contacts: list[dict], rate_hz: float) -> dict[str, float]:
    """Per-frame agreement of detected contacts (``ic_s``, ``to_s``, ``side``) with the marks."""
    m_ic = np.array([c["ic_frame"] for c in marks["contacts"] if c["ic_frame"] is not None], float)
    m_to = {c["ic_frame"]: c["to_frame"] for c in marks["contacts"] if c["ic_frame"] is not None}
    d = sorted(contacts, key=lambda c: c["ic_s"])
    d_ic = np.array([c["ic_s"] * rate_hz for c in d])
    d_to = np.array([c["to_s"] * rate_hz for c in d])
    ic_err, to_err, used = [], [], set()
    for k in m_ic:
        if not d_ic.size:
            break
        j = int(np.argmin(np.abs(d_ic - k)))
        if abs(d_ic[j] - k) <= TOL_FRAMES and j not in used:
            used.add(j)
            ic_err.append(d_ic[j] - k)
            if m_to[k] is not None:
                to_err.append(d_to[j] - m_to[k])
    inside = (d_ic >= m_ic.min() - TOL_FRAMES) & (d_ic <= m_ic.max() + TOL_FRAMES)
    sides = [c["side"] for c in d]
    same = sum(a == b for a, b in zip(sides[:-1], sides[1:], strict=False))
    ie, te = np.array(ic_err), np.array(to_err)
    return {
        "marked": float(m_ic.size),
        "found": float(ie.size),
        "extra": float(int(inside.sum()) - len(used)),
        "ic_mean": float(ie.mean()) if ie.size else float("nan"),
        "ic_mae": float(np.abs(ie).mean()) if ie.size else float("nan"),
        "to_mean": float(te.mean()) if te.size else float("nan"),
        "to_mae": float(np.abs(te).mean()) if te.size else float("nan"),
        "same_side_in_a_row": float(same),
        "pairs": float(max(len(sides) - 1, 0)),
    }


HALPE = {"nose": "nose", "l_shoulder": "l_shoulder", "r_shoulder": "r_shoulder", "l_elbow": "l_elbow", "r_elbow": "r_elbow",
         "l_wrist": "l_wrist", "r_wrist": "r_wrist", "l_hip": "l_hip", "r_hip": "r_hip", "l_knee": "l_knee", "r_knee": "r_knee",
         "l_ankle": "l_ankle", "r_ankle": "r_ankle", "l_heel": "l_heel", "r_heel": "r_heel", "l_big_toe": "l_toe", "r_big_toe": "r_toe"}


def second_model() -> dict:
    """The analysis JSON of the RTMPose keypoints shipped with the video (same pipeline after the pose model)."""
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions
    from stridelab.video.read_keypoints import keypoint_trial

    d = json.loads((DATA / "male_side.pose.json").read_text())
    names = d["keypoint_names"]
    a = np.array(d["frames"], dtype=float)  # (frames, keypoints, x/y/score)
    keep = [i for i, n in enumerate(names) if n in HALPE]
    rate = float(d["fps"])
    t = np.arange(a.shape[0]) / rate
    tr = keypoint_trial([HALPE[names[i]] for i in keep], a[:, keep, :2], np.clip(a[:, keep, 2], 0, 1), rate, t,
                        DATA / "male_side.pose.json", "rtmpose-halpe26", ReadOptions(), image_size=(int(d["width"]), int(d["height"])))
    return analyze(tr, AnalysisOptions()).to_json()


def main() -> int:
    if not DATA.is_dir():
        print(f"real data not found at {DATA}")
        return 1
    from stridelab.analysis import AnalysisOptions, analyze
    from stridelab.io import ReadOptions, read_trial

    marks = json.loads(MARKS.read_text())
    truth = json.loads((DATA / "male_side.groundtruth.json").read_text())["cadence_spm"]["value"]
    res = analyze(read_trial(DATA / "male_side.mp4", ReadOptions()), AnalysisOptions())
    for what, doc in (("bundled pose model (MediaPipe)", res.to_json()), ("the data's RTMPose keypoints", second_model())):
        r = compare(marks, doc["contacts"], marks["rate_hz"])
        cad = doc["summary"]["cadence_spm"]
        print(f"male_side.mp4 (REAL, 30 fps), {what}, {doc['provenance']['methods']['events'].get('method')}:")
        print(f"  contacts found {r['found']:.0f}/{r['marked']:.0f} ({100 * r['found'] / r['marked']:.0f}%), extra {r['extra']:.0f}")
        print(f"  IC error {r['ic_mean']:+.2f} frames (mean absolute {r['ic_mae']:.2f}); TO error {r['to_mean']:+.2f} (mean absolute {r['to_mae']:.2f})")
        print(f"  cadence {cad:.1f} steps/min against {truth} measured from the pixels ({100 * (cad / truth - 1):+.1f}%)")
        print(f"  same side twice in a row: {r['same_side_in_a_row']:.0f} of {r['pairs']:.0f} consecutive pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

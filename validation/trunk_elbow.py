"""Trunk lean and elbow flexion of stridelab against a hand calculation (Running_0002.c3d).

No reference system measured trunk or arm angles in our data, so this checks the computation
itself: an independent calculation straight from the C3D file's coordinates (read with ezc3d, its
own axes: running direction -X, vertical +Z), with different formulas:

* trunk lean = atan(forward / vertical) of the vector mid(T10, sternum) -> mid(C7, clavicle);
* elbow flexion = 180° minus the elbow's interior angle from the law of cosines on the distances
  acromion-elbow, elbow-wrist and acromion-wrist (wrist = mid of the two styloid markers).

Run: ``.venv/bin/python validation/trunk_elbow.py``. Prints the largest difference over all frames
for stridelab unfiltered (should be ~0, the same geometry) and with its 12 Hz marker filter (the
effect of filtering), and the values at initial contact, mid-stance and toe-off.
"""

from __future__ import annotations

import sys
from pathlib import Path

import ezc3d
import numpy as np

import stridelab as sl
from stridelab.kinematics.model import MARKER_CUTOFF_HZ, compute_kinematics
from stridelab.kinematics.virtual import prepare_markers

PATH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mocap" / "pyorerun" / "Running_0002.c3d"


def hand(path: Path) -> dict[str, np.ndarray]:
    c = ezc3d.c3d(str(path))
    labels = [s.strip() for s in c["parameters"]["POINT"]["LABELS"]["value"]]
    pts = c["data"]["points"][:3]  # (3, n_markers, n_frames), mm

    def m(name: str) -> np.ndarray:
        return pts[:, labels.index(name), :].T / 1000.0

    top = 0.5 * (m("C7") + m("Clav"))
    low = 0.5 * (m("T10") + m("Sternum"))
    v = top - low
    out = {"trunk_lean": np.degrees(np.arctan(-v[:, 0] / v[:, 2]))}
    for side, p in (("left", "L"), ("right", "R")):
        s, e = m(f"{p}Acromium"), m(f"{p}ElbowLat")
        w = 0.5 * (m(f"{p}WristLat") + m(f"{p}WristMed"))
        a, b, cc = (np.linalg.norm(x, axis=1) for x in (s - e, e - w, s - w))
        out[f"elbow_{side}"] = 180.0 - np.degrees(np.arccos((a**2 + b**2 - cc**2) / (2 * a * b)))
    return out


def main() -> int:
    if not PATH.is_file():
        print(f"{PATH} is absent", file=sys.stderr)
        return 1
    ref = hand(PATH)
    trial = sl.read(PATH)
    prepare_markers(trial)
    a = sl.analyze(trial, sl.AnalysisOptions(mass_kg=70))
    c = a.contacts.iloc[0]
    print(f"Running_0002: {trial.markers.n_frames} frames at {trial.markers.rate_hz:g} Hz, {c['side']} contact {c['ic_s']:.3f}-{c['to_s']:.3f} s")
    for label, cut in (("unfiltered", None), (f"filtered {MARKER_CUTOFF_HZ:g} Hz", MARKER_CUTOFF_HZ)):
        kin = compute_kinematics(trial, cut)
        assert kin is not None
        ours = {"trunk_lean": kin.angles["trunk_lean"]["left"], "elbow_left": kin.angles["elbow_flexion"]["left"], "elbow_right": kin.angles["elbow_flexion"]["right"]}
        for k, v in ours.items():
            d = v - ref[k]
            print(f"  {label:>16} {k:11s}: max |stridelab - hand| = {np.nanmax(np.abs(d)):.4f} deg, mean {np.nanmean(d):+.4f} deg")
    t = trial.markers.time_s
    kin = compute_kinematics(trial, MARKER_CUTOFF_HZ)
    assert kin is not None
    print("  instant      hand: trunk  elbowL  elbowR | stridelab (filtered): trunk  elbowL  elbowR")
    for name, when in (("contact", c["ic_s"]), ("mid-stance", 0.5 * (c["ic_s"] + c["to_s"])), ("toe-off", c["to_s"])):
        i = int(np.argmin(np.abs(t - when)))
        h = [ref["trunk_lean"][i], ref["elbow_left"][i], ref["elbow_right"][i]]
        o = [kin.angles["trunk_lean"]["left"][i], kin.angles["elbow_flexion"]["left"][i], kin.angles["elbow_flexion"]["right"][i]]
        print(f"  {name:10s} " + " ".join(f"{x:7.2f}" for x in h) + "   |                      " + " ".join(f"{x:7.2f}" for x in o))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

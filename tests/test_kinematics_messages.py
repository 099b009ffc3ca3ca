"""Plain warnings for what the markers cannot support: the static trial named once."""

from __future__ import annotations

from stridelab.kinematics.messages import STATIC_HINT, condense, leg_frames_missing

MSGS = [
    "left thigh: missing l_kjc, l_knee_lat, l_knee_med",
    "left shank: missing l_kjc, l_ajc, l_ankle_lat, l_ankle_med",
    "right foot: needs a static (standing) trial, or heel, toe and both malleoli; ankle angles and foot-strike angle skipped",
    "trunk: needs c7, clav, strn and t10 (thorax, Wu 2005) or both acromions and hip centres; missing c7, clav, strn, t10",
    "left elbow: needs l_shoulder, l_elbow_lat/med and l_wrist_rad/uln; missing l_shoulder",
    "right elbow: needs r_shoulder, r_elbow_lat/med and r_wrist_rad/uln; missing r_shoulder",
]


def test_without_static_one_hint_and_one_upper_body_line() -> None:
    out = condense(MSGS, has_static=False)
    assert out[0] == STATIC_HINT and "add --static FILE for joint angles" in out[0]
    assert len(out) == 2 and "trunk lean and elbow flexion and arm swing" in out[1]
    assert leg_frames_missing(MSGS)


def test_with_static_the_leg_details_stay() -> None:
    out = condense(MSGS[:2], has_static=True)
    assert out == MSGS[:2]
    assert condense([], has_static=False) == []

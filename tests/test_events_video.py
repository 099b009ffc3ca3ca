"""Video contact events (rest_distance_knee_extension) on SYNTHETIC foot keypoints with known geometry.

The SYNTHETIC feet below rest on the ground (moving with a treadmill belt, or still overground),
arrive at their resting place along a straight line at a known speed and leave it the same way, so
the instant each sole point comes within the 2.5 cm rest distance is known exactly. The real-motion
checks against force plates are in tests/test_video_events.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import stridelab.video.events as video_events
from stridelab.video.events import contacts_from_sagittal, peak_extension
from stridelab.video.sagittal import SagittalKeypoints

STRIDE_S = 0.7
FOOT_M = 0.2
APPROACH = np.array([2.0, -0.5])  # m/s towards the resting place: forward and down
LEAVE = np.array([1.0, 1.0])  # m/s away from it: forward and up
RAMP_S = 0.06


def _point(t: np.ndarray, arrive: np.ndarray, leave: np.ndarray, stride_m: float, offset_m: float) -> np.ndarray:
    """SYNTHETIC ground-frame path (n, 2) in metres of one sole point: at rest at (k * stride + offset, 0)
    from arrive[k] to leave[k], straight-line ramps of RAMP_S on either side (the whole way before the
    first and after the last contact), a smooth swing between."""
    out = np.full((t.size, 2), np.nan)
    rest = [np.array([k * stride_m + offset_m, 0.0]) for k in range(len(arrive))]
    for k, (a, b) in enumerate(zip(arrive, leave, strict=True)):
        m = (t >= a) & (t <= b)
        out[m] = rest[k]
        last, first = k + 1 == len(arrive), k == 0  # before the first and after the last contact: straight on
        m = (t > b) & ((t <= b + RAMP_S) | last)
        out[m] = rest[k] + LEAVE * (t[m] - b)[:, None]
        m = ((t >= a - RAMP_S) | first) & (t < a)
        out[m] = rest[k] - APPROACH * (a - t[m])[:, None]
        if k + 1 < len(arrive):  # cubic Hermite swing from the end of leaving to the start of the next approach
            t0, t1 = b + RAMP_S, arrive[k + 1] - RAMP_S
            p0, p1 = rest[k] + LEAVE * RAMP_S, rest[k + 1] - APPROACH * RAMP_S
            m = (t > t0) & (t < t1)
            s = (t[m] - t0) / (t1 - t0)
            d = t1 - t0
            h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
            out[m] = h00[:, None] * p0 + h10[:, None] * d * LEAVE + h01[:, None] * p1 + h11[:, None] * d * APPROACH
    return out


def synthetic_feet(fps: float = 60.0, belt_mps: float = 3.0, strike: str = "rearfoot", roll_deg: float = 0.0, n: int = 8, m_per_px: float = 0.004):
    """SYNTHETIC sagittal keypoints (pixels) of both feet, and the expected (side, ic_s, to_s) of each
    complete contact: initial contact when the first point comes within 2.5 cm of its resting place,
    toe-off (no knee keypoints: the toe fallback) when the last leaves beyond it."""
    t = np.arange(0.0, STRIDE_S * (n + 1), 1.0 / fps) + 0.3 / fps
    stride_m = (belt_mps or 3.0) * STRIDE_S
    ground_v = np.array([-belt_mps, 0.0])  # the belt moves backwards; overground the ground is still
    pts, expected = {}, []
    for side, shift in (("left", 0.0), ("right", STRIDE_S / 2)):
        first = 0.25 + shift + STRIDE_S * np.arange(n)
        if strike == "rearfoot":  # heel lands first, the forefoot slaps down 30 ms later; heel off before the toe
            heel_a, heel_b, toe_a, toe_b = first, first + 0.12, first + 0.03, first + 0.25
        else:  # forefoot: the toe lands first, the heel comes down 40 ms later
            heel_a, heel_b, toe_a, toe_b = first + 0.04, first + 0.12, first, first + 0.25
        heel = _point(t, heel_a, heel_b, stride_m, 0.0)
        toe = _point(t, toe_a, toe_b, stride_m, FOOT_M)
        for name, g in (("heel", heel), ("toe", toe)):
            pts[f"{side[0]}_{name}"] = g + ground_v[None, :] * t[:, None]
        arrive = np.minimum(heel_a, toe_a) - 0.025 / np.hypot(*APPROACH)
        leave = np.maximum(heel_b, toe_b) + 0.025 / np.hypot(*LEAVE)
        expected += [(side, a, b) for a, b in zip(arrive, leave, strict=True)]
    names = sorted(pts)
    fu = np.stack([pts[k] for k in names], axis=1) / m_per_px
    if roll_deg:  # a camera rolled about its axis tilts the ground line in the image
        c, s = np.cos(np.radians(roll_deg)), np.sin(np.radians(roll_deg))
        fu = fu @ np.array([[c, s], [-s, c]])
    sk = SagittalKeypoints(names, fu, np.ones(fu.shape[:2]), t, fps, "right", 0.86 / m_per_px, m_per_px)
    return sk, expected


def _check(sk: SagittalKeypoints, expected: list, tol_s: float = 1e-6) -> None:
    ev = contacts_from_sagittal(sk)
    c = ev.contacts
    inside = [(s, a, b) for s, a, b in expected if a > sk.time_s[0] + 0.1 and b < sk.time_s[-1] - 0.2]
    for side, ic, to in inside:
        got = c[(c.side == side) & (np.abs(c.ic_s - ic) < 0.05)]
        assert len(got) == 1, f"{side} contact at {ic:.3f} s not found"
        assert abs(float(got.ic_s.iloc[0]) - ic) < tol_s
        assert abs(float(got.to_s.iloc[0]) - to) < tol_s
    assert len(c) <= len(expected)  # nothing invented
    assert (c.to_from == "toe").all() and any("toe-off" in w for w in ev.warnings)  # no knee keypoints here


@pytest.mark.parametrize("strike", ["rearfoot", "forefoot"])
@pytest.mark.parametrize("belt_mps", [3.0, 0.0])
def test_events_are_where_the_first_point_arrives_and_the_last_leaves(strike: str, belt_mps: float) -> None:
    _check(*synthetic_feet(belt_mps=belt_mps, strike=strike))


@pytest.mark.parametrize("fps", [30.0, 120.0])
def test_frame_rate_does_not_change_the_events(fps: float) -> None:
    # at 30 fps a frame interval can straddle the instant the point comes to rest (a kink in its path),
    # so the linear interpolation between the two frames is off by up to a few ms (5 ms here)
    _check(*synthetic_feet(fps=fps), tol_s=1e-6 if fps > 60 else 0.2 / fps)


def test_tilted_ground_line() -> None:
    sk, expected = synthetic_feet(roll_deg=5.0)
    _check(sk, expected)
    ev = contacts_from_sagittal(sk)
    assert abs(abs(ev.info["feet"]["left"]["ground_slope_deg"]) - 5.0) < 0.5
    assert abs(abs(ev.info["feet"]["left"]["ground_velocity_mps"]) - 3.0) < 0.2


def test_partial_contacts_at_the_ends_are_rejected_with_a_reason() -> None:
    sk, expected = synthetic_feet()
    cut = (sk.time_s > expected[0][1] + 0.05) & (sk.time_s < expected[-1][2] - 0.05)  # starts and ends mid-contact
    sk2 = SagittalKeypoints(sk.names, sk.fu[cut], sk.confidence[cut], sk.time_s[cut], sk.rate_hz, "right", sk.leg_length_px, sk.m_per_px)
    ev = contacts_from_sagittal(sk2)
    assert (ev.contacts.ic_s > sk2.time_s[0]).all() and (ev.contacts.to_s < sk2.time_s[-1]).all()
    reasons = " ".join(r["reason"] for r in ev.rejected)
    assert "starts before the video" in reasons and "ends after the video" in reasons


def test_a_keypoint_gap_at_touchdown_is_bridged_or_left_to_the_other_point() -> None:
    sk, expected = synthetic_feet()
    side, ic, _ = expected[2]
    j = int(np.searchsorted(sk.time_s, ic))
    fu = sk.fu.copy()
    fu[j - 1 : j + 2, sk.names.index("l_heel")] = np.nan  # 3 frames (50 ms) of the landing heel missing
    ev = contacts_from_sagittal(SagittalKeypoints(sk.names, fu, sk.confidence, sk.time_s, sk.rate_hz, "right", sk.leg_length_px, sk.m_per_px))
    got = ev.contacts[(ev.contacts.side == side) & (np.abs(ev.contacts.ic_s - ic) < 0.05)]
    assert len(got) == 1 and abs(float(got.ic_s.iloc[0]) - ic) < 1.0 / sk.rate_hz


def test_scale_from_the_runners_height_moves_the_rest_distance() -> None:
    sk, expected = synthetic_feet()
    sk.m_per_px = None
    ev = contacts_from_sagittal(sk, height_m=1.75)  # leg length 0.86 m = 0.491 x 1.75 m: the true scale
    assert "1.75" in ev.info["scale_from"]
    side, ic, _ = expected[3]
    got = ev.contacts[(ev.contacts.side == side) & (np.abs(ev.contacts.ic_s - ic) < 0.05)]
    assert abs(float(got.ic_s.iloc[0]) - ic) < 1e-3


def test_rest_distance_is_the_constant_used() -> None:
    sk, expected = synthetic_feet()
    old = video_events.REST_DISTANCE_M
    video_events.REST_DISTANCE_M = 0.04
    try:
        c = contacts_from_sagittal(sk).contacts
    finally:
        video_events.REST_DISTANCE_M = old
    side, ic, _ = expected[3]
    got = c[(c.side == side) & (np.abs(c.ic_s - ic) < 0.05)]
    # 1.5 cm further out along the 2.06 m/s approach: 7.3 ms earlier
    assert abs(float(got.ic_s.iloc[0]) - (ic - 0.015 / np.hypot(*APPROACH))) < 1e-6


def test_peak_extension_finds_the_vertex_under_noise() -> None:
    rng = np.random.default_rng(3)
    fps = 60.0
    t = np.arange(0, 0.5, 1 / fps)
    knee = 15 + 2000 * (t - 0.2337) ** 2 + rng.normal(0, 0.3, t.size)  # SYNTHETIC knee flexion, deg
    f = peak_extension(knee, 2, 25, 3)
    assert f is not None and abs(f / fps - 0.2337) < 0.006
    assert peak_extension(knee, 16, 25, 3) is None  # smallest value at the window's edge: no peak inside

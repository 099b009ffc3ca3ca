"""Cardan decompositions round-trip (hypothesis): angles -> rotation matrix -> the same angles, for
both sequences used (YXZ joint angles, ZXY pelvis), away from gimbal lock."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stridelab.kinematics.angles import cardan_yxz, cardan_zxy, relative_rotation
from test_kinematics_angles import rx, ry, rz  # the elementary rotations of the example-based tests

HALF = np.pi / 2 - 1e-3
angle = st.floats(-np.pi + 1e-6, np.pi - 1e-6)
middle = st.floats(-HALF, HALF)


@settings(max_examples=200, deadline=None)
@given(angle, middle, angle)
def test_yxz_round_trip(a: float, b: float, c: float) -> None:
    r = (ry(a) @ rx(b) @ rz(c))[None]
    assert np.allclose(cardan_yxz(r)[0], [a, b, c], atol=1e-7)


@settings(max_examples=200, deadline=None)
@given(angle, middle, angle)
def test_zxy_round_trip(g: float, b: float, a: float) -> None:
    r = (rz(g) @ rx(b) @ ry(a))[None]
    assert np.allclose(cardan_zxy(r)[0], [g, b, a], atol=1e-7)


@settings(max_examples=100, deadline=None)
@given(angle, middle, angle, angle, middle, angle)
def test_relative_rotation_recovers_the_joint(a1: float, b1: float, c1: float, a2: float, b2: float, c2: float) -> None:
    """The distal segment = proximal x joint rotation: the joint's angles come back, whatever the proximal."""
    prox = ry(a1) @ rx(b1) @ rz(c1)
    joint = ry(a2) @ rx(b2) @ rz(c2)
    rel = relative_rotation(prox[None], (prox @ joint)[None])
    assert np.allclose(cardan_yxz(rel)[0], [a2, b2, c2], atol=1e-6)

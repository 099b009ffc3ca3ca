"""The canonical laboratory frame.

Every reader rotates its data into one right-handed frame whose axes have anatomical names:

* ``FORWARD`` (index 0): horizontal, the direction the runner faces / travels;
* ``LEFT`` (index 1): horizontal, to the runner's left;
* ``UP`` (index 2): vertical, against gravity.

The rotation from the file's own axes is a signed axis permutation (labs align their axes with
the runway or treadmill), found from the data or declared, and recorded in the trial's provenance.
"""

from __future__ import annotations

import numpy as np

FORWARD = 0
LEFT = 1
UP = 2
AXIS_NAMES = ("forward", "left", "up")

_LETTERS = "XYZ"


def parse_signed_axis(text: str) -> tuple[int, float]:
    """Parse ``"+Y"``, ``"-x"``, ``"z"`` into (axis index, sign)."""
    t = text.strip().upper()
    sign = -1.0 if t.startswith("-") else 1.0
    t = t.lstrip("+-")
    if t not in _LETTERS or len(t) != 1:
        raise ValueError(f"not an axis: {text!r} (use X, Y or Z with an optional sign, e.g. +Y)")
    return _LETTERS.index(t), sign


def format_signed_axis(axis: int, sign: float) -> str:
    return ("+" if sign > 0 else "-") + _LETTERS[axis]


def rotation_from_axes(vertical: tuple[int, float], forward: tuple[int, float]) -> np.ndarray:
    """Matrix R (3x3) with ``canonical = R @ file`` for a signed vertical and forward file axis.

    ``left`` is completed so that (forward, left, up) is right-handed.
    """
    if vertical[0] == forward[0]:
        raise ValueError("the vertical and forward axes must differ")
    r = np.zeros((3, 3))
    r[UP, vertical[0]] = vertical[1]
    r[FORWARD, forward[0]] = forward[1]
    up = r[UP]
    fwd = r[FORWARD]
    r[LEFT] = np.cross(up, fwd)
    return r


def describe_rotation(r: np.ndarray) -> dict[str, str]:
    """Which signed file axis became each canonical axis, e.g. ``{"up": "+Y", ...}``."""
    out = {}
    for i, name in enumerate(AXIS_NAMES):
        j = int(np.argmax(np.abs(r[i])))
        out[name] = format_signed_axis(j, float(np.sign(r[i, j])))
    return out

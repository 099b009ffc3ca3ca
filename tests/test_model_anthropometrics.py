"""The one table of body proportions (Drillis & Contini 1966 via Winter 2009)."""

from __future__ import annotations

import pytest

from stridelab.model import anthropometrics as A


def test_ratios_are_winters_table() -> None:
    assert A.FRACTION_OF_HEIGHT == {"foot": 0.152, "shank": 0.246, "thigh": 0.245, "leg": 0.530}
    assert A.THIGH_SHANK_PER_HEIGHT == pytest.approx(0.491) and "Drillis" in A.SOURCE and "Winter" in A.SOURCE
    assert A.length_from_height("leg", 1.81) == pytest.approx(0.9593)


def test_every_user_reads_the_table() -> None:
    """The modules that estimate lengths from height hold the table's numbers, not their own."""
    from stridelab.events import foot_model
    from stridelab.kinematics import running
    from stridelab.video import events_rest, stage

    assert foot_model.FOOT_PER_HEIGHT == running.FOOT_LENGTH_PER_HEIGHT == A.FOOT_PER_HEIGHT
    assert foot_model.FOOT_PER_SHANK == A.FOOT_PER_HEIGHT / A.SHANK_PER_HEIGHT
    assert events_rest.LEG_PER_HEIGHT == stage.THIGH_SHANK_PER_HEIGHT == A.THIGH_SHANK_PER_HEIGHT
    assert events_rest.TROCHANTER_PER_HEIGHT == stage.TROCHANTER_PER_HEIGHT == A.LEG_PER_HEIGHT

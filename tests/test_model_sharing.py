"""The analysis's working copy shares the recording's arrays read-only and leaves the caller's alone (issue 12)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.analysis import analyze
from stridelab.io import read_trial
from stridelab.model.sharing import shared_copy

RUN = Path(__file__).resolve().parents[1] / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"


def test_shared_copy_shares_arrays_read_only() -> None:
    tr = read_trial(RUN)
    cp = shared_copy(tr)
    assert cp is not tr and cp.markers is not tr.markers and cp.forceplates[0] is not tr.forceplates[0]
    assert np.shares_memory(cp.markers.positions_m, tr.markers.positions_m)
    with pytest.raises(ValueError):
        cp.markers.positions_m[0, 0, 0] = 1.0
    assert tr.markers.positions_m.flags.writeable and tr.forceplates[0].force_n.flags.writeable
    cp.markers.names.append("extra")
    assert "extra" not in tr.markers.names


def test_analysis_leaves_the_callers_trial_unchanged() -> None:
    tr = read_trial(RUN)
    before = tr.markers.positions_m.copy(), list(tr.markers.names), tr.forceplates[0].force_n.copy()
    a = analyze(tr)
    assert len(a.steps) > 50
    np.testing.assert_array_equal(tr.markers.positions_m, before[0])
    assert tr.markers.names == before[1]
    np.testing.assert_array_equal(tr.forceplates[0].force_n, before[2])

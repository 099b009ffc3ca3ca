"""Nominal sampling rate of rounded time columns; real gaps and rate changes refused."""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.errors import InvalidInputError
from stridelab.io.timebase import nominal_time_base


def test_150hz_rounded_to_1ms_is_accepted_with_a_note() -> None:
    t = np.round(np.arange(4500) / 150.0, 3)
    tb = nominal_time_base(t, "run.txt")
    assert tb.rate_hz == 150.0 and tb.quantum_s == pytest.approx(1e-3)
    assert tb.note is not None and "rounded to 1 ms" in tb.note
    assert np.allclose(tb.time_s, np.arange(4500) / 150.0)


def test_fine_rounding_says_nothing() -> None:
    tb = nominal_time_base(np.round(np.arange(2400) / 240.0, 5), "qtm.tsv")
    assert tb.rate_hz == 240.0 and tb.note is None


def test_real_gap_is_refused() -> None:
    t = np.round(np.delete(np.arange(1000), np.arange(500, 510)) / 200.0, 3)
    with pytest.raises(InvalidInputError, match="rows are missing"):
        nominal_time_base(t, "gap.txt")


def test_changing_rate_is_refused() -> None:
    t = np.concatenate([np.arange(300) / 100.0, 3.0 + np.arange(1, 600) / 200.0])
    with pytest.raises(InvalidInputError, match="rate changes"):
        nominal_time_base(t, "mixed.txt")


def test_not_increasing_names_the_row() -> None:
    with pytest.raises(InvalidInputError, match="row 3"):
        nominal_time_base(np.array([0.0, 0.01, 0.01, 0.02]), "dup.txt")

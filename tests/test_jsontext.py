"""stridelab.jsontext writes what json.dumps(indent=1, allow_nan=False) writes, errors included."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stridelab.jsontext import dumps_indent1

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8)
_KEYS = st.text(max_size=6) | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.booleans() | st.none()
_DOCS = st.recursive(
    _SCALARS | st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.none() | st.integers(), max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(_DOCS)
def test_same_text_as_json(doc: Any) -> None:
    assert dumps_indent1(doc) == json.dumps(doc, indent=1, allow_nan=False)


def test_numpy_floats_and_a_real_like_document() -> None:
    doc = {"timeseries": {"time_s": [0.0, 1.0, None], "x": [np.float64(1.25), 3, True]}, "e": [], "d": {}, "s": ["a\u00e9\n", 1]}
    assert dumps_indent1(doc) == json.dumps(doc, indent=1, allow_nan=False)


@pytest.mark.parametrize("bad", [[1.0, float("nan")], {"a": [float("inf")]}, {"k": np.int64(3)}, {(1, 2): 1}, [object()]])
def test_same_errors(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as want:
        json.dumps(bad, indent=1, allow_nan=False)
    with pytest.raises(want.type) as got:
        dumps_indent1(bad)
    assert str(got.value) == str(want.value)


def test_circular_reference() -> None:
    a: list[Any] = [1]
    a.append(a)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps_indent1(a)

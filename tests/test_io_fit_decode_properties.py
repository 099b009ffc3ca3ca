"""The FIT decoder fed truncated and mutated bytes of a real watch file (hypothesis): it never raises,
never reports more messages than the file holds, and the reader answers with a Trial or one
stridelab error, never another exception.

Real data: ../shared/data/wearable/fit/garmin-fenix-5-run.fit (MIT, python-fitparse test files).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stridelab.errors import StridelabError
from stridelab.io.fit import read_fit
from stridelab.io.fit_decode import decode_fit

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wearable" / "fit" / "garmin-fenix-5-run.fit"
pytestmark = pytest.mark.skipif(not SHARED.is_file(), reason=f"real FIT file {SHARED} is absent (CI always has it)")
DATA = SHARED.read_bytes() if SHARED.is_file() else b""
FULL = decode_fit(DATA).n_messages if DATA else 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, max(len(DATA) - 1, 0)))
@example(keep=12)  # found by this test: a 14-byte header cut after 12 bytes raised struct.error
@example(keep=13)
def test_truncated(keep: int) -> None:
    ff = decode_fit(DATA[:keep])
    assert ff.n_messages <= FULL


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.integers(0, min(2047, max(len(DATA) - 1, 0))), st.integers(0, max(len(DATA) - 1, 0))), st.integers(0, 255)), min_size=1, max_size=8))
def test_mutated_bytes_decode_and_read_without_a_crash(changes: list[tuple[int, int]]) -> None:
    """Half the changes fall in the first 2 KiB, where the definition messages are. This test found a
    definition without fields, a timestamp decoded as an array and single-valued fields given several
    values, each of which made the decoder or the reader raise."""
    buf = bytearray(DATA)
    for offset, value in changes:
        buf[offset] = value
    ff = decode_fit(bytes(buf))
    assert ff.n_messages <= len(buf) // 2  # a message needs at least a header byte and a field byte
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "mutated.fit"
        p.write_bytes(bytes(buf))
        try:
            t = read_fit(p)
        except StridelabError as e:
            assert "\n" not in e.message
        else:
            assert t.records is not None or t.sessions is not None

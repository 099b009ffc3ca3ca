"""Property tests of the readers: any byte string, or a real recording with any bytes changed, gives
a valid Trial or a StridelabError, never another exception (and never blocks).

The real recordings are the small watch file and the first rows of the Fukuchi text exports in
../shared/data; arbitrary byte strings need no data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stridelab.errors import StridelabError
from stridelab.io import read_trial
from stridelab.model.trial import Trial

EXTS = [".c3d", ".trc", ".mot", ".fit", ".txt", ".csv", ".tsv", ".json", ".gz"]
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _valid(trial: Trial) -> None:
    """What every trial a reader returns must satisfy."""
    assert isinstance(trial, Trial)
    for series in [trial.markers] + [p for p in trial.forceplates]:
        if series is None:
            continue
        assert np.isfinite(series.rate_hz) and 1.0 <= series.rate_hz <= 100_000.0
        t = np.asarray(series.time_s, dtype=float)
        assert np.all(np.isfinite(t)) and np.all(np.diff(t) > 0)
    for s in trial.imu.values():
        assert np.isfinite(s.rate_hz) and 1.0 <= s.rate_hz <= 100_000.0


def _read(data: bytes, ext: str, forces: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"x{ext}"
        p.write_bytes(data)
        try:
            _valid(read_trial(p, forces=forces))
        except StridelabError as e:
            assert e.message and "\n" not in e.message


@SETTINGS
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTS))
def test_any_bytes_give_a_trial_or_a_stridelab_error(data: bytes, ext: str) -> None:
    _read(data, ext)


@SETTINGS
@given(data=st.text(max_size=2000), ext=st.sampled_from([".trc", ".mot", ".txt", ".csv"]))
def test_any_text_gives_a_trial_or_a_stridelab_error(data: str, ext: str) -> None:
    _read(data.encode("utf-8", "surrogatepass"), ext)


@pytest.fixture(scope="module")
def real_small(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    fk = shared_data / "mocap" / "fukuchi2017"
    with open(fk / "RBDS001runT25markers.txt", "rb") as fh:
        markers = b"".join(fh.readline() for _ in range(301))
    with open(fk / "RBDS001runT25forces.txt", "rb") as fh:
        forces = b"".join(fh.readline() for _ in range(601))
    d = tmp_path_factory.mktemp("forces")
    (d / "forces.txt").write_bytes(forces)
    return {
        ".fit": (shared_data / "wearable" / "fit" / "garmin-fenix-5-run.fit").read_bytes(),
        ".txt": markers,
        "forces": str(d / "forces.txt").encode(),
    }


@SETTINGS
@given(ext=st.sampled_from([".fit", ".txt"]), edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8),
       cut=st.floats(0.0, 1.0))
def test_real_recordings_with_bytes_changed(real_small: dict[str, bytes], ext: str, edits: list[tuple[float, int]], cut: float) -> None:
    b = bytearray(real_small[ext])
    for where, value in edits:
        b[int(where * (len(b) - 1))] = value
    b = b[: max(1, int(len(b) * cut))] if cut < 0.9 else b
    forces = Path(real_small["forces"].decode()) if ext == ".txt" else None
    _read(bytes(b), ext, forces)

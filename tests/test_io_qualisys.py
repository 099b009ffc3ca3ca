"""Qualisys Track Manager TSV exports (real: mocap/davis_qtm, Bertec split-belt treadmill)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stridelab as sl
from stridelab.errors import InvalidInputError
from stridelab.io import detect_format


def test_marker_export_with_its_force_files(shared_data: Path) -> None:
    d = shared_data / "mocap" / "davis_qtm"
    assert detect_format(d / "JDX_S999_run_0021.tsv") == "qtm"
    tr = sl.read(d / "JDX_S999_run_0021.tsv")
    mk = tr.markers
    assert mk is not None and mk.rate_hz == 240.0 and mk.positions_m.shape == (2384, 47, 3)
    assert {"r_heel_top", "r_heel_bottom", "l_mt5", "l_toe", "r_asis", "l_ankle_lat"} <= set(mk.names)
    assert tr.provenance.markerset == "davis_qtm" and not tr.provenance.extra["unmapped_markers"]
    assert [p.rate_hz for p in tr.forceplates] == [2400.0, 2400.0]
    # the right belt carries the runner: ~2000 N peaks, upward on the runner after the sign check
    assert 1500 < np.nanmax(tr.forceplates[1].force_n[:, 2]) < 3000
    assert tr.forceplates[1].corners_m is not None and tr.forceplates[1].corners_m.shape == (4, 3)
    # 240 Hz markers, metres: a standing body is 1.5-2 m tall
    assert 1.2 < np.nanmax(mk["r_shoulder"][:, 2]) < 2.2


def test_force_file_alone(shared_data: Path) -> None:
    tr = sl.read(shared_data / "mocap" / "davis_qtm" / "JDX_S999_run_0021_f_2.tsv")
    assert tr.markers is None and tr.forceplates[0].force_n.shape == (23840, 3)


def test_truncated_header_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_text("NO_OF_FRAMES\t10\nFREQUENCY\t100\nMARKER_NAMES\ta\tb\n")
    with pytest.raises(InvalidInputError, match="no 'Frame/Time' column row"):
        sl.read(p)


def test_lab_events_of_a_vicon_c3d(shared_data: Path) -> None:
    from stridelab.io.c3d_events import lab_contacts

    tr = sl.read(shared_data / "mocap" / "dorn2012" / "JA1Gait21.c3d")
    ev = tr.provenance.extra["lab_events"]
    assert len(ev) == 12 and {e["label"] for e in ev} == {"Foot Strike", "Foot Off"}
    c = lab_contacts(ev)
    assert list(c["side"]) == ["left", "right", "left", "right", "left"]
    assert np.all((c["to_s"] - c["ic_s"]).between(0.15, 0.35))  # jogging contact times

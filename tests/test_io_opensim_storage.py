"""OpenSim storage (.mot/.sto) and TRC variants as real labs export them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stridelab as sl
from stridelab.errors import InvalidInputError
from stridelab.io.opensim_storage import parse_storage, read_coordinates

COLS = ["time", "pelvis_tilt", "pelvis_tx", "knee_angle_r"]


def _mot(tmp_path: Path, header: str, body_sep: str = "\t", blank_after_end: bool = False, rows: int = 5) -> Path:
    t = np.arange(rows) / 100.0
    lines = [header.strip(), "endheader"]
    if blank_after_end:
        lines.append("")
    lines.append(body_sep.join(COLS))
    for i, ti in enumerate(t):
        lines.append(body_sep.join(f"{v:.6f}" for v in (ti, 0.1 * i, 1.0 + i, 0.5 * i)))
    p = tmp_path / "ik.mot"
    p.write_text("\n".join(lines) + "\n")
    return p


def test_blank_line_after_endheader_and_keys_in_any_order(tmp_path: Path) -> None:
    p = _mot(tmp_path, "Coordinates\n\ninDegrees=yes\nnColumns=4\nnRows=5\nversion=3", blank_after_end=True)
    st = parse_storage(p)
    assert st.columns == COLS and st.data.shape == (5, 4) and st.in_degrees is True and not st.notes


def test_wrong_row_count_is_a_note_not_an_error(tmp_path: Path) -> None:
    p = _mot(tmp_path, "Coordinates\nversion=1\nnRows=93\nnColumns=4\ninDegrees=yes", body_sep="      ")
    st = parse_storage(p)
    assert st.data.shape == (5, 4)
    assert any("93 rows" in n for n in st.notes)


def test_radians_are_converted_and_translations_kept(tmp_path: Path) -> None:
    p = _mot(tmp_path, "Coordinates\ninDegrees=no\ndatarows=5")
    t, coords = read_coordinates(p)
    assert np.allclose(coords["knee_angle_r"], np.degrees(0.5 * np.arange(5)))
    assert np.allclose(coords["pelvis_tx"], 1.0 + np.arange(5))
    assert np.allclose(t, np.arange(5) / 100.0)


def test_mismatched_row_width_is_one_line(tmp_path: Path) -> None:
    p = _mot(tmp_path, "x\ninDegrees=yes")
    p.write_text(p.read_text().replace("endheader\n", "endheader\nextra\t"))
    with pytest.raises(InvalidInputError, match="column names but rows of"):
        parse_storage(p)


def test_coordinates_file_as_a_trial_says_what_it_is(tmp_path: Path) -> None:
    p = _mot(tmp_path, "Coordinates\ninDegrees=yes")
    with pytest.raises(InvalidInputError, match="coordinates \\(joint-angle\\) file"):
        sl.read(p)


def test_real_ik_files_parse(shared_data: Path) -> None:
    runners = shared_data / "mocap" / "fukuchi2017_runners"
    t, c = read_coordinates(runners / "RBDS002runT35_ik.mot")  # keys after free text, nRows/nColumns
    assert c["knee_angle_r"].size == t.size > 100 and np.nanmin(c["knee_angle_r"]) < -60
    t2, c2 = read_coordinates(shared_data / "mocap" / "dorn2012" / "JA1Gait21_ik.mot")
    assert "subtalar_angle_r" in c2 and t2.size == c2["hip_flexion_r"].size


def test_trc_with_blank_lines_and_space_separated(tmp_path: Path) -> None:
    names = ["RASI", "LASI", "RCAL", "LCAL", "RTOE", "LTOE"]
    rows = []
    for i in range(200):
        ti = i / 100.0
        vals = []
        for k, _ in enumerate(names):
            vals += [1000 * ti * 3 + 10 * k, 100.0 * k, 900.0 if k < 2 else 50.0]
        rows.append(" ".join([str(i + 1), f"{ti:.4f}"] + [f"{v:.3f}" for v in vals]))
    text = "\n".join(
        [
            "PathFileType\t4\t(X/Y/Z)\trun.trc",
            "",
            "Units\tDataRate\tCameraRate\tNumFrames\tNumMarkers",  # keys in another order
            "mm\t100\t100\t999\t6",  # NumFrames wrong
            "",
            "Frame#\tTime\t" + "\t\t\t".join(names),
            "\t\t" + "\t".join(f"X{k + 1}\tY{k + 1}\tZ{k + 1}" for k in range(len(names))),
            "",
            *rows,
        ]
    )
    p = tmp_path / "run.trc"
    p.write_text(text)
    tr = sl.read(p, vertical_axis="+Z", forward_axis="+X")
    assert tr.markers is not None and tr.markers.rate_hz == 100 and tr.markers.n_frames == 200
    assert {"r_heel", "l_toe", "r_asis"} <= set(tr.markers.names)

"""Force platforms computed with numpy (stridelab.io.c3d_plates) against ezc3d's own extraction.

Real files: the instrumented treadmill of Fukuchi 2017 (one type-4 plate with a calibration
matrix, 300 Hz) and pyorerun's Running_0002 (two Kistler type-3 plates, 8 channels, COP
polynomial, 2000 Hz). Synthetic files (written here with ezc3d, random analog signals, rotated
plates) cover types 1 and 2, which no real file of ours has.
"""

from __future__ import annotations

from pathlib import Path

import ezc3d
import numpy as np
import pytest

from stridelab.errors import InvalidInputError
from stridelab.io import read_trial
from stridelab.io.c3d import parse_c3d
from stridelab.io.c3d_plates import force_platforms

KEYS = (("force", "force"), ("moment", "moment"), ("center_of_pressure", "cop"), ("Tz", "tz"))


def _compare(path: Path, exact: bool) -> int:
    ref = ezc3d.c3d(str(path), extract_forceplat_data=True)
    mine = force_platforms(ref["parameters"], ref["data"]["analogs"][0])
    assert len(mine) == len(ref["data"]["platform"]) > 0
    for r, m in zip(ref["data"]["platform"], mine, strict=True):
        for rk, mk in KEYS:
            want = np.asarray(r[rk]).T
            assert m[mk].shape == want.shape
            if exact or rk in ("force", "moment"):
                assert np.array_equal(m[mk], want, equal_nan=True), (path.name, rk)
            else:
                # type 3: the COP polynomial's powers may differ from C's pow() in the last bit
                np.testing.assert_allclose(m[mk], want, rtol=1e-12, atol=1e-9)
                assert np.array_equal(np.isnan(m[mk]), np.isnan(want))
        assert np.array_equal(m["corners"], r["corners"]) and np.array_equal(m["origin"], r["origin"])
        assert np.array_equal(m["cal_matrix"], r["cal_matrix"])
        assert (m["unit_force"], m["unit_moment"], m["unit_position"]) == (r["unit_force"], r["unit_moment"], r["unit_position"])
    return len(mine)


def test_type4_treadmill_is_bit_identical_to_ezc3d(example_dir: Path) -> None:
    assert _compare(example_dir / "RBDS001runT35.c3d", exact=True) == 1


def test_kistler_type3_plates_match_ezc3d(shared_data: Path) -> None:
    assert _compare(shared_data / "mocap" / "pyorerun" / "Running_0002.c3d", exact=False) == 2


def test_the_child_parser_hands_back_ezc3d_plates(example_dir: Path) -> None:
    """What the reader receives from the child process equals ezc3d's extraction."""
    path = example_dir / "RBDS001runT35.c3d"
    ref = ezc3d.c3d(str(path), extract_forceplat_data=True)["data"]["platform"][0]
    got = parse_c3d(path)["plates"][0]
    for rk, mk in KEYS:
        assert np.array_equal(got[mk], np.asarray(ref[rk]).T, equal_nan=True)
    assert np.array_equal(got["corners"], np.asarray(ref["corners"]).T)
    assert got["unit_moment"] == ref["unit_moment"] == "Nmm"


def _int_param(c: ezc3d.c3d, group: str, name: str, value: object) -> None:
    """ezc3d's writer stores Python lists as floats; USED, TYPE and CHANNEL must be integers."""
    c.add_parameter(group, name, np.asarray(value, dtype=float))
    c["parameters"][group][name]["type"] = c["parameters"]["POINT"]["USED"]["type"]
    c["parameters"][group][name]["value"] = np.asarray(value, dtype=int)


def write_synthetic_plates_c3d(path: Path, types: list[int], seed: int = 3) -> Path:
    """A SYNTHETIC C3D: 2 random markers, random analog channels, one plate per type, each plate
    rotated about the vertical and moved in the room, origins with either sign of z."""
    rng = np.random.default_rng(seed)
    c = ezc3d.c3d()
    c["parameters"]["POINT"]["RATE"]["value"] = [100]
    c["parameters"]["POINT"]["LABELS"]["value"] = ["m1", "m2"]
    c["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    pts = rng.random((4, 2, 50)) * 100
    pts[3] = 0
    c["data"]["points"] = pts
    n_ch = [8 if t == 3 else 6 for t in types]
    total = sum(n_ch)
    c["parameters"]["ANALOG"]["RATE"]["value"] = [400]
    c["parameters"]["ANALOG"]["LABELS"]["value"] = [f"ch{i}" for i in range(total)]
    c["parameters"]["ANALOG"]["UNITS"]["value"] = ["V"] * total
    c["data"]["analogs"] = rng.normal(0, 100, (1, total, 200)) + 700.0 * (np.arange(total) % 6 == 2)[None, :, None]
    corners = np.zeros((3, 4, len(types)))
    origin = np.zeros((3, len(types)))
    chans = np.zeros((8, len(types)), dtype=int)
    cal = np.zeros((6, 6, len(types)))
    start = 1
    for k, t in enumerate(types):
        a = np.radians(30 + 40 * k)
        rot = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
        base = np.array([[300, 200, 0], [-300, 200, 0], [-300, -200, 0], [300, -200, 0]], float)
        corners[:, :, k] = (base @ rot.T + np.array([1000 * k, 500, 0])).T
        origin[:, k] = [210, 350, 52] if t == 3 else [1.5, -2.0, 40.0 * (1 if k % 2 else -1)]
        chans[: n_ch[k], k] = np.arange(start, start + n_ch[k])
        start += n_ch[k]
        cal[:, :, k] = np.eye(6) * rng.uniform(0.5, 2, 6) + rng.normal(0, 0.05, (6, 6))
    _int_param(c, "FORCE_PLATFORM", "USED", [len(types)])
    _int_param(c, "FORCE_PLATFORM", "TYPE", types)
    c.add_parameter("FORCE_PLATFORM", "CORNERS", corners)
    c.add_parameter("FORCE_PLATFORM", "ORIGIN", origin)
    _int_param(c, "FORCE_PLATFORM", "CHANNEL", chans)
    c.add_parameter("FORCE_PLATFORM", "CAL_MATRIX", cal)
    c.write(str(path))
    return path


def test_synthetic_plates_of_every_type_are_bit_identical_to_ezc3d(tmp_path: Path) -> None:
    assert _compare(write_synthetic_plates_c3d(tmp_path / "synthetic_plates.c3d", [1, 2, 4, 3]), exact=True) == 4


def test_unsupported_plate_type_is_a_clear_error(tmp_path: Path) -> None:
    f = write_synthetic_plates_c3d(tmp_path / "synthetic_type5.c3d", [2, 5])
    with pytest.raises(InvalidInputError, match="force platform 2 is of type 5"):
        read_trial(f)

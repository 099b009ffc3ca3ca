"""Readers on the real recordings: units, axes, names, time axes, force plates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stridelab.errors import InvalidInputError
from stridelab.io import read_trial
from stridelab.model.axes import FORWARD, LEFT, UP


def test_c3d_treadmill_trial(fukuchi: Path) -> None:
    t = read_trial(fukuchi / "RBDS001runT35.c3d")
    mk = t.markers
    assert mk is not None and mk.rate_hz == 150.0 and mk.n_frames == 4500
    assert t.provenance.units_in == "mm" and t.provenance.axes_in["up"] == "+Y"
    assert t.provenance.markerset == "fukuchi2017"
    # metres, canonical frame: pelvis ~1 m above the feet, left markers to the left
    assert 0.8 < np.nanmean(mk["l_asis"][:, UP]) - np.nanpercentile(mk["l_heel_bottom"][:, UP], 5) < 1.2
    assert np.nanmean(mk["l_asis"][:, LEFT] - mk["r_asis"][:, LEFT]) > 0.15
    # the toes point forward
    assert np.nanmean(mk["l_mt1"][:, FORWARD] - mk["l_heel_bottom"][:, FORWARD]) > 0.1
    assert mk.original_names[mk.names.index("l_asis")] == "L.ASIS"
    plate = t.forceplates[0]
    assert plate.rate_hz == 300.0 and plate.force_n.shape == (9000, 3)
    # calibrated newtons: mean vertical force over whole strides ~ body weight (62 kg)
    assert 62 * 9.81 * 0.9 < np.mean(plate.force_n[:, UP]) < 62 * 9.81 * 1.1
    assert t.provenance.sha256 and len(t.provenance.sha256) == 64


def test_c3d_time_axis_uses_first_frame(shared_data: Path) -> None:
    t = read_trial(shared_data / "mocap" / "pyorerun" / "Running_0002.c3d")
    # header first frame 443 (1-based) at 200 Hz -> (443 - 1) / 200 = 2.21 s
    assert t.markers is not None
    assert t.markers.time_s[0] == pytest.approx(2.21)
    assert t.forceplates[0].time_s[0] == pytest.approx(2.21)
    assert len(t.forceplates) == 2


def test_text_export_with_frame_counter_forces(fukuchi: Path) -> None:
    t = read_trial(fukuchi / "RBDS001runT25markers.txt", forces=fukuchi / "RBDS001runT25forces.txt")
    assert t.markers is not None and t.markers.rate_hz == 150.0
    assert t.markers.time_s[1] == pytest.approx(1 / 150)
    p = t.forceplates[0]
    assert p.rate_hz == 300.0 and p.time_s[0] == 0.0 and p.time_s[1] == pytest.approx(1 / 300)
    assert 62 * 9.81 * 0.9 < np.mean(p.force_n[:, UP]) < 62 * 9.81 * 1.1
    # the marker file's seconds column gives its rate; the force file's frame counter needs the preset's
    assert any("forces.txt: the sampling rate is not in the file; using 300 Hz" in w for w in t.quality.warnings)
    assert not any("markers.txt: the sampling rate" in w for w in t.quality.warnings)


def test_text_markers_match_c3d_geometry(fukuchi: Path) -> None:
    """Both exports of the same lab must land in the same canonical frame."""
    a = read_trial(fukuchi / "RBDS001runT25markers.txt")
    b = read_trial(fukuchi / "RBDS001runT35.c3d")
    assert a.provenance.axes_in == b.provenance.axes_in


def test_ric_clusters_without_units_and_static(shared_data: Path) -> None:
    ric = shared_data / "mocap" / "ric2024"
    t = read_trial(ric / "20140515T133244_run.c3d", static=ric / "20140515T133244_static.c3d")
    assert t.provenance.units_in == "mm"
    assert any("no length unit" in w for w in t.quality.warnings)
    assert t.static is not None and t.static.has("l_knee_lat", "r_ankle_med", "l_gtr")
    # the static trial is in the running trial's frame: knees ahead of the heel clusters? no -
    # lateral knee of the left leg is to the left of the right one
    assert np.nanmean(t.static["l_knee_lat"][:, LEFT]) > np.nanmean(t.static["r_knee_lat"][:, LEFT])


def test_declared_units_that_contradict_the_data_are_refused(fukuchi: Path) -> None:
    with pytest.raises(InvalidInputError, match="units say 'm'"):
        read_trial(fukuchi / "RBDS001runT35.c3d", units="m")


def test_missing_file_and_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not found"):
        read_trial(tmp_path / "nope.c3d")
    f = tmp_path / "x.xyz"
    f.write_text("hello")
    with pytest.raises(InvalidInputError, match="unsupported file type"):
        read_trial(f)


def test_truncated_c3d_is_an_error_not_a_crash(fukuchi: Path, tmp_path: Path) -> None:
    data = (fukuchi / "RBDS001runT35.c3d").read_bytes()
    for n in (100, 600, 5000, len(data) // 2, len(data) - 1000):
        f = tmp_path / f"cut{n}.c3d"
        f.write_bytes(data[:n])
        with pytest.raises(InvalidInputError, match=f"cut{n}.c3d: ") as e:  # never a partial trial
            read_trial(f)
        assert "truncated" in str(e.value) or "not a C3D file" in str(e.value) or "not a valid C3D" in str(e.value)


def test_garbage_c3d_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "bad.c3d"
    f.write_bytes(b"\x02\x50" + bytes(range(256)) * 40)
    with pytest.raises(InvalidInputError):
        read_trial(f)


def test_trc_and_mot_round_trip(fukuchi: Path, tmp_path: Path) -> None:
    """Write the C3D trial as OpenSim TRC (m, Y up) + MOT (per-foot forces) and read it back."""
    from stridelab.events.dispatch import detect_contacts

    src = read_trial(fukuchi / "RBDS001runT35.c3d")
    mk = src.markers
    assert mk is not None
    n = 600
    # canonical (forward, left, up) -> OpenSim (X forward, Y up, Z right)
    def to_osim(p: np.ndarray) -> np.ndarray:
        return np.stack([p[..., FORWARD], p[..., UP], -p[..., LEFT]], axis=-1)

    pos = to_osim(mk.positions_m[:n]) * 1000
    lines = [
        "PathFileType\t4\t(X/Y/Z)\ttrial.trc",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"150\t150\t{n}\t{len(mk.names)}\tmm\t150\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(mk.original_names),
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(mk.names))),
        "",
    ]
    for i in range(n):
        vals = "\t".join("" if not np.isfinite(v) else f"{v:.3f}" for v in pos[i].ravel())
        lines.append(f"{i + 1}\t{i / 150:.6f}\t{vals}")
    trc = tmp_path / "trial.trc"
    trc.write_text("\n".join(lines) + "\n")
    p = src.forceplates[0]
    m = p.time_s < n / 150
    f = to_osim(p.force_n[m])
    cop = np.nan_to_num(to_osim(p.cop_m[m]))
    header = "time\tground_force_vx\tground_force_vy\tground_force_vz\tground_force_px\tground_force_py\tground_force_pz"
    rows = [header] + [f"{tt:.6f}\t" + "\t".join(f"{v:.4f}" for v in (*f[i], *cop[i])) for i, tt in enumerate(p.time_s[m])]
    mot = tmp_path / "grf.mot"
    mot.write_text(f"grf\nversion=1\nnRows={m.sum()}\nnColumns=7\ninDegrees=yes\nendheader\n" + "\n".join(rows) + "\n")
    t = read_trial(trc, forces=mot)
    assert t.provenance.axes_in["up"] == "+Y"
    assert t.markers is not None
    assert np.nanmax(np.abs(t.markers.positions_m - mk.positions_m[:n])) < 1e-5
    ev = detect_contacts(t, "forces")
    ref = detect_contacts(src, "forces").contacts
    inside = ref[ref["to_s"] < n / 150 - 0.02]
    assert len(ev.contacts) >= len(inside) >= 8
    for row in ev.contacts.itertuples():
        k = int(np.argmin(np.abs(ref["ic_s"].to_numpy() - row.ic_s)))
        assert abs(ref["ic_s"].iloc[k] - row.ic_s) < 1e-3 and abs(ref["to_s"].iloc[k] - row.to_s) < 1e-3
        assert ref["side"].iloc[k] == row.side

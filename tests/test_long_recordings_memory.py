"""Long recordings (issue 12): the memory-saving paths give the values of the straightforward ones.

* inverse dynamics in blocks equals one pass over the whole trial, bitwise, for any block size;
* the virtual landmarks and joint centres are added to the running trial in one copy, equal to
  the two-copy composition (landmarks, then joint centres) it replaces;
* the kinematics keep no view of the whole filtered marker array (it is freed after the segments);
* the C3D module imports what its parsing child needs before forking, and no pandas.

Real data: the bundled RBDS001 treadmill trial with its standing trial.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stridelab.analysis import AnalysisOptions, analyze
from stridelab.forces.grf import foot_grf
from stridelab.io import read_trial
from stridelab.kinematics import virtual
from stridelab.kinetics.inverse_dynamics import leg_kinetics


@pytest.fixture(scope="module")
def analysed(example_dir: Path) -> Any:
    trial = read_trial(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    return analyze(trial, AnalysisOptions(mass_kg=62.0, height_m=1.81))


@pytest.mark.parametrize("block_frames", [1, 5, 1000])
def test_inverse_dynamics_in_blocks_equals_one_pass(analysed: Any, block_frames: int) -> None:
    kin = analysed.cache["kinematics"]
    feet = foot_grf(analysed.trial, analysed.contacts, kin.cutoff_hz)
    on_markers = {s: g.resample(kin.time_s) for s, g in feet.items()}
    whole = leg_kinetics(kin.body, on_markers, 62.0, None, block_frames=10**9)
    blocks = leg_kinetics(kin.body, on_markers, 62.0, None, block_frames=block_frames)
    assert whole.messages == blocks.messages
    for kind in ("moments", "powers"):
        a, b = getattr(whole, kind), getattr(blocks, kind)
        assert a.keys() == b.keys() and a
        for name in a:
            assert a[name].keys() == b[name].keys()
            for side in a[name]:
                assert np.array_equal(a[name][side], b[name][side], equal_nan=True), (kind, name, side)


def test_landmarks_and_joint_centres_in_one_copy_equal_two_copies(example_dir: Path) -> None:
    trial = read_trial(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    two = copy.deepcopy(trial)
    two.static, _, _ = virtual.add_joint_centres(two.static, static=True)
    r2 = virtual.add_static_landmarks(two, skip=("l_hjc", "r_hjc"))
    assert two.markers is not None
    two.markers, added, msgs = virtual.add_joint_centres(two.markers)
    two.provenance.extra.setdefault("virtual_markers", {}).update({n: "joint centre" for n in added})
    one = copy.deepcopy(trial)
    r1 = virtual.prepare_markers(one)
    assert one.markers is not None
    assert one.markers.names == two.markers.names and one.markers.original_names == two.markers.original_names
    assert np.array_equal(one.markers.positions_m, two.markers.positions_m, equal_nan=True)
    assert r1.added == r2.added + added and r1.messages == r2.messages + msgs
    assert one.provenance.extra["virtual_markers"] == two.provenance.extra["virtual_markers"]
    assert len(r2.added) > 5 and len(added) == 6  # real landmarks from the static trial, and 6 joint centres


def _root(x: np.ndarray) -> np.ndarray:
    while isinstance(x.base, np.ndarray):
        x = x.base
    return x


def test_kinematics_keep_no_view_of_the_filtered_markers(analysed: Any) -> None:
    kin = analysed.cache["kinematics"]
    mk = analysed.trial.markers
    n = mk.n_frames
    arrays = list(kin.body.points.values()) + [a for s in kin.body.segments.values() for a in (s.rotation, s.origin, s.proximal, s.distal)]
    assert len(arrays) > 20
    for a in arrays:
        # a point (n, 3) or a rotation (n, 3, 3) of its own, not a column of an (n, markers, 3) array
        assert _root(a).size <= 9 * n, _root(a).shape


def test_c3d_module_imports_its_child_s_modules_and_no_pandas() -> None:
    code = (
        "import sys, stridelab.io.c3d\n"
        "need = ('stridelab.io.c3d_plates', 'stridelab.io.c3d_events')\n"
        "print(all(m in sys.modules for m in need), 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_landmarks_and_joint_centres_in_blocks_equal_one_piece(example_dir: Path) -> None:
    trial = read_trial(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    whole, blocks = copy.deepcopy(trial), copy.deepcopy(trial)
    r1 = virtual.prepare_markers(whole, block_frames=10**9)
    assert blocks.markers is not None
    done = virtual._prepare_in_blocks(copy.deepcopy(blocks), ("l_hjc", "r_hjc"), 1000)
    assert done is not None  # the block path ran (no fallback to one piece)
    r2 = virtual.prepare_markers(blocks, block_frames=1000)
    assert whole.markers is not None and blocks.markers is not None
    assert blocks.markers.names == whole.markers.names and blocks.markers.original_names == whole.markers.original_names
    a, b = whole.markers.positions_m, blocks.markers.positions_m
    assert np.array_equal(np.isnan(a), np.isnan(b)) and np.nanmax(np.abs(a - b)) <= 1e-12
    assert r2.added == r1.added and r2.messages == r1.messages
    assert r2.cluster_rms_mm == pytest.approx(r1.cluster_rms_mm, abs=1e-9)
    assert blocks.provenance.extra["virtual_markers"] == whole.provenance.extra["virtual_markers"]


def test_stride_curves_one_signal_at_a_time_equal_all_at_once(analysed: Any) -> None:
    """build_cycles normalises each signal on its own (temporaries of one signal): the values of
    normalising all signals stacked, as it did before."""
    from stridelab.kinematics.cycles import N_POINTS, _sample_positions, build_cycles

    kin = analysed.cache["kinematics"]
    cs = build_cycles(kin.time_s, kin.angles, analysed.contacts)
    for side, strides in cs.strides.items():
        starts = np.array([s.ic_s for s in strides])
        ends = np.array([s.next_ic_s for s in strides])
        names = [n for n, by_side in kin.angles.items() if by_side.get(side) is not None]
        xt = np.ascontiguousarray(np.stack([kin.angles[n][side] for n in names], axis=1).T)
        i0, w, outside = _sample_positions(kin.time_s, starts, ends, N_POINTS)
        stacked = xt[:, i0] * (1 - w) + xt[:, i0 + 1] * w
        stacked[:, outside] = np.nan
        for j, name in enumerate(names):
            assert np.array_equal(cs.curves[name][side], stacked[j], equal_nan=True), (name, side)

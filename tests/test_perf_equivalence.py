"""The vectorised implementations give what the previous, loop-based ones gave, on real data.

Each ``ref_*`` function below is the implementation that a faster one replaced (kept here, trimmed
to what is compared, as the reference). Data: the bundled Fukuchi 2017 runner RBDS001 (treadmill,
30 s, with the standing trial); synthetic disturbances where a branch needs them are named so.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import stridelab.analysis as A
from stridelab.analysis import Analysis, AnalysisOptions, analyze
from stridelab.events.forceplate import FORWARD, LEFT, UP, _assign_sides, _cop_at, foot_markers
from stridelab.forces.grf import COP_MIN_N, G, foot_grf, total_grf
from stridelab.io import read_trial
from stridelab.kinematics.cycles import (
    Stride,
    build_cycles,
    missing_fraction,
    normalise,
    segment_nanmax,
    strides_from_contacts,
)
from stridelab.kinematics.model import compute_kinematics
from stridelab.kinematics.running import _vecs_at, strike_index, strike_indices
from stridelab.kinetics.inverse_dynamics import angular_velocity, leg_kinetics
from stridelab.kinetics.loading import COLUMNS, contact_metrics, impact_peak, loading_rate
from stridelab.kinetics.stiffness import com_drop_from_force, from_forces
from stridelab.metrics.stiffness import morin2005
from stridelab.metrics.summary import summarise
from stridelab.model.tables import records, to_json_value


@pytest.fixture(scope="module")
def base(example_dir: Path) -> Analysis:
    """The analysis without the extra stages (contacts and steps), with the standing trial."""
    stages = list(A.EXTRA_STAGES)
    A.EXTRA_STAGES[:] = []
    try:
        t = read_trial(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
        return analyze(t, AnalysisOptions(mass_kg=62.0, height_m=1.81))
    finally:
        A.EXTRA_STAGES[:] = stages


# --- gait cycles ------------------------------------------------------------------------------


def ref_build_cycles(time_s: np.ndarray, signals: dict[str, dict[str, np.ndarray]], contacts: pd.DataFrame) -> Any:
    cs = type("CS", (), {})()
    cs.strides = {s: [Stride(x.side, x.ic_s, x.next_ic_s, x.to_s) for x in v] for s, v in strides_from_contacts(contacts).items()}
    cs.curves = {}
    for side, strides in cs.strides.items():
        if not strides:
            continue
        starts = np.array([s.ic_s for s in strides])
        ends = np.array([s.next_ic_s for s in strides])
        st = ends - starts
        med = float(np.median(st))
        for k, s in enumerate(strides):
            if abs(st[k] - med) > 0.2 * med:
                s.used, s.reason = False, f"stride time {st[k] * 1000:.0f} ms differs from the median {med * 1000:.0f} ms by more than 20 % (a contact was missed or added)"
        for name, by_side in signals.items():
            x = by_side.get(side)
            if x is None:
                continue
            cs.curves.setdefault(name, {})[side] = normalise(time_s, x, starts, ends)
            miss = missing_fraction(time_s, x, starts, ends)
            for k, s in enumerate(strides):
                if s.used and miss[k] > 0.10:
                    s.used, s.reason = False, f"{name}: {miss[k] * 100:.0f} % of the stride's samples are missing"
        for name, by_side in cs.curves.items():
            c = by_side.get(side)
            if c is None:
                continue
            ok = np.array([s.used for s in strides]) & np.isfinite(c).all(axis=1)
            if ok.sum() < 5:
                continue
            med_curve = np.median(c[ok], axis=0)
            d = np.sqrt(np.mean((c - med_curve) ** 2, axis=1))
            md = float(np.median(d[ok]))
            mad = 1.4826 * float(np.median(np.abs(d[ok] - md)))
            limit = max(md + 4.0 * mad, 5.0)
            for k in np.flatnonzero(ok & (d > limit)):
                strides[k].used, strides[k].reason = False, f"{name}: curve {d[k]:.1f} from the median stride (RMS), limit {limit:.1f}"
    return cs


def test_masked_median_equals_numpy_median() -> None:
    from stridelab.kinematics.cycles import _masked_median

    rng = np.random.default_rng(7)
    v = np.round(rng.normal(size=(6, 41, 101)), 1)  # SYNTHETIC, with ties
    ok = rng.random((6, 41)) < 0.7
    ok[:, :2] = True
    got = _masked_median(v, ok)
    for j in range(6):
        assert np.array_equal(got[j], np.median(v[j][ok[j]], axis=0))
    d = v[:, :, 0]
    assert np.array_equal(_masked_median(d, ok), np.array([np.median(d[j][ok[j]]) for j in range(6)]))


def test_gait_cycles_equal_the_loop_version(base: Analysis) -> None:
    kin = compute_kinematics(base.trial)
    assert kin is not None
    signals = {k: dict(v) for k, v in kin.angles.items()}
    # SYNTHETIC disturbances so that every rejection branch runs: a gap over one stride of one
    # curve, and outlier strides in two curves (the second rejection must skip the first's strides)
    t = kin.time_s
    signals["knee_flexion"]["left"] = signals["knee_flexion"]["left"].copy()
    signals["knee_flexion"]["left"][(t > 5.0) & (t < 5.5)] = np.nan
    for name, lo, hi in (("hip_flexion", 10.0, 10.8), ("pelvis_tilt", 10.0, 12.0)):
        for side in signals[name]:
            x = signals[name][side].copy()
            x[(t > lo) & (t < hi)] += 40.0
            signals[name][side] = x
    new, ref = build_cycles(t, signals, base.contacts), ref_build_cycles(t, signals, base.contacts)
    for side in ("left", "right"):
        got = [(s.used, s.reason) for s in new.strides[side]]
        want = [(s.used, s.reason) for s in ref.strides[side]]
        assert got == want
        assert sum(not u for u, _ in got) >= 3
        for name in signals:
            assert np.array_equal(new.curves[name][side], ref.curves[name][side], equal_nan=True)


# --- per-contact force metrics --------------------------------------------------------------------


def ref_impact_peak(fz: np.ndarray, bw: float) -> int | None:
    n = len(fz)
    if n < 5:
        return None
    i_act = int(np.argmax(fz))
    lim = min(i_act, int(np.ceil(0.30 * n)))
    for i in range(1, lim):
        if fz[i] >= fz[i - 1] and fz[i] > fz[i + 1] and fz[i] > 0.5 * bw:
            dip = float(np.min(fz[i : i_act + 1]))
            return i if fz[i] - dip >= 0.03 * bw else None
    return None


def ref_contact_metrics(grf: Any, steps: pd.DataFrame, mass_kg: float, speed_mps: float | None, leg_length_m: float | None) -> pd.DataFrame:
    bw = mass_kg * G
    t = grf.time_s
    fz, fx = grf.force_n[:, UP], grf.force_n[:, FORWARD]
    rows: list[dict[str, Any]] = []
    for row in steps.itertuples(index=False):
        r: dict[str, Any] = {c: np.nan for c in COLUMNS}
        r["vlr_window"] = None
        a, b = np.searchsorted(t, [row.ic_s, row.to_s])
        if b - a < 5 or a == 0 or b >= len(t):
            rows.append(r)
            continue
        tt, z, x = t[a:b], fz[a:b], fx[a:b]
        r["peak_vgrf_bw"] = float(z.max()) / bw
        avg, inst, window, ip = loading_rate(tt, z, bw, ref_impact_peak(z, bw))
        r.update(vlr_avg_bw_s=avg, vlr_inst_bw_s=inst, vlr_window=window, impact_peak_bw=ip if ip is not None else np.nan)
        dt = 1.0 / grf.rate_hz
        r["peak_braking_bw"] = max(0.0, -float(x.min())) / bw
        r["peak_propulsive_bw"] = max(0.0, float(x.max())) / bw
        r["braking_impulse_bws"] = float(-np.sum(np.minimum(x, 0.0)) * dt) / bw
        r["propulsive_impulse_bws"] = float(np.sum(np.maximum(x, 0.0)) * dt) / bw
        tc = float(row.to_s - row.ic_s)
        if np.isfinite(row.next_ic_s):
            dy = com_drop_from_force(fz, grf.rate_hz, mass_kg, int(a), int(b), int(np.searchsorted(t, row.next_ic_s)))
            if np.isfinite(dy) and dy > 0:
                s = from_forces(float(z.max()), dy, tc, speed_mps, leg_length_m)
                r.update(com_drop_cm=dy * 100, vertical_stiffness_kn_m=s.k_vert_kn_m, leg_stiffness_kn_m=s.k_leg_kn_m)
        if speed_mps is not None and leg_length_m is not None and np.isfinite(row.flight_ms):
            m = morin2005(contact_time_s=tc, flight_time_s=max(float(row.flight_ms), 0.0) / 1000.0, speed_mps=speed_mps, mass_kg=mass_kg, leg_length_m=leg_length_m)
            r.update(vertical_stiffness_morin_kn_m=float(m["k_vert_kn_m"]), leg_stiffness_morin_kn_m=float(m["k_leg_kn_m"]))
        rows.append(r)
    return pd.DataFrame(rows, columns=list(COLUMNS), index=steps.index)


def test_contact_metrics_equal_the_loop_version(base: Analysis) -> None:
    grf = total_grf(base.trial, 50.0)
    assert grf is not None
    new = contact_metrics(grf, base.steps, 62.0, 3.5, 0.95)
    ref = ref_contact_metrics(grf, base.steps, 62.0, 3.5, 0.95)
    pd.testing.assert_frame_equal(new, ref, check_exact=True)
    assert np.isfinite(new["leg_stiffness_morin_kn_m"].to_numpy(float)).sum() > 60
    # impact peaks: this runner has none (midfoot), so also a SYNTHETIC heel-strike transient
    t = np.arange(90) / 300.0
    fz = 1500 * np.sin(np.pi * t / t[-1]) + 700 * np.exp(-(((t - 0.025) / 0.008) ** 2))
    flat = fz.copy()
    k = int(np.argmax(fz[:20]))
    flat[k - 1] = flat[k]  # the transient's top a plateau of two equal samples
    for z in (fz, flat, grf.force_n[1000:1090, UP]):
        assert impact_peak(t, z, 600.0) == ref_impact_peak(z, 600.0)
    assert impact_peak(t, fz, 600.0) is not None and impact_peak(t, flat, 600.0) is not None


# --- side of each force contact ------------------------------------------------------------------


def ref_assign_sides(contacts: pd.DataFrame, trial: Any) -> tuple[np.ndarray, np.ndarray]:
    mk = trial.markers
    with np.errstate(all="ignore"):
        left = np.nanmean(np.stack([mk[n] for n in foot_markers(mk, "left")], axis=1), axis=1)
        right = np.nanmean(np.stack([mk[n] for n in foot_markers(mk, "right")], axis=1), axis=1)
    t = mk.time_s
    sides = np.full(len(contacts), None, dtype=object)
    dist = np.full(len(contacts), np.nan)
    for i, (ic, to) in enumerate(zip(contacts["ic_s"].to_numpy(float), contacts["to_s"].to_numpy(float), strict=True)):
        a, b = ic + 0.25 * (to - ic), ic + 0.75 * (to - ic)
        lo, hi = int(np.searchsorted(t, a, "left")), int(np.searchsorted(t, b, "right"))
        with np.errstate(all="ignore"):
            hl, hr = np.nanmean(left[lo:hi, UP]), np.nanmean(right[lo:hi, UP])
        sides[i] = "left" if hl < hr else "right"
        cop = _cop_at(trial, a, b)
        foot = left if sides[i] == "left" else right
        if cop is not None:
            dist[i] = float(np.linalg.norm(np.nanmean(foot[lo:hi], axis=0)[[FORWARD, LEFT]] - cop[[FORWARD, LEFT]]))
    return sides, dist


def test_force_contact_sides_equal_the_loop_version(base: Analysis) -> None:
    contacts = base.contacts[["side", "ic_s", "to_s", "source"]].copy()
    contacts["side"] = None
    new = _assign_sides(contacts, base.trial, [])
    sides, dist = ref_assign_sides(contacts, base.trial)
    assert new["side"].tolist() == sides.tolist() == base.contacts["side"].tolist()
    np.testing.assert_allclose(np.asarray(new["cop_foot_distance_m"], dtype=float), dist, rtol=1e-12, atol=1e-12)


# --- strike index, moment peaks ------------------------------------------------------------------


def ref_strike_index(kin: Any, grf: Any, side: str, ic: float, to: float, foot_length_m: float | None) -> float:
    foot, heel = kin.body.get("foot", side), kin.body.points.get(f"{side}_heel")
    a, b = np.searchsorted(grf.time_s, [ic, to])
    ok = np.flatnonzero((grf.force_n[a:b, UP] > COP_MIN_N) & np.isfinite(grf.cop_m[a:b, 0]))
    if ok.size == 0:
        return float("nan")
    tk = float(grf.time_s[a + int(ok[0])])
    cop = np.median(grf.cop_m[a + ok[grf.time_s[a + ok] <= tk + 0.015]], axis=0)
    when = np.array([tk])
    x = _vecs_at(kin.time_s, foot.rotation[:, :, FORWARD], when)[0]
    x[UP] = 0.0
    x /= float(np.linalg.norm(x))
    h = _vecs_at(kin.time_s, heel, when)[0]
    toe = kin.body.points.get(f"{side}_toe_tip")
    length = float(np.dot(_vecs_at(kin.time_s, toe, when)[0] - h, x)) if toe is not None else (foot_length_m or float("nan"))
    if not (np.isfinite(length) and length > 0.1):
        return float("nan")
    return float(100.0 * np.dot((cop - h)[[FORWARD, LEFT]], x[[FORWARD, LEFT]]) / length)


def test_strike_indices_equal_the_loop_version(base: Analysis) -> None:
    kin = compute_kinematics(base.trial)
    grf = total_grf(base.trial, None)
    assert kin is not None and grf is not None
    for side in ("left", "right"):
        c = base.contacts[base.contacts["side"] == side]
        ic, to = c["ic_s"].to_numpy(float), c["to_s"].to_numpy(float)
        got = strike_indices(kin, grf, side, ic, to, 0.275)
        want = np.array([ref_strike_index(kin, grf, side, a, b, 0.275) for a, b in zip(ic, to, strict=True)])
        assert np.isfinite(got).sum() > 35
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        assert strike_index(kin, grf, side, ic[3], to[3], 0.275) == got[3]


def test_segment_nanmax_equals_nanmax_per_window() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=500)
    x[rng.random(500) < 0.2] = np.nan  # SYNTHETIC gaps
    first = rng.integers(0, 500, 200)
    stop = np.minimum(first + rng.integers(0, 30, 200), 500)
    got = segment_nanmax(x, first, stop, min_valid=3)
    for g, a, b in zip(got, first, stop, strict=True):
        seg = x[a:b]
        want = float(np.nanmax(seg)) if np.isfinite(seg).sum() >= 3 else np.nan
        assert g == want or (np.isnan(g) and np.isnan(want))


# --- inverse dynamics ----------------------------------------------------------------------------


def ref_angular_velocity(r: np.ndarray, rate_hz: float) -> np.ndarray:
    w = np.matmul(np.gradient(r, 1.0 / rate_hz, axis=0), r.transpose(0, 2, 1))
    return 0.5 * np.stack([w[:, 2, 1] - w[:, 1, 2], w[:, 0, 2] - w[:, 2, 0], w[:, 1, 0] - w[:, 0, 1]], axis=1)


def test_inverse_dynamics_equals_the_matmul_version(base: Analysis, monkeypatch: pytest.MonkeyPatch) -> None:
    import stridelab.kinetics.inverse_dynamics as idyn

    kin = compute_kinematics(base.trial)
    assert kin is not None
    for seg in kin.body.segments.values():
        np.testing.assert_allclose(angular_velocity(seg.rotation, kin.body.rate_hz), ref_angular_velocity(seg.rotation, kin.body.rate_hz), rtol=1e-12, atol=1e-9)
    feet = {s: g.resample(kin.time_s) for s, g in foot_grf(base.trial, base.contacts, kin.cutoff_hz).items()}
    new = leg_kinetics(kin.body, feet, 62.0, None)

    def rot(r: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.matmul(r, v[:, :, None])[:, :, 0]

    def rot_t(r: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.matmul(r.transpose(0, 2, 1), v[:, :, None])[:, :, 0]

    monkeypatch.setattr(idyn, "_rot", rot)
    monkeypatch.setattr(idyn, "_rot_t", rot_t)
    monkeypatch.setattr(idyn, "_cross", np.cross)
    monkeypatch.setattr(idyn, "angular_velocity", ref_angular_velocity)
    ref = leg_kinetics(kin.body, feet, 62.0, None)
    assert new.moments.keys() == ref.moments.keys() and len(new.moments) >= 9
    for name in ref.moments:
        for side in ref.moments[name]:
            np.testing.assert_allclose(new.moments[name][side], ref.moments[name][side], rtol=1e-9, atol=1e-9)
    for joint in ref.powers:
        for side in ref.powers[joint]:
            np.testing.assert_allclose(new.powers[joint][side], ref.powers[joint][side], rtol=1e-9, atol=1e-9)


# --- tables and summaries ------------------------------------------------------------------------


def test_json_records_and_summaries_equal_the_row_version(base: Analysis) -> None:
    steps = base.steps.copy()
    steps["pattern"] = np.where(np.arange(len(steps)) % 3 == 0, "midfoot", None)  # a text column with gaps
    steps["n"] = np.arange(len(steps))
    steps["flag"] = np.arange(len(steps)) % 2 == 0
    cols = list(steps.columns)
    want = [{c: to_json_value(v) for c, v in zip(cols, row, strict=True)} for row in steps[cols].itertuples(index=False, name=None)]
    assert records(steps, cols) == want
    assert records(base.contacts) == [{c: to_json_value(v) for c, v in zip(base.contacts.columns, row, strict=True)} for row in base.contacts.itertuples(index=False, name=None)]
    got = summarise(base.steps, 3.5)
    # the pandas version: per-side frames, medians and means of each column
    left, right = base.steps[base.steps["side"] == "left"], base.steps[base.steps["side"] == "right"]
    for c in ("gct_ms", "flight_ms", "step_length_m"):
        assert got["summary"][c] == float(np.median(base.steps[c].dropna()))
        assert got["by_side"]["left"][c] == float(np.median(left[c].dropna()))
    gl, gr = float(left["gct_ms"].mean()), float(right["gct_ms"].mean())
    assert got["summary"]["gct_balance_left_pct"] == 100.0 * gl / (gl + gr)
    assert got["by_side"]["right"]["n_steps"] == len(right)


def test_analysis_copy_is_not_shared(base: Analysis) -> None:
    """The step columns are added by concatenation: the analysis gets a new table, the old one
    (held elsewhere) is left as it was."""
    from stridelab.metrics.columns import add_step_columns

    a = copy.copy(base)
    a.summary, a.summary_iqr, a.by_side, a.symmetry_pct = dict(base.summary), {}, {"left": {}, "right": {}}, {}
    before = a.steps
    add_step_columns(a, pd.DataFrame({"extra_ms": np.arange(len(before), dtype=float)}, index=before.index), ("extra_ms",))
    assert "extra_ms" in a.steps and "extra_ms" not in before
    assert a.summary["extra_ms"] == float(np.median(np.arange(len(before))))

"""The training set: steps of virtual IMUs from the Fukuchi et al. (2017) runners, with true force.

For every treadmill trial of ``mocap/fukuchi2017_runners`` (and RBDS001 in ``mocap/fukuchi2017``):

1. the force plate gives the true contacts (:func:`stridelab.events.forceplate.detect_force_contacts`)
   and, per contact, the measured ``peak_vgrf_bw``, ``vlr_avg_bw_s``
   (:func:`stridelab.kinetics.loading.contact_metrics`, 50 Hz force filter) and the force curve over
   stance (51 samples, BW). Body weight is the mean vertical force over whole strides
   (:func:`stridelab.kinetics.loading.estimate_mass`), so a curve's mean over the step is 1 BW;
2. **synthetic** sacrum and shank IMUs are made from the markers (:func:`stridelab.synth.imu.synthesize_imu`,
   consumer-MEMS noise, mounting rotated up to 30 deg, a sampling rate drawn from 100/150/200/500 Hz,
   all seeded by the trial's name);
3. the product's own pipeline finds the contacts from the sensors (sacrum alone; the two shanks),
   and each IMU step is paired with the force contact of the same side whose IC is within 60 ms;
   an IMU step without one is counted as unmatched and left out;
4. features and windows (:mod:`stridelab.loading.features`) come from the IMU contacts, targets from
   the paired force contact.

The result is cached (``cache_dir``, an npz and a parquet file per sensor kind): building it takes
about a minute. Every row is labelled with the runner (``runner``) for runner-wise splits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stridelab.errors import StridelabError
from stridelab.learn.dataset import StepDataset

KINDS = {"trunk": ("sacrum",), "shank": ("left_shank", "right_shank")}
RATES_HZ = (100.0, 150.0, 200.0, 500.0)
CURVE_N = 51
MATCH_S = 0.06
TARGETS = ("peak_vgrf_bw", "vlr_avg_bw_s")


@dataclass
class TrialSpec:
    """One motion-capture trial of the training set."""

    runner: str
    path: Path
    static: Path
    speed_mps: float
    strike_left: str
    strike_right: str


def trial_specs(shared_data: Path) -> list[TrialSpec]:
    """The Fukuchi trials found under ``shared_data`` (runner ids ``RBDS001`` ...)."""
    runners = shared_data / "mocap" / "fukuchi2017_runners"
    info = pd.read_csv(runners / "participantInfo.csv") if (runners / "participantInfo.csv").is_file() else pd.DataFrame()
    first = info.drop_duplicates("Subject").set_index("Subject") if len(info) else info
    specs: list[TrialSpec] = []
    files = sorted(runners.glob("RBDS*run*.c3d")) + sorted((shared_data / "mocap" / "fukuchi2017").glob("RBDS001runT35.c3d"))
    for f in files:
        m = re.match(r"(RBDS0*(\d+))runT(\d\d)", f.name)
        if m is None:
            continue
        runner, subj, sp = m.group(1), int(m.group(2)), m.group(3)
        static = f.with_name(f"{runner}static.c3d")
        if not static.is_file():
            continue
        row = first.loc[subj] if subj in getattr(first, "index", []) else None
        left = str(row[f"LFSI{sp}"]) if row is not None else "unknown"
        right = str(row[f"RFSI{sp}"]) if row is not None else "unknown"
        specs.append(TrialSpec(f"RBDS{subj:03d}", f, static, int(sp) / 10, left, right))
    return specs


def _seed(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


def _force_truth(trial: Any) -> pd.DataFrame | None:
    """Per true contact: side, ic_s, to_s, the measured targets and the stance curve (BW)."""
    from stridelab.events.forceplate import NoFlightPhase, detect_force_contacts
    from stridelab.forces.grf import G, total_grf
    from stridelab.kinetics.loading import LOADING_CUTOFF_HZ, contact_metrics, estimate_mass
    from stridelab.model.axes import UP

    try:
        ev = detect_force_contacts(trial)
    except NoFlightPhase:
        return None
    grf = total_grf(trial, LOADING_CUTOFF_HZ)
    c = ev.contacts.sort_values("ic_s").reset_index(drop=True)
    if grf is None or len(c) < 4:
        return None
    est = estimate_mass(grf, c)
    if est is None:
        return None
    mass = est[0]
    steps = c[["side", "ic_s", "to_s"]].copy()
    steps["next_ic_s"] = np.append(c["ic_s"].to_numpy()[1:], np.nan)
    steps["flight_ms"] = (steps["next_ic_s"] - steps["to_s"]) * 1000
    m = contact_metrics(grf, steps, mass, None, None)
    out = steps.join(m[list(TARGETS)])
    fz = grf.force_n[:, UP] / (mass * G)
    frac = np.linspace(0, 1, CURVE_N)
    at = out["ic_s"].to_numpy()[:, None] + frac[None, :] * (out["to_s"] - out["ic_s"]).to_numpy()[:, None]
    curves = np.interp(at.ravel(), grf.time_s, fz).reshape(at.shape)
    out["curve"] = list(curves)
    out["mass_kg"] = mass
    return out


def _imu_steps(sensors: dict[str, Any]) -> tuple[Any, pd.DataFrame]:
    """The product's contacts (:func:`stridelab.events.dispatch.detect_contacts`, as ``stridelab
    analyze`` calls it) and step table (:func:`stridelab.metrics.spatiotemporal.build_steps`) from a
    set of virtual sensors."""
    from stridelab.errors import NoValidResultError
    from stridelab.events.dispatch import detect_contacts
    from stridelab.metrics.spatiotemporal import build_steps
    from stridelab.model.trial import Trial

    tr = Trial()
    tr.imu = dict(sensors)
    tr.provenance.format = "imu"
    events = detect_contacts(tr, "auto")
    if len(events.contacts) == 0:
        raise NoValidResultError("no contacts")
    return tr, build_steps(events.contacts, None, "treadmill", None).steps


def trial_rows(spec: TrialSpec, noise: float = 1.0, mount_deg: float = 30.0) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]]:
    """kind -> (features, meta, targets (n, 2), windows) of one trial; kinds it cannot give are absent."""
    from stridelab.events.imu import aligned
    from stridelab.io import ReadOptions, read_trial
    from stridelab.loading.features import step_features, step_windows
    from stridelab.synth.imu import synthesize_imu

    trial = read_trial(spec.path, ReadOptions(static=spec.static))
    truth = _force_truth(trial)
    if truth is None:
        return {}
    seed = _seed(spec.path.name)
    rate = RATES_HZ[seed % len(RATES_HZ)]
    locs = [loc for locs in KINDS.values() for loc in locs]
    v = synthesize_imu(trial, locs, noise=noise, mount_deg=mount_deg, seed=seed, rate_hz=rate)
    out: dict[str, tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]] = {}
    for kind, klocs in KINDS.items():
        try:
            tr, steps = _imu_steps({loc: v.sensors[loc] for loc in klocs})
        except StridelabError:  # a trial the pipeline cannot time is left out (the caller logs the counts)
            continue
        steps = steps[np.isfinite(steps["flight_ms"].to_numpy(float)) & np.isfinite(steps["step_time_ms"].to_numpy(float))]
        feats, metas, ys, wins = [], [], [], []
        for loc in klocs:
            al = aligned(tr.imu[loc])
            st = steps if kind == "trunk" else steps[steps["side"] == al.side]
            if not len(st):
                continue
            f = step_features(al, st)
            w = step_windows(al, st)
            meta = st[["side", "ic_s", "to_s"]].copy()
            idx = np.full(len(st), -1)
            for k, (sd, ic) in enumerate(zip(st["side"], st["ic_s"], strict=True)):
                cand = truth[(truth["side"] == sd)]
                if len(cand):
                    j = int(np.argmin(np.abs(cand["ic_s"].to_numpy() - ic)))
                    if abs(float(cand["ic_s"].iloc[j]) - ic) <= MATCH_S:
                        idx[k] = int(cand.index[j])
            hit = idx >= 0
            meta["matched"] = hit
            meta["ic_error_ms"] = np.where(hit, (st["ic_s"].to_numpy() - truth["ic_s"].reindex(idx).to_numpy()) * 1000, np.nan)
            y = np.full((len(st), len(TARGETS)), np.nan)
            curves = np.full((len(st), CURVE_N), np.nan)
            y[hit] = truth.loc[idx[hit], list(TARGETS)].to_numpy(float)
            curves[hit] = np.stack(truth.loc[idx[hit], "curve"].to_list()) if hit.any() else curves[hit]
            meta["runner"] = spec.runner
            meta["trial"] = spec.path.stem
            meta["speed_mps"] = spec.speed_mps
            meta["location"] = loc if kind == "shank" else "sacrum"
            meta["rate_hz"] = rate
            meta["strike"] = [spec.strike_left if sd == "left" else spec.strike_right for sd in st["side"]]
            meta["mass_kg"] = float(truth["mass_kg"].iloc[0])
            feats.append(f)
            metas.append(meta)
            ys.append(np.column_stack([y, curves]))
            wins.append(w)
        if feats:
            out[kind] = (pd.concat(feats, ignore_index=True), pd.concat(metas, ignore_index=True), np.vstack(ys), np.concatenate(wins))
    return out


def build(shared_data: Path, cache_dir: Path | None = None, rebuild: bool = False, log: Any = None) -> dict[str, StepDataset]:
    """kind -> StepDataset of every Fukuchi trial (module docstring), from the cache when present."""
    if cache_dir is not None and not rebuild:
        try:
            return {k: StepDataset.load(cache_dir / f"loading_{k}") for k in KINDS}
        except FileNotFoundError:
            pass
    parts: dict[str, list[tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]]] = {k: [] for k in KINDS}
    for spec in trial_specs(shared_data):
        rows = trial_rows(spec)
        if log is not None:
            log(f"{spec.path.name}: " + ", ".join(f"{k} {len(v[0])} steps" for k, v in rows.items()))
        for k, v in rows.items():
            parts[k].append(v)
    out: dict[str, StepDataset] = {}
    for k, lst in parts.items():
        if not lst:
            continue
        x = pd.concat([p[0] for p in lst], ignore_index=True)
        meta = pd.concat([p[1] for p in lst], ignore_index=True)
        yc = np.vstack([p[2] for p in lst])
        y = pd.DataFrame(yc[:, : len(TARGETS)], columns=list(TARGETS))
        ds = StepDataset(x, y, meta["runner"].to_numpy(str), meta, windows=np.concatenate([p[3] for p in lst]), curves=yc[:, len(TARGETS):])
        if cache_dir is not None:
            ds.save(cache_dir / f"loading_{k}")
        out[k] = ds
    return out


__all__ = ["KINDS", "TARGETS", "TrialSpec", "build", "trial_rows", "trial_specs"]

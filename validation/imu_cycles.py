"""Do virtual IMUs look like real ones? Mean gait cycles of SYNTHETIC sensors (from the real
Fukuchi RBDS001 3.5 m/s motion capture) against REAL IMU mean cycles of another runner.

Real reference: ``wearable/imu_mean_cycles/P01_normrunning.mat`` (BioMAC-Sim-Toolbox, Apache-2.0;
one runner at 3.47 m/s). Its layout, worked out from the file: a MATLAB struct ``dataStruct`` whose
``variables`` table has one row per signal (``type`` acc | gyro | angle | moment | GRF | speed |
dur, ``name`` = segment pelvis / femur_r / tibia_r / foot_r / ..., ``mean`` and ``var`` over cycles
as 100 samples, ``unit``, the sensor ``position_1..3`` and axis ``direction_1..3`` in the OpenSim
segment frame: x anterior, y superior, z right, the same for both sides). ``movementEvents`` says
the cycle runs from left toe-off to left toe-off; ``dur`` is the cycle duration (0.73 s).
Accelerations are specific force (m/s², the pelvis mean is 9.5 = gravity), gyroscopes rad/s.

Synthetic side: ``stridelab.synth.imu`` with the sensors on the segment axes (no mounting rotation,
no noise), cut into left-toe-off cycles by the force plate, time-normalised to 100 samples and
averaged; axes mapped to OpenSim (x = FORWARD, y = UP, z = -LEFT). Reported per sensor and axis:
Pearson correlation of the two mean cycles at zero lag and at the best circular shift within
+-15 % of the cycle (the shift says how far the cycle phases differ), and the ranges.

Marker-derived signals carry no impact transients (the markers are low-pass filtered at 15 Hz and
no shock wave travels through a marker cluster): the real cycles' impact peaks are missing from
the synthetic ones, so tibial shock and impact-based event detection cannot be validated this way.

Run: ``.venv/bin/python validation/imu_cycles.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PAIRS = {"sacrum": "pelvis", "right_shank": "tibia_r", "left_shank": "tibia_l", "right_foot": "foot_r", "left_foot": "foot_l"}


def real_cycles(path: Path) -> dict[tuple[str, str], np.ndarray]:
    """(type, segment) -> (100, 3) mean cycle in the OpenSim segment axes."""
    import warnings

    with warnings.catch_warnings():  # matio sets a pandas option that pandas 3 deprecates, on import
        warnings.simplefilter("ignore")
        import matio

    var = matio.load_from_mat(str(path))["dataStruct"][0, 0]["variables"]
    out: dict[tuple[str, str], list[np.ndarray]] = {}
    for _, row in var.iterrows():
        typ = str(np.ravel(row["type"])[0])
        if typ not in ("acc", "gyro"):
            continue
        seg = str(np.ravel(row["name"])[0])
        axis = int(np.argmax([row["direction_1"], row["direction_2"], row["direction_3"]]))
        out.setdefault((typ, seg), [None, None, None])[axis] = np.asarray(row["mean"], dtype=float).ravel()  # type: ignore[call-overload]
    return {k: np.stack(v, axis=1) for k, v in out.items()}


def synthetic_cycles() -> dict[tuple[str, str], np.ndarray]:
    from stridelab.io import read_trial
    from stridelab.synth.imu import synthesize_imu

    fk = SHARED / "mocap" / "fukuchi2017"
    trial = read_trial(fk / "RBDS001runT35.c3d", static=fk / "RBDS001static.c3d")
    v = synthesize_imu(trial, tuple(PAIRS), noise=0.0, mount_deg=0.0)
    lto = v.contacts.loc[v.contacts["side"] == "left", "to_s"].to_numpy()
    out = {}
    for loc, seg in PAIRS.items():
        s = v.sensors[loc]
        for typ, x in (("acc", s.acc_mps2), ("gyro", s.gyr_radps)):
            osim = np.stack([x[:, 0], x[:, 2], -x[:, 1]], axis=1)
            cyc = []
            for a, b in zip(lto[:-1], lto[1:], strict=True):
                tt = np.linspace(a, b, 101)[:-1]
                cyc.append(np.stack([np.interp(tt, s.time_s, osim[:, j]) for j in range(3)], axis=1))
            out[(typ, seg)] = np.mean(cyc, axis=0)
    return out


def main() -> int:
    mat = SHARED / "wearable" / "imu_mean_cycles" / "P01_normrunning.mat"
    if not mat.exists():
        print(f"real IMU cycles not found at {mat}")
        return 1
    real = real_cycles(mat)
    syn = synthetic_cycles()
    print("Mean cycles: SYNTHETIC (RBDS001, 3.5 m/s) vs REAL IMU (P01, 3.47 m/s); axes x anterior, y superior, z right")
    print(f"{'sensor':<12} {'signal':<5} {'axis':<4} {'r(0)':>6} {'r(best)':>8} {'shift%':>7} {'range syn':>10} {'range real':>11}")
    summary: dict[str, list[float]] = {}
    for (typ, seg), m in syn.items():
        r = real[(typ, seg)]
        for j, ax in enumerate("xyz"):
            r0 = float(np.corrcoef(m[:, j], r[:, j])[0, 1])
            shifts = [float(np.corrcoef(np.roll(m[:, j], k), r[:, j])[0, 1]) for k in range(-15, 16)]
            k = int(np.argmax(shifts))
            print(f"{seg:<12} {typ:<5} {ax:<4} {r0:6.2f} {shifts[k]:8.2f} {k - 15:7d} {np.ptp(m[:, j]):10.1f} {np.ptp(r[:, j]):11.1f}")
            summary.setdefault(f"{typ} {'sagittal' if (typ == 'gyro' and ax == 'z') or (typ == 'acc' and ax in 'xy') else 'other'}", []).append(r0)
    print()
    for k, v in summary.items():
        print(f"median r(0), {k} axes: {np.median(v):.2f} (n={len(v)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

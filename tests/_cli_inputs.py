"""Inputs for the command-line tests: SYNTHETIC force recordings with known events, and damaged or
edited copies of the real example recordings.

Synthetic ground reaction forces (OpenSim MOT with per-foot ``r_``/``l_`` columns, or a text export
with an integer frame counter) are built from half-sine (running) or double-hump (walking)
vertical force shapes with a braking-then-propulsive fore-aft force, so that the true initial
contact and toe-off times are known exactly. They are labelled synthetic wherever they are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

G = 9.81


@dataclass
class SyntheticForces:
    """A synthetic force recording (OpenSim axes: X forward, Y up, Z right) and its true events."""

    time_s: np.ndarray
    right: np.ndarray  # (n, 9): force xyz (N), centre of pressure xyz (m), torque xyz (N·m)
    left: np.ndarray
    contacts: list[tuple[str, float, float]]  # (side, ic_s, to_s) where the force crosses 0 N


def _stance(s: np.ndarray, bw: float, gait: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertical and fore-aft force over stance fraction s in [0, 1]."""
    if gait == "run":
        fz = 2.5 * bw * np.sin(np.pi * s)
    else:  # walking: two humps of about 1.1 BW with a 0.75 BW valley
        fz = bw * (np.sin(np.pi * s) + 0.25 * np.sin(3 * np.pi * s))
    fx = -0.3 * bw * np.sin(2 * np.pi * s)  # brakes, then propels (runner moves towards +X)
    return fz, fx


def synthetic_gait(
    gait: str = "run",
    duration_s: float = 6.0,
    rate_hz: float = 1000.0,
    start_s: float = 0.0,
    step_s: float | None = None,
    contact_s: float | None = None,
    mass_kg: float = 70.0,
) -> SyntheticForces:
    """SYNTHETIC per-foot forces of running (contact 0.25 s, step 0.35 s: a flight phase) or walking
    (contact 0.65 s, step 0.55 s: both feet on the ground at once)."""
    step_s = step_s or (0.35 if gait == "run" else 0.55)
    contact_s = contact_s or (0.25 if gait == "run" else 0.65)
    n = int(round(duration_s * rate_hz))
    t = start_s + np.arange(n) / rate_hz
    bw = mass_kg * G
    feet = {"right": np.zeros((n, 9)), "left": np.zeros((n, 9))}
    contacts = []
    ic = start_s + 0.1
    k = 0
    while ic + contact_s < t[-1] - 0.05:
        side = "right" if k % 2 == 0 else "left"
        m = (t >= ic) & (t <= ic + contact_s)
        s = (t[m] - ic) / contact_s
        fz, fx = _stance(s, bw, gait)
        a = feet[side]
        a[m, 0] = fx
        a[m, 1] = fz
        a[m, 3] = 0.05 + 0.2 * s  # centre of pressure rolls from heel to toe
        a[m, 5] = 0.1 if side == "right" else -0.1
        contacts.append((side, ic, ic + contact_s))
        ic += step_s
        k += 1
    return SyntheticForces(t, feet["right"], feet["left"], contacts)


def write_mot(path: Path, f: SyntheticForces) -> Path:
    """OpenSim MOT with ``r_``/``l_`` force columns (one foot each)."""
    q = ("ground_force_vx", "ground_force_vy", "ground_force_vz", "ground_force_px", "ground_force_py", "ground_force_pz",
         "ground_torque_x", "ground_torque_y", "ground_torque_z")
    cols = ["time"] + [f"r_{c}" for c in q] + [f"l_{c}" for c in q]
    data = np.column_stack([f.time_s, f.right, f.left])
    head = f"{path.name}\nversion=1\nnRows={data.shape[0]}\nnColumns={data.shape[1]}\ninDegrees=yes\nendheader\n"
    body = "\n".join("\t".join(f"{v:.6f}" for v in row) for row in data)
    path.write_text(head + "\t".join(cols) + "\n" + body + "\n")
    return path


def write_force_text(path: Path, f: SyntheticForces) -> Path:
    """One plate under both feet as a text export whose time column is a 1-based frame counter."""
    tot = f.right + f.left
    loaded = np.maximum(tot[:, 1], 1e-9)
    cop = (f.right[:, 3:6] * f.right[:, 1:2] + f.left[:, 3:6] * f.left[:, 1:2]) / loaded[:, None]
    cop[tot[:, 1] <= 0] = 0.0
    frame = np.arange(1, f.time_s.size + 1)
    lines = ["Time\tFx\tFy\tFz\tCOPx\tCOPy\tCOPz"]
    for i in range(frame.size):
        lines.append(f"{frame[i]}\t" + "\t".join(f"{v:.4f}" for v in (*tot[i, :3], *(cop[i] * 1000))))
    path.write_text("\n".join(lines) + "\n")
    return path


def crop_text_export(src: Path, dst: Path, rows: int) -> Path:
    """The header and first ``rows`` data rows of a real text export (to keep tests fast)."""
    with open(src) as fh:
        lines = [next(fh) for _ in range(rows + 1)]
    dst.write_text("".join(lines))
    return dst


def edit_text_columns(src: Path, dst: Path, blank: dict[str, tuple[int, int]] | None = None, rename: dict[str, str] | None = None) -> Path:
    """Copy a marker text export, blanking marker ``name``'s X/Y/Z cells on data rows [a, b) and/or
    renaming markers (``old -> new`` marker names; their X/Y/Z columns follow)."""
    lines = src.read_text().splitlines()
    header = lines[0].split("\t")
    for name, (a, b) in (blank or {}).items():
        idx = [header.index(name + ax) for ax in "XYZ"]
        for r in range(1 + a, 1 + b):
            cells = lines[r].split("\t")
            for i in idx:
                cells[i] = ""
            lines[r] = "\t".join(cells)
    if rename:
        lines[0] = "\t".join(rename[h[:-1]] + h[-1] if h[:-1] in rename and h[-1] in "XYZ" else h for h in header)
    dst.write_text("\n".join(lines) + "\n")
    return dst


def write_trc(path: Path, names: list[str], time_s: np.ndarray, pos: np.ndarray, units: str) -> Path:
    """OpenSim TRC (tab-separated) with the given Units field ('' for none)."""
    n = time_s.size
    rate = (n - 1) / float(time_s[-1] - time_s[0])
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate:g}\t{rate:g}\t{n}\t{len(names)}\t{units}\t{rate:g}\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(names))),
    ]
    flat = pos.reshape(n, -1)
    for i in range(n):
        lines.append(f"{i + 1}\t{time_s[i]:.6f}\t" + "\t".join("" if not np.isfinite(v) else f"{v:.5f}" for v in flat[i]))
    path.write_text("\n".join(lines) + "\n")
    return path


def corrupt_copy(src: Path, dst: Path, offset: int, value: int) -> Path:
    """A copy of ``src`` with one byte changed."""
    b = bytearray(src.read_bytes())
    b[offset] = value
    dst.write_bytes(bytes(b))
    return dst

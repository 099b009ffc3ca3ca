"""Inverse dynamics of the leg: hip, knee and ankle moments and powers (3-D Newton-Euler).

``method="newton_euler"`` (Winter DA 2009, *Biomechanics and Motor Control of Human Movement*, 4th
ed., ch. 5; 3-D form of Dumas R, Aissaoui R, de Guise JA 2004, Comput Methods Biomech Biomed Eng
7:159): from the foot up, for each segment with mass ``m``, centre of mass ``c``, inertia ``I``
(laboratory frame), angular velocity ``w`` and acceleration ``al``:

    F_prox = m a_c - m g - F_dist
    M_prox = I al + w x (I w) - M_dist - (r_prox - c) x F_prox - (r_dist - c) x F_dist

with the ground reaction force at the centre of pressure and the free moment as the foot's distal
load, and each joint's load on the segment above as minus the load below. Segment parameters:
:mod:`stridelab.kinetics.segments` (de Leva 1996). Accelerations and angular velocities are
central differences of the filtered markers and segment rotations (``w`` from ``dR/dt R^T``).

The joint moment is the proximal segment's moment on the distal one (internal moment), resolved
in the proximal segment's frame and signed by :mod:`stridelab.kinematics.conventions`; joint
power is ``M . (w_distal - w_proximal)``. Both are divided by body mass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stridelab.forces.grf import G, Grf
from stridelab.kinematics.conventions import JOINT_MOMENTS, JOINT_SIGNS, MOMENT_VS_ANGLE
from stridelab.kinematics.frames import Body, Segment
from stridelab.kinetics.segments import segment_parameters

_GRAVITY = np.array([0.0, 0.0, -G])


@dataclass
class JointKinetics:
    """Moments ``{name: {side: (n,) N·m/kg}}`` and powers ``{joint: {side: (n,) W/kg}}``."""

    moments: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    powers: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def _gradient(x: np.ndarray, dt: float) -> np.ndarray:
    """``np.gradient(x, dt, axis=0)`` (central differences, one-sided at the ends; the same
    arithmetic), without its generic-axis overhead."""
    out = np.empty_like(x)
    if len(x) < 2:
        return np.gradient(x, dt, axis=0) if len(x) else out
    np.subtract(x[2:], x[:-2], out=out[1:-1])
    out[1:-1] /= 2.0 * dt
    out[0] = (x[1] - x[0]) / dt
    out[-1] = (x[-1] - x[-2]) / dt
    return out


def angular_velocity(r: np.ndarray, rate_hz: float) -> np.ndarray:
    """Angular velocity (n, 3) in the laboratory frame from rotations (n, 3, 3): the axial vector
    of ``W = dR/dt R^T`` (only its off-diagonal elements are formed)."""
    dr = _gradient(r, 1.0 / rate_hz)

    def w(i: int, j: int) -> np.ndarray:  # W[i, j] = sum_k dR[i, k] R[j, k]
        return dr[:, i, 0] * r[:, j, 0] + dr[:, i, 1] * r[:, j, 1] + dr[:, i, 2] * r[:, j, 2]

    return 0.5 * np.stack([w(2, 1) - w(1, 2), w(0, 2) - w(2, 0), w(1, 0) - w(0, 1)], axis=1)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cross product of (n, 3) arrays (as ``np.cross``, without its axis handling)."""
    return np.stack(
        [a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1], a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2], a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]],
        axis=1,
    )


def _rot(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``R @ v`` for stacks (n, 3, 3) and (n, 3)."""
    return np.einsum("nij,nj->ni", r, v)


def _rot_t(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``R^T @ v`` for stacks (n, 3, 3) and (n, 3)."""
    return np.einsum("nji,nj->ni", r, v)


@dataclass
class _Load:
    force: np.ndarray
    moment: np.ndarray
    point: np.ndarray


def segment_dynamics(seg: Segment, com: np.ndarray, mass: float, radii: tuple[float, float, float], length: float, rate_hz: float, distal: _Load) -> tuple[_Load, np.ndarray]:
    """The proximal joint load on this segment and its angular velocity."""
    dt = 1.0 / rate_hz
    acc = _gradient(_gradient(com, dt), dt)
    w = angular_velocity(seg.rotation, rate_hz)
    al = _gradient(w, dt)
    i_local = mass * length**2 * np.array([radii[0] ** 2, radii[1] ** 2, radii[2] ** 2])
    r = seg.rotation
    iw = _rot(r, i_local * _rot_t(r, w))
    ial = _rot(r, i_local * _rot_t(r, al))
    f_prox = mass * acc - mass * _GRAVITY - distal.force
    m_prox = ial + _cross(w, iw) - distal.moment - _cross(seg.proximal - com, f_prox) - _cross(distal.point - com, distal.force)
    return _Load(f_prox, m_prox, seg.proximal), w


#: Frames per block of :func:`leg_kinetics`: the Newton-Euler temporaries (velocities,
#: accelerations, inertial terms of three segments) exist for one block at a time, so an hour of
#: 150-Hz markers needs a few MiB of them instead of about 1 GiB.
BLOCK_FRAMES = 8192
#: Frames each block reads beyond its own on both sides: the acceleration is a central difference
#: of a central difference, so 2 neighbours make every kept value the whole-trial value.
_MARGIN = 2


def _sliced(seg: Segment, lo: int, hi: int) -> Segment:
    return Segment(seg.name, seg.side, seg.rotation[lo:hi], seg.origin[lo:hi], seg.proximal[lo:hi], seg.distal[lo:hi], seg.method)


def leg_kinetics(body: Body, grf: dict[str, Grf], mass_kg: float, sex: str | None = None, block_frames: int | None = None) -> JointKinetics:
    """Hip, knee and ankle moments and powers of both legs (see module docstring).

    ``grf`` maps side -> force under that foot on the marker clock. Computed in blocks of
    ``block_frames`` (:data:`BLOCK_FRAMES`) frames, each with its 2 neighbouring frames on both
    sides: the same values as in one pass (every term is per frame or a central difference), with
    temporaries of one block."""
    out = JointKinetics()
    pelvis = body.get("pelvis")
    n = len(body.time_s)
    legs: dict[str, tuple[Segment, Segment, Segment, Grf]] = {}
    for side in ("left", "right"):
        segs = {name: body.get(name, side) for name in ("foot", "shank", "thigh")}
        missing = [name for name, s in segs.items() if s is None]
        if missing:
            out.messages.append(f"{side} leg: inverse dynamics needs the {', '.join(missing)} frame(s)")
            continue
        g = grf.get(side)
        if g is None:
            out.messages.append(f"{side} leg: no ground reaction force under this foot")
            continue
        foot, shank, thigh = segs["foot"], segs["shank"], segs["thigh"]
        assert foot is not None and shank is not None and thigh is not None
        legs[side] = (foot, shank, thigh, g)
        if pelvis is None:
            out.messages.append(f"{side} hip: moments need the pelvis frame")
    lengths = {(side, seg.name): seg.length_m for side, leg in legs.items() for seg in leg[:3]}  # whole-trial medians
    step = max(1, int(BLOCK_FRAMES if block_frames is None else block_frames))
    for a in range(0, n, step):
        b = min(n, a + step)
        lo, hi = max(0, a - _MARGIN), min(n, b + _MARGIN)
        part = _leg_block(legs, pelvis, lengths, body.rate_hz, mass_kg, sex, lo, hi)
        for kind, target in (("moments", out.moments), ("powers", out.powers)):
            for name, by_side in getattr(part, kind).items():
                for side, x in by_side.items():
                    full = target.setdefault(name, {}).get(side)
                    if full is None:
                        full = target[name][side] = np.empty(n, dtype=x.dtype)
                    full[a:b] = x[a - lo : b - lo]
    return out


def _leg_block(legs: dict[str, tuple[Segment, Segment, Segment, Grf]], pelvis: Segment | None, lengths: dict[tuple[str, str], float], rate_hz: float, mass_kg: float, sex: str | None, lo: int, hi: int) -> JointKinetics:
    """:func:`leg_kinetics` of frames ``lo`` to ``hi`` (the hip is left out without a pelvis)."""
    out = JointKinetics()
    w_pelvis = angular_velocity(pelvis.rotation[lo:hi], rate_hz) if pelvis is not None else None
    pel = _sliced(pelvis, lo, hi) if pelvis is not None else None
    for side, (foot0, shank0, thigh0, g) in legs.items():
        foot, shank, thigh = _sliced(foot0, lo, hi), _sliced(shank0, lo, hi), _sliced(thigh0, lo, hi)
        cop_g = g.cop_m[lo:hi]
        cop = np.where(np.isfinite(cop_g), cop_g, foot.origin)
        tz = g.free_moment_nm[lo:hi]
        load = _Load(g.force_n[lo:hi], np.stack([np.zeros_like(tz)] * 2 + [tz], axis=1), cop)
        loads: dict[str, _Load] = {}
        omegas: dict[str, np.ndarray] = {}
        for name, seg in (("foot", foot), ("shank", shank), ("thigh", thigh)):
            p = segment_parameters(name, sex)
            com = seg.proximal + p.com_frac * (seg.distal - seg.proximal)
            prox, w = segment_dynamics(seg, com, p.mass_frac * mass_kg, (p.r_transverse, p.r_sagittal, p.r_longitudinal), lengths[(side, name)], rate_hz, load)
            loads[name], omegas[name] = prox, w
            load = _Load(-prox.force, -prox.moment, prox.point)
        for joint, dist, prox_seg in (("ankle", "foot", shank), ("knee", "shank", thigh), ("hip", "thigh", pel)):
            if prox_seg is None:
                continue
            m = loads[dist].moment
            local = _rot_t(prox_seg.rotation, m)
            s_ang = JOINT_SIGNS[joint][side]
            s_mom = MOMENT_VS_ANGLE[joint]
            comp = (local[:, 1], local[:, 0], local[:, 2])  # about LEFT, FORWARD, UP
            for k, name in enumerate(JOINT_MOMENTS[joint]):
                out.moments.setdefault(name, {})[side] = s_ang[k] * s_mom[k] * comp[k] / mass_kg
            w_prox = w_pelvis if joint == "hip" else omegas[prox_seg.name]
            assert w_prox is not None
            out.powers.setdefault(joint, {})[side] = np.sum(m * (omegas[dist] - w_prox), axis=1) / mass_kg
    return out


__all__ = ["BLOCK_FRAMES", "JointKinetics", "angular_velocity", "leg_kinetics", "segment_dynamics"]

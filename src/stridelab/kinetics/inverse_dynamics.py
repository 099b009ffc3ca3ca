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


def leg_kinetics(body: Body, grf: dict[str, Grf], mass_kg: float, sex: str | None = None) -> JointKinetics:
    """Hip, knee and ankle moments and powers of both legs (see module docstring).

    ``grf`` maps side -> force under that foot on the marker clock."""
    out = JointKinetics()
    pelvis = body.get("pelvis")
    w_pelvis = angular_velocity(pelvis.rotation, body.rate_hz) if pelvis is not None else None
    for side in ("left", "right"):
        segs = {n: body.get(n, side) for n in ("foot", "shank", "thigh")}
        missing = [n for n, s in segs.items() if s is None]
        if missing:
            out.messages.append(f"{side} leg: inverse dynamics needs the {', '.join(missing)} frame(s)")
            continue
        g = grf.get(side)
        if g is None:
            out.messages.append(f"{side} leg: no ground reaction force under this foot")
            continue
        foot, shank, thigh = segs["foot"], segs["shank"], segs["thigh"]
        assert foot is not None and shank is not None and thigh is not None
        cop = np.where(np.isfinite(g.cop_m), g.cop_m, foot.origin)
        load = _Load(g.force_n, np.stack([np.zeros_like(g.free_moment_nm)] * 2 + [g.free_moment_nm], axis=1), cop)
        loads: dict[str, _Load] = {}
        omegas: dict[str, np.ndarray] = {}
        for name, seg in (("foot", foot), ("shank", shank), ("thigh", thigh)):
            p = segment_parameters(name, sex)
            com = seg.proximal + p.com_frac * (seg.distal - seg.proximal)
            length = seg.length_m
            prox, w = segment_dynamics(seg, com, p.mass_frac * mass_kg, (p.r_transverse, p.r_sagittal, p.r_longitudinal), length, body.rate_hz, load)
            loads[name], omegas[name] = prox, w
            load = _Load(-prox.force, -prox.moment, prox.point)
        for joint, dist, prox_seg in (("ankle", "foot", shank), ("knee", "shank", thigh), ("hip", "thigh", pelvis)):
            if prox_seg is None:
                out.messages.append(f"{side} hip: moments need the pelvis frame")
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


__all__ = ["JointKinetics", "angular_velocity", "leg_kinetics", "segment_dynamics"]

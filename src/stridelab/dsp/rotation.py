"""Rotation helpers (numpy only, vectorised over time): axis-angle, angular velocity, integration.

Conventions: a rotation matrix ``R`` maps vectors from a body (sensor, segment) frame to the
reference frame, ``v_ref = R @ v_body``; angular velocity ``omega`` is expressed in the body frame
(what a gyroscope measures), so that ``dR/dt = R @ skew(omega)``.
"""

from __future__ import annotations

import numpy as np


def skew(v: np.ndarray) -> np.ndarray:
    """(..., 3) vectors -> (..., 3, 3) skew-symmetric matrices with ``skew(a) @ b = a x b``."""
    v = np.asarray(v, dtype=float)
    z = np.zeros(v.shape[:-1])
    return np.stack(
        [
            np.stack([z, -v[..., 2], v[..., 1]], axis=-1),
            np.stack([v[..., 2], z, -v[..., 0]], axis=-1),
            np.stack([-v[..., 1], v[..., 0], z], axis=-1),
        ],
        axis=-2,
    )


def axis_angle_matrix(rotvec: np.ndarray) -> np.ndarray:
    """Rodrigues: rotation vectors (..., 3) (axis x angle in rad) -> matrices (..., 3, 3)."""
    rv = np.asarray(rotvec, dtype=float)
    theta = np.linalg.norm(rv, axis=-1)[..., None, None]
    k = skew(rv)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(theta > 1e-12, np.sin(theta) / theta, 1.0 - theta**2 / 6.0)
        b = np.where(theta > 1e-12, (1.0 - np.cos(theta)) / theta**2, 0.5 - theta**2 / 24.0)
    eye = np.broadcast_to(np.eye(3), k.shape)
    return eye + a * k + b * (k @ k)


def matrix_rotvec(r: np.ndarray) -> np.ndarray:
    """Inverse of :func:`axis_angle_matrix` for angles below pi: matrices (..., 3, 3) -> (..., 3)."""
    r = np.asarray(r, dtype=float)
    cos = np.clip((np.trace(r, axis1=-2, axis2=-1) - 1.0) / 2.0, -1.0, 1.0)
    theta = np.arccos(cos)
    w = np.stack([r[..., 2, 1] - r[..., 1, 2], r[..., 0, 2] - r[..., 2, 0], r[..., 1, 0] - r[..., 0, 1]], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(theta > 1e-9, theta / (2.0 * np.sin(theta)), 0.5)
    return w * f[..., None]


def random_rotation(rng: np.random.Generator, max_angle_deg: float) -> np.ndarray:
    """A rotation about a uniformly random axis by an angle uniform in [0, max_angle_deg].

    ``max_angle_deg >= 180`` gives a uniformly random orientation (Haar measure, via a random unit
    quaternion: Shoemake 1992, Graphics Gems III)."""
    if max_angle_deg >= 180.0:
        q = rng.normal(size=4)
        q /= np.linalg.norm(q)
        w, x, y, z = q
        return np.array(
            [
                [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
            ]
        )
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    angle = np.deg2rad(rng.uniform(0.0, max_angle_deg))
    return axis_angle_matrix(axis * angle)


def body_angular_velocity(r: np.ndarray, rate_hz: float) -> np.ndarray:
    """Body-frame angular velocity (n, 3) rad/s of an orientation series R (n, 3, 3).

    Central difference of the relative rotation: ``omega_k = rotvec(R_{k-1}^T R_{k+1}) / (2 dt)``
    (one-sided at the ends); exact for a constant rate, second-order accurate otherwise.
    """
    n = r.shape[0]
    out = np.full((n, 3), np.nan)
    if n < 2:
        return out
    dt = 1.0 / rate_hz
    if n >= 3:
        rel = np.einsum("nji,njk->nik", r[:-2], r[2:])
        out[1:-1] = matrix_rotvec(rel) / (2 * dt)
    out[0] = matrix_rotvec(r[0].T @ r[1]) / dt
    out[-1] = matrix_rotvec(r[-2].T @ r[-1]) / dt
    return out


def quat_mul(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hamilton product of quaternions (..., 4) stored as (w, x, y, z)."""
    pw, px, py, pz = np.moveaxis(p, -1, 0)
    qw, qx, qy, qz = np.moveaxis(q, -1, 0)
    return np.stack(
        [
            pw * qw - px * qx - py * qy - pz * qz,
            pw * qx + px * qw + py * qz - pz * qy,
            pw * qy - px * qz + py * qw + pz * qx,
            pw * qz + px * qy - py * qx + pz * qw,
        ],
        axis=-1,
    )


def quat_from_rotvec(rv: np.ndarray) -> np.ndarray:
    """Unit quaternions (w, x, y, z) of rotation vectors (..., 3)."""
    rv = np.asarray(rv, dtype=float)
    c, s = _half_angle_terms(np.einsum("...i,...i->...", rv, rv))
    return np.concatenate([c[..., None], rv * s[..., None]], axis=-1)


def _half_angle_terms(th2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cos(theta/2) and sin(theta/2)/theta from theta squared: Taylor series when every
    |theta| < 0.5 rad (error < 1e-7; every per-sample increment of a gyroscope), else exact."""
    if (th2 < 0.25).all():
        h2 = 0.25 * th2
        c = 1.0 - h2 / 2.0 + h2 * h2 / 24.0 - h2 * h2 * h2 / 720.0
        s = 0.5 * (1.0 - h2 / 6.0 + h2 * h2 / 120.0 - h2 * h2 * h2 / 5040.0)
        return c, s
    th = np.sqrt(th2)
    return np.cos(0.5 * th), 0.5 * np.sinc(th / (2.0 * np.pi))


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], axis=-1),
            np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], axis=-1),
            np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], axis=-1),
        ],
        axis=-2,
    )


def gyro_prefix_orientation(omega: np.ndarray, rate_hz: float) -> np.ndarray:
    """Orientation quaternions (n, 4) of the body relative to its pose at sample 0, integrating
    body angular velocity (n, 3): ``q_{k+1} = q_k * exp(0.5 (w_k + w_{k+1}) dt)``.

    The cumulative product is computed as a parallel prefix scan (Hillis & Steele 1986), in
    log2(n) vectorised steps, so hours of data integrate in well under a second. The rotation
    from sample a to sample b is ``conj(q_a) * q_b``.
    """
    n = omega.shape[0]
    q = np.empty((n, 4))
    q[0] = (1.0, 0.0, 0.0, 0.0)
    if n > 1:
        w = np.nan_to_num(0.5 * (omega[:-1] + omega[1:]) / rate_hz)
        q[1:] = quat_from_rotvec(w)
    step = 1
    while step < n:
        q[step:] = quat_mul(q[:-step], q[step:])
        step *= 2
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def segment_orientation(omega: np.ndarray, rate_hz: float, starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orientation quaternions relative to the first sample of each segment [start, stop]
    (inclusive), integrating body angular velocity as :func:`gyro_prefix_orientation` does
    (``q_{k+1} = q_k * exp(0.5 (w_k + w_{k+1}) dt)``), all segments side by side: one vectorised
    step per sample of the longest segment.

    Returns (q (m, 4), segment id per row, sample index per row), segments concatenated."""
    starts = np.asarray(starts, dtype=int)
    lens = np.asarray(stops, dtype=int) - starts + 1
    nseg = starts.size
    longest = int(lens.max()) if nseg else 0
    seg = np.repeat(np.arange(nseg), lens)
    first = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(int)
    pos = np.arange(seg.size) - first[seg]
    j = starts[seg] + pos
    n = omega.shape[0]
    # per-sample half-step rotation vectors, then on a (position, segment) grid: rows contiguous
    half = np.zeros((n, 3))
    half[1:] = omega[:-1]
    half[1:] += omega[1:]
    half *= 0.5 / rate_hz
    np.nan_to_num(half, copy=False)
    grid = np.minimum(np.arange(longest)[:, None] + starts[None, :], n - 1)
    w, x, y, z = _quat_parts(half[grid])
    w[0], x[0], y[0], z[0] = 1.0, 0.0, 0.0, 0.0  # padding and first samples rotate by nothing
    for p in range(1, longest):
        pw, px, py, pz = w[p - 1], x[p - 1], y[p - 1], z[p - 1]
        qw, qx, qy, qz = w[p], x[p], y[p], z[p]
        w[p], x[p], y[p], z[p] = (
            pw * qw - px * qx - py * qy - pz * qz,
            pw * qx + px * qw + py * qz - pz * qy,
            pw * qy - px * qz + py * qw + pz * qx,
            pw * qz + px * qy - py * qx + pz * qw,
        )
    q = np.empty((seg.size, 4))
    q[:, 0], q[:, 1], q[:, 2], q[:, 3] = w[pos, seg], x[pos, seg], y[pos, seg], z[pos, seg]
    q /= np.sqrt(np.einsum("ij,ij->i", q, q))[:, None]
    return q, seg, j


def _quat_parts(rv: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`quat_from_rotvec` for small increments (|theta| < 0.5 rad, else exact), as four
    separate contiguous component arrays."""
    c, s = _half_angle_terms(np.einsum("...i,...i->...", rv, rv))
    return c, rv[..., 0] * s, rv[..., 1] * s, rv[..., 2] * s


def quat_rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors v (n, 3) by unit quaternions q (n, 4): ``quat_to_matrix(q) @ v``, faster."""
    w, ux, uy, uz = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    vx, vy, vz = v[:, 0], v[:, 1], v[:, 2]
    # t = 2 u x v; v' = v + w t + u x t (component-wise: np.cross copies its inputs)
    tx = 2.0 * (uy * vz - uz * vy)
    ty = 2.0 * (uz * vx - ux * vz)
    tz = 2.0 * (ux * vy - uy * vx)
    out = np.empty_like(v, dtype=float)
    out[:, 0] = vx + w * tx + (uy * tz - uz * ty)
    out[:, 1] = vy + w * ty + (uz * tx - ux * tz)
    out[:, 2] = vz + w * tz + (ux * ty - uy * tx)
    return out


def quat_conj(q: np.ndarray) -> np.ndarray:
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def orthonormalise(r: np.ndarray) -> np.ndarray:
    """Nearest rotation matrices (polar decomposition by SVD), vectorised."""
    u, _, vt = np.linalg.svd(r)
    d = np.sign(np.linalg.det(u @ vt))
    u[..., :, 2] *= d[..., None]
    return u @ vt


def frame_from_axes(forward: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Rotation whose columns are (FORWARD, LEFT, UP) built from an approximate forward and an up
    vector (..., 3): up is kept, forward is made orthogonal to it, LEFT = UP x FORWARD."""
    u = up / np.linalg.norm(up, axis=-1, keepdims=True)
    f = forward - np.sum(forward * u, axis=-1, keepdims=True) * u
    f = f / np.linalg.norm(f, axis=-1, keepdims=True)
    left = np.cross(u, f)
    return np.stack([f, left, u], axis=-1)

"""Rigid-body pose of a marker cluster, frame by frame (least squares).

Method: Söderkvist I, Wedin PA (1993) Determining the movements of the skeleton using
well-configured markers. J Biomech 26:1473-1477 (also Challis 1995, J Biomech 28:733). For each
frame, the rotation ``R`` and translation ``t`` minimising ``sum_i w_i |R p_i + t - q_i|^2`` over
the cluster's markers visible in that frame (at least 3, not collinear). Vectorised over frames.
"""

from __future__ import annotations

import numpy as np


def fit_rigid(reference: np.ndarray, current: np.ndarray, min_markers: int = 3, residuals: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pose of a cluster in every frame.

    Args:
        reference: (k, 3) marker positions in the reference (e.g. static) configuration.
        current: (n, k, 3) marker positions over time; NaN where a marker is missing.
        min_markers: frames with fewer valid markers get NaN.
        residuals: False skips the RMS residual (returned as NaN), which saves time.

    Returns:
        (R, t, rms): R (n, 3, 3), t (n, 3) with ``current ≈ R @ reference + t``, and the RMS
        residual per frame (m), a measure of cluster deformation / soft-tissue artefact.
    """
    ref = np.asarray(reference, dtype=float)
    cur = np.asarray(current, dtype=float)
    n, k, _ = cur.shape
    if np.isfinite(cur).all() and np.isfinite(ref).all() and k >= min_markers:
        # fast path: every marker in every frame
        w = np.ones((n, k))
        cnt = np.full(n, float(k))
        ok = np.ones(n, dtype=bool)
        cur0, ref0 = cur, ref
        cq = cur.mean(axis=1)
        cp = np.broadcast_to(ref.mean(axis=0), (n, 3))
        p = np.broadcast_to(ref - ref.mean(axis=0), (n, k, 3))
        q = cur - cq[:, None, :]
    else:
        w = (np.isfinite(cur).all(axis=2) & np.isfinite(ref).all(axis=1)[None, :]).astype(float)  # (n, k)
        cnt = w.sum(axis=1)
        ok = cnt >= min_markers
        cur0 = np.where(w[..., None] > 0, cur, 0.0)
        ref0 = np.where(np.isfinite(ref), ref, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            cq = (w[..., None] * cur0).sum(axis=1) / cnt[:, None]
            cp = (w[..., None] * ref0[None]).sum(axis=1) / cnt[:, None]
        p = (ref0[None] - cp[:, None, :]) * w[..., None]
        q = (cur0 - cq[:, None, :]) * w[..., None]
    h = np.matmul(p.transpose(0, 2, 1), q)  # (n, 3, 3)
    h[~ok] = np.eye(3)
    r, degenerate = rotation_from_covariance(h)
    t = cq - np.matmul(r, cp[:, :, None])[:, :, 0]
    bad = ~ok | degenerate
    r[bad] = np.nan
    t[bad] = np.nan
    if not residuals:
        return r, t, np.full(n, np.nan)
    pred = np.matmul(ref0[None], r.transpose(0, 2, 1)) + t[:, None, :]
    res = np.where(w[..., None] > 0, pred - cur0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rms = np.sqrt((res**2).sum(axis=(1, 2)) / cnt)
    rms[bad] = np.nan
    return r, t, rms


def _cofactor(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cofactor matrices and determinants of (n, 3, 3) matrices (so ``inv(x).T = cof / det``)."""
    a, b, c_, d, e, f, g, h, i = (x[:, k // 3, k % 3] for k in range(9))
    c = np.empty_like(x)
    c[:, 0, 0], c[:, 0, 1], c[:, 0, 2] = e * i - f * h, f * g - d * i, d * h - e * g
    c[:, 1, 0], c[:, 1, 1], c[:, 1, 2] = c_ * h - b * i, a * i - c_ * g, b * g - a * h
    c[:, 2, 0], c[:, 2, 1], c[:, 2, 2] = b * f - c_ * e, c_ * d - a * f, a * e - b * d
    return c, a * c[:, 0, 0] + b * c[:, 0, 1] + c_ * c[:, 0, 2]


def rotation_from_covariance(h: np.ndarray, tol: float = 1e-11) -> tuple[np.ndarray, np.ndarray]:
    """The rotation ``R`` maximising ``trace(R h)`` for each (3, 3) matrix ``h`` (n, 3, 3), and
    a mask of degenerate (rank < 2, e.g. collinear markers) matrices.

    ``R`` is the orthogonal polar factor of ``h^T`` (= V U^T of the SVD ``h = U S V^T``), computed
    by the scaled Newton iteration ``X <- (g X + X^-T / g) / 2``, ``g = |det X|^(-1/3)`` (Higham NJ
    1986, SIAM J Sci Stat Comput 7:1160), which is several times faster than a batched SVD. Where
    the best orthogonal matrix would be a reflection (det h < 0) the SVD with the sign correction
    of Kabsch (1976) is used instead.
    """
    x = h.transpose(0, 2, 1).copy()
    cof, det = _cofactor(x)
    norm2 = np.sum(x * x, axis=(1, 2))
    degenerate = np.sqrt(np.sum(cof * cof, axis=(1, 2))) < 1e-9 * np.maximum(norm2, 1e-300)
    reflect = (det <= 0) & ~degenerate
    x[degenerate | reflect] = np.eye(3)
    for _ in range(20):
        cof, det = _cofactor(x)
        g = np.abs(det) ** (-1.0 / 3.0)
        xn = 0.5 * (g[:, None, None] * x + cof / (det * g)[:, None, None])
        done = float(np.max(np.abs(xn - x))) < tol if len(x) else True
        x = xn
        if done:
            break
    if reflect.any():
        u, _, vt = np.linalg.svd(h[reflect])
        v = vt.transpose(0, 2, 1)
        ut = u.transpose(0, 2, 1)
        v[:, :, 2] *= np.sign(np.linalg.det(np.matmul(v, ut)))[:, None]
        x[reflect] = np.matmul(v, ut)
    return x, degenerate


def transform_points(r: np.ndarray, t: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply per-frame poses to fixed points: (n,3,3), (n,3), (m,3) -> (n, m, 3)."""
    return np.matmul(np.asarray(points, dtype=float)[None], r.transpose(0, 2, 1)) + t[:, None, :]

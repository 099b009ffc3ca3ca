"""Rigid-body pose of a marker cluster, frame by frame (least squares, SVD).

Method: Söderkvist I, Wedin PA (1993) Determining the movements of the skeleton using
well-configured markers. J Biomech 26:1473-1477 (also Challis 1995, J Biomech 28:733). For each
frame, the rotation ``R`` and translation ``t`` minimising ``sum_i w_i |R p_i + t - q_i|^2`` over
the cluster's markers visible in that frame (at least 3, not collinear). Vectorised over frames.
"""

from __future__ import annotations

import numpy as np


def fit_rigid(reference: np.ndarray, current: np.ndarray, min_markers: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pose of a cluster in every frame.

    Args:
        reference: (k, 3) marker positions in the reference (e.g. static) configuration.
        current: (n, k, 3) marker positions over time; NaN where a marker is missing.
        min_markers: frames with fewer valid markers get NaN.

    Returns:
        (R, t, rms): R (n, 3, 3), t (n, 3) with ``current ≈ R @ reference + t``, and the RMS
        residual per frame (m), a measure of cluster deformation / soft-tissue artefact.
    """
    ref = np.asarray(reference, dtype=float)
    cur = np.asarray(current, dtype=float)
    n, k, _ = cur.shape
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
    h = np.einsum("nki,nkj->nij", p, q)  # (n, 3, 3)
    h[~ok] = np.eye(3)
    u, s, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.einsum("nji,nkj->nik", vt, u)))
    dmat = np.zeros((n, 3, 3))
    dmat[:, 0, 0] = 1
    dmat[:, 1, 1] = 1
    dmat[:, 2, 2] = d
    r = np.einsum("nji,njk,nlk->nil", vt, dmat, u)  # V D U^T
    t = cq - np.einsum("nij,nj->ni", r, cp)
    # degenerate (collinear) clusters: the second singular value vanishes
    degenerate = s[:, 1] < 1e-9 * np.maximum(s[:, 0], 1e-30)
    bad = ~ok | degenerate
    r[bad] = np.nan
    t[bad] = np.nan
    pred = np.einsum("nij,kj->nki", r, ref0) + t[:, None, :]
    res = np.where(w[..., None] > 0, pred - cur0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rms = np.sqrt((res**2).sum(axis=(1, 2)) / cnt)
    rms[bad] = np.nan
    return r, t, rms


def transform_points(r: np.ndarray, t: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply per-frame poses to fixed points: (n,3,3), (n,3), (m,3) -> (n, m, 3)."""
    return np.einsum("nij,mj->nmi", r, points) + t[:, None, :]

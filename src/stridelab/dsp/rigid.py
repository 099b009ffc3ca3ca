"""Rigid-body pose of a marker cluster, frame by frame (least squares).

Method: Söderkvist I, Wedin PA (1993) Determining the movements of the skeleton using
well-configured markers. J Biomech 26:1473-1477 (also Challis 1995, J Biomech 28:733). For each
frame, the rotation ``R`` and translation ``t`` minimising ``sum_i w_i |R p_i + t - q_i|^2`` over
the cluster's markers visible in that frame (at least 3, not collinear). Vectorised over frames.

The rotation is found as the unit quaternion of Horn BKP (1987) Closed-form solution of absolute
orientation using unit quaternions, J Opt Soc Am A 4:629-642: the eigenvector of the largest
eigenvalue of a 4x4 symmetric matrix, the eigenvalue by Newton's method on its characteristic
polynomial and the eigenvector from the adjugate, in closed form for every frame at once (the
"quaternion characteristic polynomial" of Theobald DL 2005, Acta Cryst A61:478-480). It agrees
with the SVD solution with the reflection correction of Kabsch (1976) to ~1e-14.
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
        # fast path: every marker in every frame, one reference shape for all frames
        cnt = np.full(n, float(k))
        ok = np.ones(n, dtype=bool)
        cq = cur[:, 0, :].copy()
        for i in range(1, k):  # the same left-to-right sum as cur.mean(axis=1), without its slow reduction
            cq += cur[:, i, :]
        cq /= k
        cp1 = ref.mean(axis=0)
        cp = np.broadcast_to(cp1, (n, 3))
        p1 = ref - cp1
        curc = np.ascontiguousarray(cur.transpose(1, 2, 0))  # (k, 3, n): contiguous per marker and axis
        qc = curc - cq.T[None]
        hflat = np.empty((9, n))  # h = sum_i p_i q_i^T, one contiguous row per element
        for a in range(3):
            for b in range(3):
                acc = qc[0, b] * p1[0, a]
                for i in range(1, k):
                    acc += qc[i, b] * p1[i, a]
                hflat[3 * a + b] = acc
        h = hflat.T.reshape(n, 3, 3)
        bound = 0.5 * (float(np.sum(p1 * p1)) + (qc * qc).sum(axis=(0, 1)))
        ref0 = ref
        w = None
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
        h = np.matmul(p.transpose(0, 2, 1), q)
        bound = 0.5 * (np.einsum("nkc,nkc->n", p, p) + np.einsum("nkc,nkc->n", q, q))
    if not ok.all():
        h[~ok] = np.eye(3)
        bound[~ok] = np.inf
    r, degenerate = rotation_from_covariance(h, upper=bound)
    t = cq - (r[:, :, 0] * cp[:, 0, None] + r[:, :, 1] * cp[:, 1, None] + r[:, :, 2] * cp[:, 2, None])
    bad = ~ok | degenerate
    if bad.any():
        r[bad] = np.nan
        t[bad] = np.nan
    if not residuals:
        return r, t, np.full(n, np.nan)
    if w is None:
        sq = ((_transform_rows(r, t, ref0) - curc) ** 2).sum(axis=(0, 1))
    else:
        pred = transform_points(r, t, ref0)  # (n, k, 3)
        res = np.where(w[..., None] > 0, pred - cur0, 0.0)
        sq = (res**2).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        rms = np.sqrt(sq / cnt)
    if bad.any():
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


_OTHER_COLUMNS = tuple(tuple(c for c in range(4) if c != skip) for skip in range(4))


def _det3(m: list[list[np.ndarray]], row: int, minors: dict[tuple[int, int], np.ndarray], skip: int) -> np.ndarray:
    """3x3 minor of a 4x4 matrix without column ``skip``, expanded along ``row`` and the 2x2
    ``minors`` of the two other remaining rows."""
    c1, c2, c3 = _OTHER_COLUMNS[skip]
    r = m[row]
    return r[c1] * minors[(c2, c3)] - r[c2] * minors[(c1, c3)] + r[c3] * minors[(c1, c2)]


def _minors(m: list[list[np.ndarray]], r0: int, r1: int) -> dict[tuple[int, int], np.ndarray]:
    a, b = m[r0], m[r1]
    return {(i, j): a[i] * b[j] - a[j] * b[i] for i in range(4) for j in range(i + 1, 4)}


def _adjugate_rows(m: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """Cofactors ``C[i][j] = (-1)^(i+j) M_ij`` of 4x4 matrices given as nested lists of (n,) arrays;
    the minors of rows 0 and 1 are expanded along rows 1 / 0 and the 2x2 minors of rows 2-3, those
    of rows 2 and 3 along rows 3 / 2 and the 2x2 minors of rows 0-1."""
    m23, m01 = _minors(m, 2, 3), _minors(m, 0, 1)
    rows = []
    for i, (mm, other) in enumerate(((m23, 1), (m23, 0), (m01, 3), (m01, 2))):
        rows.append([d if (i + j) % 2 == 0 else -d for j in range(4) for d in (_det3(m, other, mm, j),)])
    return rows


def rotation_from_covariance(
    h: np.ndarray, tol: float = 1e-15, max_iter: int = 60, upper: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The rotation ``R`` maximising ``trace(R h)`` for each (3, 3) matrix ``h`` (n, 3, 3), and
    a mask of degenerate (rank < 2, e.g. collinear markers) matrices.

    Horn (1987): with ``S = h`` (``S_ab = sum_i p_ia q_ib``), the unit quaternion of ``R`` is the
    eigenvector of the largest eigenvalue of the symmetric, traceless matrix ``N(S)``; its
    characteristic polynomial is ``l^4 + c2 l^2 + c1 l + c0`` with ``c2 = -2 |S|_F^2``,
    ``c1 = -8 det S`` and ``c0 = det N``. Newton's method from ``sqrt(3) |S|_F`` (an upper bound of
    the largest root, or ``upper`` when smaller: ``(|P|^2 + |Q|^2) / 2`` of the two centred marker
    sets bounds it too and is within the squared residual of it, so that a rigid cluster needs
    two or three steps) converges to it monotonically; the eigenvector is the largest row of the
    adjugate of ``N - l I``. Proper rotations only: where the best orthogonal matrix would be a
    reflection (coplanar markers with noise), this gives the best rotation, as the SVD with the
    correction of Kabsch (1976) does.
    """
    n = h.shape[0]
    sxx, sxy, sxz, syx, syy, syz, szx, szy, szz = np.ascontiguousarray(h.reshape(n, 9).T)
    # cofactors of S: rank < 2 (all vanish) is degenerate; their first column gives det S
    c_xx, c_xy, c_xz = syy * szz - syz * szy, syz * szx - syx * szz, syx * szy - syy * szx
    c_yx, c_yy, c_yz = sxz * szy - sxy * szz, sxx * szz - sxz * szx, sxy * szx - sxx * szy
    c_zx, c_zy, c_zz = sxy * syz - sxz * syy, sxz * syx - sxx * syz, sxx * syy - sxy * syx
    cof2 = c_xx * c_xx + c_xy * c_xy + c_xz * c_xz + c_yx * c_yx + c_yy * c_yy + c_yz * c_yz + c_zx * c_zx + c_zy * c_zy + c_zz * c_zz
    norm2 = sxx * sxx + sxy * sxy + sxz * sxz + syx * syx + syy * syy + syz * syz + szx * szx + szy * szy + szz * szz
    degenerate = np.sqrt(cof2) < 1e-9 * np.maximum(norm2, 1e-300)
    det_s = sxx * c_xx + sxy * c_xy + sxz * c_xz
    diag = [sxx + syy + szz, sxx - syy - szz, -sxx + syy - szz, -sxx - syy + szz]
    off = {(0, 1): syz - szy, (0, 2): szx - sxz, (0, 3): sxy - syx, (1, 2): sxy + syx, (1, 3): szx + sxz, (2, 3): syz + szy}

    def matrix(shift: np.ndarray | float) -> list[list[np.ndarray]]:
        return [[diag[i] - shift if i == j else off[(min(i, j), max(i, j))] for j in range(4)] for i in range(4)]

    nm = matrix(0.0)
    m23 = _minors(nm, 2, 3)
    c0 = nm[0][0] * _det3(nm, 1, m23, 0) - nm[0][1] * _det3(nm, 1, m23, 1) + nm[0][2] * _det3(nm, 1, m23, 2) - nm[0][3] * _det3(nm, 1, m23, 3)
    c2 = -2.0 * norm2
    c1 = -8.0 * det_s
    lam = np.sqrt(3.0 * norm2)
    if upper is not None:
        lam = np.minimum(lam, upper)
    for _ in range(max_iter):
        l2 = lam * lam
        p = ((l2 + c2) * lam + c1) * lam + c0
        dp = (4.0 * l2 + 2.0 * c2) * lam + c1
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(dp > 0, p / dp, 0.0)
        lam -= step
        if not (np.abs(step) > tol * lam).any():
            break
    # the eigenvector is any non-zero row of adj(N - l I) = c q q^T. Row 0 (c w q) is well
    # conditioned for rotations up to 120 degrees (w^2 >= 1/4: |C_00| >= |trace| / 4, trace = c);
    # the other frames take the largest of the four rows.
    a = matrix(lam)
    m23, m01 = _minors(a, 2, 3), _minors(a, 0, 1)
    row0 = [_det3(a, 1, m23, j) * (1 - 2 * (j % 2)) for j in range(4)]
    trace = row0[0] + _det3(a, 0, m23, 1) + _det3(a, 3, m01, 2) + _det3(a, 2, m01, 3)
    best = row0
    size = row0[0] * row0[0] + row0[1] * row0[1] + row0[2] * row0[2] + row0[3] * row0[3]
    hard = np.flatnonzero(~(np.abs(row0[0]) >= 0.25 * np.abs(trace)) & ~degenerate)  # c < 0: compare sizes
    if hard.size:
        sub = [[x[hard] for x in row] for row in a]
        rows = _adjugate_rows(sub)
        b_sub = [x[hard] for x in best]
        s_sub = size[hard]
        for row in rows[1:]:
            sz = row[0] * row[0] + row[1] * row[1] + row[2] * row[2] + row[3] * row[3]
            bigger = sz > s_sub
            b_sub = [np.where(bigger, x, y) for x, y in zip(row, b_sub, strict=True)]
            s_sub = np.where(bigger, sz, s_sub)
        for k in range(4):
            best[k][hard] = b_sub[k]
        size[hard] = s_sub
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = 1.0 / np.sqrt(size)
        w, qx, qy, qz = (c * inv for c in best)
    ww, xx, yy, zz = w * w, qx * qx, qy * qy, qz * qz
    xy, xz, yz, wx, wy, wz = qx * qy, qx * qz, qy * qz, w * qx, w * qy, w * qz
    flat = np.empty((9, n))  # rows of contiguous components, then one transposing copy
    flat[0], flat[1], flat[2] = ww + xx - yy - zz, 2.0 * (xy - wz), 2.0 * (xz + wy)
    flat[3], flat[4], flat[5] = 2.0 * (xy + wz), ww - xx + yy - zz, 2.0 * (yz - wx)
    flat[6], flat[7], flat[8] = 2.0 * (xz - wy), 2.0 * (yz + wx), ww - xx - yy + zz
    r = np.ascontiguousarray(flat.T).reshape(n, 3, 3)
    if degenerate.any():
        r[degenerate] = np.eye(3)
    return r, degenerate


def transform_points(r: np.ndarray, t: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply per-frame poses to fixed points: (n,3,3), (n,3), (m,3) -> (n, m, 3).

    Written out per component on contiguous copies of the poses (no BLAS: its threads would
    compete for the cores; a stacked matmul is slower)."""
    return _transform_rows(r, t, points).transpose(2, 0, 1)


def _transform_rows(r: np.ndarray, t: np.ndarray, points: np.ndarray) -> np.ndarray:
    """:func:`transform_points` as (m, 3, n), contiguous along the frames."""
    pts = np.asarray(points, dtype=float)
    n = r.shape[0]
    rc = np.ascontiguousarray(r.reshape(n, 9).T)
    tc = np.ascontiguousarray(t.T)
    out = np.empty((pts.shape[0], 3, n))
    for m in range(pts.shape[0]):
        p0, p1, p2 = pts[m].tolist()
        for i in range(3):
            out[m, i] = rc[3 * i] * p0 + rc[3 * i + 1] * p1 + rc[3 * i + 2] * p2 + tc[i]
    return out

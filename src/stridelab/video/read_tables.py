"""Keypoint tables: MediaPipe CSV and the TRC files of Sports2D / Pose2Sim (formats described in
:mod:`stridelab.video.read_keypoints`), and the routing of TRC files between keypoints and lab markers."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.options import ReadOptions
from stridelab.model.trial import Trial
from stridelab.video.names import canonical_names, looks_like_keypoints
from stridelab.video.read_keypoints import METRIC_M_PER_PX, _rate, keypoint_trial

# --- MediaPipe CSV --------------------------------------------------------------------------------

_TIME_COLS = {"time": 1.0, "time_s": 1.0, "timestamp": 1.0, "t": 1.0, "timestamp_ms": 0.001, "time_ms": 0.001}


def read_mediapipe_csv(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read a MediaPipe landmark CSV, wide or long (see module docstring)."""
    import pandas as pd

    from stridelab.video.names import MEDIAPIPE33

    opts = opts or ReadOptions()
    path = Path(path)
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{path.name}: cannot read as CSV ({e})") from None
    cols = {c.lower().strip(): c for c in df.columns}
    long = "x" in cols and "y" in cols and any(c in cols for c in ("landmark", "name", "landmark_id", "id", "keypoint"))
    if long:
        lm = next(cols[c] for c in ("landmark", "name", "landmark_id", "keypoint", "id") if c in cols)
        fr = next((cols[c] for c in ("frame", "frame_index", "frame_idx") if c in cols), None)
        if fr is None:
            raise InvalidInputError(f"{path.name}: a long MediaPipe table needs a 'frame' column")
        vis = next((cols[c] for c in ("visibility", "score", "confidence", "presence") if c in cols), None)
        labels = df[lm].map(lambda v: MEDIAPIPE33[int(v)] if str(v).isdigit() and int(v) < 33 else str(v))
        frames = np.sort(df[fr].unique())
        names = list(dict.fromkeys(labels))
        fi = np.searchsorted(frames, df[fr].to_numpy())
        ki = np.array([names.index(n) for n in labels])
        xy = np.full((frames.size, len(names), 2), np.nan)
        conf = np.ones((frames.size, len(names)))
        xy[fi, ki, 0] = df[cols["x"]].to_numpy(float)
        xy[fi, ki, 1] = df[cols["y"]].to_numpy(float)
        if vis is not None:
            conf[fi, ki] = df[vis].to_numpy(float)
        first = df.groupby(fr).first()
        tcol = next((c for c in _TIME_COLS if c in cols), None)
        tvals = first[cols[tcol]].to_numpy(float) * _TIME_COLS[tcol] if tcol else None
        w_h = [first[cols[c]].to_numpy(float)[0] for c in ("image_width", "image_height") if c in cols]
    else:
        names = [c[:-2] for c in df.columns if c.lower().endswith("_x") and c[:-2] + "_y" in df.columns]
        if not names:
            raise InvalidInputError(f"{path.name}: no <landmark>_x/<landmark>_y columns or long landmark table")
        xy = np.stack([np.stack([df[n + "_x"].to_numpy(float), df[n + "_y"].to_numpy(float)], -1) for n in names], 1)
        conf = np.ones(xy.shape[:2])
        for j, n in enumerate(names):
            for suf in ("_visibility", "_score", "_confidence", "_presence", "_v"):
                if n + suf in df.columns:
                    conf[:, j] = df[n + suf].to_numpy(float)
                    break
        tcol = next((c for c in _TIME_COLS if c in cols), None)
        tvals = df[cols[tcol]].to_numpy(float) * _TIME_COLS[tcol] if tcol else None
        w_h = [float(df[cols[c]].iloc[0]) for c in ("image_width", "image_height") if c in cols]
    size = None
    finite = xy[np.isfinite(xy)]
    if finite.size and finite.max() <= 1.5 and finite.min() >= -0.5:
        if len(w_h) != 2:
            raise InvalidInputError(
                f"{path.name}: the landmarks are normalised (0-1) and the image size is unknown, so angles would be distorted; "
                "add image_width and image_height columns or export pixel coordinates"
            )
        xy = xy * np.array(w_h)
    if len(w_h) == 2:
        size = (int(w_h[0]), int(w_h[1]))
    if tvals is not None and tvals.size > 2 and np.all(np.diff(tvals) > 0):
        rate = float((tvals.size - 1) / (tvals[-1] - tvals[0]))
        t = tvals
    else:
        rate = _rate(opts, path, "MediaPipe CSV (no time column)")
        t = np.arange(xy.shape[0]) / rate
    return keypoint_trial(names, xy, conf, rate, t, path, "mediapipe_csv", opts, image_size=size)


# --- Sports2D / Pose2Sim TRC ----------------------------------------------------------------------


def is_pose_trc(path: Path) -> bool:
    """True when a TRC file's marker names are pose-model keypoints (Sports2D, Pose2Sim)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = [fh.readline() for _ in range(4)]
    except OSError:
        return False
    names = [n.strip() for n in lines[3].split("\t")[2:] if n.strip()]
    return looks_like_keypoints(names)


def _sagittal_from_3d(names: list[str], p: np.ndarray) -> np.ndarray:
    """(n, k, 3) metres -> (n, k, 2) forward/up metres (see module docstring)."""
    canon = canonical_names(names)
    idx = {c: i for i, c in enumerate(canon) if c}
    head = [idx[n] for n in ("nose", "head", "neck", "l_shoulder", "r_shoulder") if n in idx]
    feet = [idx[n] for n in ("l_ankle", "r_ankle") if n in idx]
    with np.errstate(all="ignore"):
        d = np.nanmedian(np.nanmean(p[:, head], axis=1) - np.nanmean(p[:, feet], axis=1), axis=0)
    up_ax = int(np.argmax(np.abs(d)))
    up = np.zeros(3)
    up[up_ax] = np.sign(d[up_ax])
    vecs = []
    for s in ("l_", "r_"):
        if s + "toe" in idx and s + "heel" in idx:
            vecs.append(p[:, idx[s + "toe"]] - p[:, idx[s + "heel"]])
    hor = [a for a in range(3) if a != up_ax]
    if vecs:
        v = np.concatenate(vecs)[:, hor]
        v = v[np.all(np.isfinite(v), axis=1)]
        _, _, vt = np.linalg.svd(v - 0 * v.mean(0), full_matrices=False)
        f2 = vt[0] * np.sign(np.mean(v @ vt[0]))
    else:
        f2 = np.array([1.0, 0.0])
    fwd = np.zeros(3)
    fwd[hor] = f2
    return np.stack([p @ fwd, p @ up], axis=-1)


def read_pose_trc(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read a Sports2D (pixels, 2-D) or Pose2Sim (metres, 3-D) TRC file of keypoints."""
    opts = opts or ReadOptions()
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if len(text) < 6:
        raise InvalidInputError(f"{path.name}: too short for a TRC file")
    keys = text[1].split("\t")
    vals = text[2].split("\t")
    meta = {k.strip(): v.strip() for k, v in zip(keys, vals, strict=False)}
    names = [n.strip() for n in text[3].split("\t")[2:] if n.strip()]
    body = [ln for ln in text[5:] if ln.strip() and ln.strip()[0].isdigit()]
    data = np.atleast_2d(np.genfromtxt(io.StringIO("\n".join(body)), delimiter="\t", dtype=float, invalid_raise=False))
    n_cols = 2 + 3 * len(names)
    if data.shape[1] < n_cols:
        data = np.hstack([data, np.full((data.shape[0], n_cols - data.shape[1]), np.nan)])
    t = data[:, 1]
    try:
        rate = float(meta.get("DataRate", "nan"))
    except ValueError:
        rate = float("nan")
    if not np.isfinite(rate) and t.size > 1:
        rate = (t.size - 1) / float(t[-1] - t[0])
    p = data[:, 2:n_cols].reshape(-1, len(names), 3)
    units = (meta.get("Units") or "").lower()
    z = p[..., 2]
    flat = not np.isfinite(z).any() or float(np.nanmax(np.abs(z))) < 1e-9
    m_per_px = None
    if units in ("px", "pixel", "pixels") or (flat and units not in ("m", "mm", "cm")):
        xy = p[..., :2].copy()
        canon = canonical_names(names)
        idx = {c: i for i, c in enumerate(canon) if c}
        head = [idx[n] for n in ("nose", "head", "neck", "l_shoulder", "r_shoulder") if n in idx]
        feet = [idx[n] for n in ("l_ankle", "r_ankle") if n in idx]
        with np.errstate(all="ignore"):
            head_y = np.nanmedian(np.nanmean(xy[:, head, 1], axis=1) - np.nanmean(xy[:, feet, 1], axis=1))
        if head_y > 0:  # y points up (Sports2D flips it): back to image axes
            xy[..., 1] = -xy[..., 1]
        kind = "sports2d_px"
    else:
        scale = {"mm": 0.001, "cm": 0.01}.get(units, 1.0)
        p = p * scale
        if flat:
            sag = p[..., :2].copy()
            canon = canonical_names(names)
            idx = {c: i for i, c in enumerate(canon) if c}
            with np.errstate(all="ignore"):
                if np.nanmedian(sag[:, idx.get("l_hip", 0), 1] - sag[:, idx.get("l_ankle", 0), 1]) < 0:
                    sag[..., 1] = -sag[..., 1]
        else:
            sag = _sagittal_from_3d(names, p)
        xy = np.stack([sag[..., 0], -sag[..., 1]], -1) / METRIC_M_PER_PX
        m_per_px = METRIC_M_PER_PX
        kind = "pose2sim_m" if not flat else "sports2d_m"
    conf = np.where(np.isfinite(xy[..., 0]), 1.0, 0.0)
    return keypoint_trial(names, xy, conf, rate, t, path, kind, opts, m_per_px=m_per_px)


def read_trc_any(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """TRC: pose-model keypoints (Sports2D/Pose2Sim) go to :func:`read_pose_trc`, lab markers to
    :func:`stridelab.io.opensim.read_trc`."""
    p = Path(path)
    if is_pose_trc(p):
        return read_pose_trc(p, opts)
    from stridelab.io.opensim import read_trc

    return read_trc(p, opts)

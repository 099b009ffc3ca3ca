"""Keypoint files from pose models: OpenPose JSON, COCO-style JSON, MediaPipe CSV, Sports2D/Pose2Sim TRC.

Every reader returns a :class:`~stridelab.model.trial.Trial` whose ``keypoints`` hold canonical
names (:mod:`stridelab.video.names`), pixel positions in image axes (x right, y down), a confidence
per point and frame, and times in seconds; the keypoints are cleaned up for running
(:func:`stridelab.video.cleanup.clean_keypoints`) and what was done is in
``trial.provenance.extra["video"]``. Metric inputs (TRC in metres) are stored at 1 mm per "pixel"
with the scale recorded, so the analysis knows distances without the runner's height.

* **OpenPose** (``*_keypoints.json``, one file per frame, or their folder): ``people[*].pose_keypoints_2d``
  as x, y, confidence triplets in BODY_25 or COCO-18 order. The files carry no frame rate: give
  ``--rate-hz``. With several people the runner is followed (:mod:`stridelab.video.track`).
* **COCO-style JSON**: ``{"images": [...], "annotations": [{"image_id", "keypoints": [x, y, v, ...]}],
  "categories": [{"keypoints": [names]}]}`` or a results list ``[{"image_id", "keypoints", "score"}]``;
  frames in image-id order; ``--rate-hz`` needed. Visibility 0 = missing, 1 = occluded (confidence 0.5), 2 = 1.
* **MediaPipe CSV**: wide (``<landmark>_x``, ``_y``, optional ``_visibility``) or long (``frame``,
  ``landmark``, ``x``, ``y``, ``visibility``) tables; a ``time``/``timestamp_ms`` column or ``--rate-hz``;
  normalised coordinates (0-1) need ``image_width``/``image_height`` columns (else the aspect ratio,
  and so every angle, would be wrong).
* **Sports2D / Pose2Sim TRC**: OpenSim TRC with pose-model keypoint names. Pixel TRCs (Sports2D) are
  2-D; metre TRCs are projected on the sagittal plane (vertical = the axis along which the head is
  farthest from the ankles; forward = the principal horizontal direction of the toe-minus-heel vectors).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.assemble import sha256_of
from stridelab.io.options import ReadOptions
from stridelab.model.trial import Keypoints2D, Provenance, QualityLog, Trial
from stridelab.video.names import LAYOUTS, canonical_names, looks_like_keypoints

METRIC_M_PER_PX = 0.001


def keypoint_trial(
    names: list[str],
    xy: np.ndarray,
    conf: np.ndarray,
    rate_hz: float,
    time_s: np.ndarray,
    path: Path,
    fmt: str,
    opts: ReadOptions,
    image_size: tuple[int, int] | None = None,
    m_per_px: float | None = None,
    extra: dict[str, Any] | None = None,
    quality: QualityLog | None = None,
) -> Trial:
    """Canonical names, the time window, the clean-up, and a Trial around them."""
    from stridelab.video.cleanup import clean_keypoints

    quality = quality or QualityLog()
    canon = canonical_names(names)
    keep = [i for i, c in enumerate(canon) if c is not None]
    cnames = [str(canon[i]) for i in keep]
    legs = [n for n in cnames if n[2:] in ("hip", "knee", "ankle")]
    if len(legs) < 6:
        raise InvalidInputError(
            f"{path.name}: the keypoints lack hips, knees and ankles of both legs (found {', '.join(cnames) or 'none'}); "
            "a running analysis needs them"
        )
    if not (np.isfinite(rate_hz) and rate_hz > 0):
        raise InvalidInputError(f"{path.name}: no frame rate; pass --rate-hz")
    xy = xy[:, keep].astype(float)
    conf = conf[:, keep].astype(float)
    seen = [n for j, n in enumerate(cnames) if n in legs and (np.isfinite(xy[:, j, 0]) & (np.nan_to_num(conf[:, j]) > 0)).sum() >= 10]
    if len(seen) < 6:
        raise InvalidInputError(
            f"{path.name}: the hips, knees and ankles of both legs are in fewer than 10 frames (found in enough frames: "
            f"{', '.join(seen) or 'none'}); is the runner in the video?"
        )
    t = np.asarray(time_s, dtype=float)
    m = np.ones(t.size, dtype=bool)
    if opts.start_s is not None:
        m &= t >= opts.start_s
    if opts.end_s is not None:
        m &= t <= opts.end_s
    if m.sum() < 10:
        raise InvalidInputError(f"{path.name}: fewer than 10 frames in the chosen time window")
    raw = Keypoints2D(cnames, xy[m], conf[m], float(rate_hz), t[m], image_size)
    kp, info = clean_keypoints(raw, quality, max_gap_s=opts.max_gap_s)
    prov = Provenance(path=str(path), sha256=sha256_of(path) if path.is_file() else None, format=fmt, reader=f"stridelab.io.keypoints ({fmt})", units_in="px" if m_per_px is None else "m")
    prov.extra["video"] = {**info.as_dict(), "m_per_px": m_per_px, "raw_keypoints": raw, **(extra or {})}
    trial = Trial(keypoints=kp, provenance=prov, quality=quality)
    trial.environment = info.environment  # type: ignore[assignment]
    return trial


def _rate(opts: ReadOptions, path: Path, what: str) -> float:
    if opts.rate_hz is None:
        raise InvalidInputError(f"{path.name}: {what} files carry no frame rate; pass --rate-hz (the video's frames per second)")
    return float(opts.rate_hz)


def _load_json(p: Path) -> Any:
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidInputError(f"{p.name}: not readable JSON ({e})") from None


# --- OpenPose -------------------------------------------------------------------------------------

_OP_FRAME = re.compile(r"^(?P<stem>.*?)(?P<num>\d+)_keypoints\.json$")


def openpose_files(path: Path) -> list[Path]:
    """The frame files of an OpenPose output: every ``*_keypoints.json`` beside ``path`` (or in it,
    for a folder) with the same name stem, in frame-number order."""
    if path.is_dir():
        files = list(path.glob("*_keypoints.json"))
        stem = None
    else:
        m = _OP_FRAME.match(path.name)
        stem = m.group("stem") if m else None
        files = [f for f in path.parent.glob("*_keypoints.json") if (mm := _OP_FRAME.match(f.name)) and mm.group("stem") == stem] if m else [path]
    keyed = []
    for f in files:
        mm = _OP_FRAME.match(f.name)
        keyed.append((int(mm.group("num")) if mm else 0, f))
    return [f for _, f in sorted(keyed)]


def read_openpose(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read OpenPose JSON frame files (see module docstring)."""
    from stridelab.video.track import follow_runner

    opts = opts or ReadOptions()
    path = Path(path)
    files = openpose_files(path)
    if not files:
        raise InvalidInputError(f"{path}: no OpenPose *_keypoints.json files")
    rate = _rate(opts, path, "OpenPose JSON")
    people: list[list[np.ndarray]] = []
    k = None
    for f in files:
        doc = _load_json(f)
        if not isinstance(doc, dict) or "people" not in doc:
            raise InvalidInputError(f"{f.name}: not an OpenPose file (no 'people')")
        frame = []
        for p in doc["people"]:
            arr = np.asarray(p.get("pose_keypoints_2d") or [], dtype=float)
            if arr.size == 0 or arr.size % 3:
                continue
            arr = arr.reshape(-1, 3)
            if k is None:
                k = arr.shape[0]
            if arr.shape[0] == k:
                frame.append(arr)
        people.append(frame)
    if k is None or k not in (25, 18):
        raise InvalidInputError(f"{path.name}: no people with BODY_25 or COCO-18 keypoints in {len(files)} file(s)")
    arr, picked = follow_runner(people, k)
    names = LAYOUTS[k]
    xy, conf = arr[..., :2], arr[..., 2]
    xy[conf <= 0] = np.nan  # OpenPose writes 0,0,0 for missing points
    t = np.arange(len(files)) / rate
    return keypoint_trial(names, xy, conf, rate, t, path, "openpose", opts, extra={"n_files": len(files), "people_tracking": picked})


# --- COCO JSON ------------------------------------------------------------------------------------


def read_coco(path: str | Path, opts: ReadOptions | None = None) -> Trial:
    """Read COCO-style keypoint JSON (see module docstring)."""
    from stridelab.video.track import follow_runner

    opts = opts or ReadOptions()
    path = Path(path)
    doc = _load_json(path)
    names: list[str] | None = None
    size = None
    if isinstance(doc, dict):
        anns = doc.get("annotations") or []
        cats = doc.get("categories") or []
        if cats and isinstance(cats[0], dict) and cats[0].get("keypoints"):
            names = list(cats[0]["keypoints"])
        images = doc.get("images") or []
        order = [im["id"] for im in sorted(images, key=lambda im: (im.get("frame_id", im["id"]), im["id"]))] if images else None
        if images and "width" in images[0] and "height" in images[0]:
            size = (int(images[0]["width"]), int(images[0]["height"]))
    elif isinstance(doc, list):
        anns, order = doc, None
    else:
        raise InvalidInputError(f"{path.name}: not a COCO keypoint file")
    if not anns or not all(isinstance(a, dict) and "keypoints" in a and "image_id" in a for a in anns):
        raise InvalidInputError(f"{path.name}: no COCO keypoint annotations (image_id + keypoints)")
    rate = _rate(opts, path, "COCO JSON")
    if order is None:
        order = sorted({a["image_id"] for a in anns})
    by_img: dict[Any, list[np.ndarray]] = {i: [] for i in order}
    k = len(anns[0]["keypoints"]) // 3
    for a in anns:
        arr = np.asarray(a["keypoints"], dtype=float)
        if arr.size != 3 * k or a["image_id"] not in by_img:
            continue
        arr = arr.reshape(k, 3).copy()
        if "score" not in a:  # ground-truth visibility flags
            v = arr[:, 2]
            arr[:, 2] = np.where(v >= 2, 1.0, np.where(v >= 1, 0.5, 0.0))
        by_img[a["image_id"]].append(arr)
    names = names or LAYOUTS.get(k)
    if names is None or len(names) != k:
        raise InvalidInputError(f"{path.name}: {k} keypoints per person and no names for them (add categories[0].keypoints)")
    arr, picked = follow_runner([by_img[i] for i in order], k)
    xy, conf = arr[..., :2], arr[..., 2]
    xy[conf <= 0] = np.nan
    t = np.arange(len(order)) / rate
    return keypoint_trial(names, xy, conf, rate, t, path, "coco", opts, image_size=size, extra={"people_tracking": picked})


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


# --- sniffers -------------------------------------------------------------------------------------


def _head(path: Path, n: int = 4096) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(n)
    except OSError:
        return ""


def sniff_openpose(path: Path, first_line: str) -> bool:
    return path.suffix.lower() == ".json" and '"people"' in _head(path) and "pose_keypoints_2d" in _head(path, 65536)


def sniff_coco(path: Path, first_line: str) -> bool:
    if path.suffix.lower() != ".json":
        return False
    h = _head(path, 65536)
    return '"keypoints"' in h and '"image_id"' in h


def sniff_mediapipe_csv(path: Path, first_line: str) -> bool:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    try:
        header = next(csv.reader([first_line]))
    except StopIteration:
        return False
    low = [h.strip().lower() for h in header]
    wide = [h[:-2] for h in low if h.endswith("_x")]
    if wide and looks_like_keypoints(wide):
        return True
    return "landmark" in low and "x" in low and "y" in low

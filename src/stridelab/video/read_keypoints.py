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
Readers of the tables below (MediaPipe CSV, TRC) are in :mod:`stridelab.video.read_tables`.

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
    prov = Provenance(path=str(path), sha256=sha256_of(path) if path.is_file() else None, format=fmt, reader=f"stridelab.video.read_keypoints ({fmt})", units_in="px" if m_per_px is None else "m")
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
    except (StopIteration, csv.Error):  # no header, or not a CSV line (e.g. a bare carriage return)
        return False
    low = [h.strip().lower() for h in header]
    wide = [h[:-2] for h in low if h.endswith("_x")]
    if wide and looks_like_keypoints(wide):
        return True
    return "landmark" in low and "x" in low and "y" in low

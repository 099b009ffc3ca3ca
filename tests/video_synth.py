"""Helpers for the video tests: SYNTHETIC keypoints of REAL motion (runner RBDS001, Fukuchi 2017)
seen by a virtual side-view camera (stridelab.video.virtual_camera), with the force plate's contacts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

import stridelab as sl
from stridelab.events.dispatch import detect_contacts
from stridelab.kinematics.virtual import prepare_markers
from stridelab.video.virtual_camera import (
    KEYPOINTS,
    Camera,
    pose_model_errors,
    resample,
    sample_times,
    virtual_points,
)


@lru_cache(maxsize=2)
def mocap(fukuchi: Path, speed: str = "35"):
    static = fukuchi / "RBDS001static.c3d"
    if speed == "35":
        t = sl.read(fukuchi / "RBDS001runT35.c3d", static=static)
    else:
        t = sl.read(fukuchi / "RBDS001runT25markers.txt", forces=fukuchi / "RBDS001runT25forces.txt", static=static)
    prepare_markers(t)
    return t, detect_contacts(t, "forces").contacts


def synthetic_keypoints(fukuchi: Path, fps: float = 60.0, t0: float = 1.0, t1: float = 9.0, errors: bool = True, seed: int = 7, cam: Camera | None = None):
    """(names, xy (n, k, 2), confidence, time, force-plate contacts, camera)."""
    trial, ref = mocap(fukuchi)
    rng = np.random.default_rng(seed)
    cam = cam or Camera(5.0, 0.0)
    t = sample_times(t0, t1, fps, rng)
    p3 = resample(virtual_points(trial.markers, trial.static), trial.markers.time_s, t)
    xy = cam.project(p3, np.nanmean(p3.reshape(-1, 3), axis=0))
    conf = np.ones(xy.shape[:2])
    if errors:
        xy, conf = pose_model_errors(xy, rng, 0.005 * 1.8 / cam.m_per_px())
    return list(KEYPOINTS), xy, conf, t, ref, cam

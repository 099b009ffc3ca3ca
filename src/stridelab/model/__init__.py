"""The one trial model that every input (motion capture, force plates, IMUs, watches, video) fills."""

from stridelab.model.axes import AXIS_NAMES, FORWARD, LEFT, UP
from stridelab.model.trial import (
    ForcePlate,
    ImuData,
    Keypoints2D,
    MarkerData,
    Provenance,
    QualityLog,
    Subject,
    Trial,
)

__all__ = [
    "AXIS_NAMES",
    "FORWARD",
    "LEFT",
    "UP",
    "ForcePlate",
    "ImuData",
    "Keypoints2D",
    "MarkerData",
    "Provenance",
    "QualityLog",
    "Subject",
    "Trial",
]

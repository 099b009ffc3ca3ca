"""The video contact-event method as an object with declared parameters (registered in
:mod:`stridelab.events.registry`; the method itself is in :mod:`stridelab.video.events`)."""

from __future__ import annotations

from typing import ClassVar

from stridelab.algorithm import Algorithm
from stridelab.events.contacts import ContactEvents
from stridelab.model.trial import Trial


class VideoRestDistance(Algorithm):
    """Contacts from 2-D keypoints: where each foot point rests on the ground, and when the knee
    extends (:mod:`stridelab.video.events`).

    Parameters:
        min_contact_s: contacts shorter than this (s) are rejected.
        max_contact_s: contacts longer than this (s) are rejected.

    Results:
        events_: the contacts.
    """

    method: ClassVar[str] = "rest_distance_knee_extension"
    citation: ClassVar[str] = "clearance rule adapted from Handsaker JC et al. (2016) J Biomech 49:4128; toe-off at peak knee extension, Fellin RE et al. (2010) J Sci Med Sport 13:646"
    events_: ContactEvents

    def __init__(self, *, min_contact_s: float = 0.06, max_contact_s: float = 1.0) -> None:
        self.min_contact_s = min_contact_s
        self.max_contact_s = max_contact_s

    def detect(self, trial: Trial) -> VideoRestDistance:
        from stridelab.video.events import detect_video_contacts

        self.events_ = detect_video_contacts(trial, **self.get_params())
        return self


__all__ = ["VideoRestDistance"]

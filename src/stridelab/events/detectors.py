"""Contact-event detectors as objects with declared parameters (:class:`stridelab.algorithm.Algorithm`).

Each wraps the function that implements its method (whose module docstring gives the method in
full) with the same defaults, so a detector built with no arguments gives exactly the numbers the
function gives. ``detect(trial)`` returns the detector with ``events_`` set. Registered in
:mod:`stridelab.events.registry`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from stridelab.algorithm import Algorithm
from stridelab.events.contacts import ContactEvents
from stridelab.events.heel_impact import DEFAULT_OFFSET_MS
from stridelab.events.toe_segment import DEFAULT_ANGLE_DEG, DEFAULT_JOINT_HEIGHT_M
from stridelab.model.trial import Trial


class ForceThreshold(Algorithm):
    """Contacts where the filtered vertical ground reaction force crosses a threshold
    (:mod:`stridelab.events.forceplate`).

    Parameters:
        threshold_n: vertical force (N) above which a foot is on the ground.
        cutoff_hz: cut-off (Hz) of the 4th-order zero-lag Butterworth low-pass applied first.
        sensitivity_threshold_n: a second threshold (N) whose events are reported as the sensitivity.
        min_contact_s: contacts shorter than this (s) are rejected.
        max_contact_s: contacts longer than this (s) are rejected.

    Results:
        events_: the contacts, with the force signal for the report.
    """

    method: ClassVar[str] = "threshold"
    citation: ClassVar[str] = "20 N threshold: Fukuchi RK et al. (2017) PeerJ 5:e3298; 10-50 N standard: Milner CE, Paquette MR (2015) J Sports Sci 33:1216"
    events_: ContactEvents

    def __init__(
        self,
        *,
        threshold_n: float = 20.0,
        cutoff_hz: float = 50.0,
        sensitivity_threshold_n: float = 50.0,
        min_contact_s: float = 0.04,
        max_contact_s: float = 1.0,
    ) -> None:
        self.threshold_n = threshold_n
        self.cutoff_hz = cutoff_hz
        self.sensitivity_threshold_n = sensitivity_threshold_n
        self.min_contact_s = min_contact_s
        self.max_contact_s = max_contact_s

    def detect(self, trial: Trial) -> ForceThreshold:
        from stridelab.events.forceplate import detect_force_contacts

        ev = detect_force_contacts(trial, **self.get_params())
        self.events_ = ContactEvents(ev.table, "forces", ev.info, ev.warnings, ev.rejected, {"vertical_force": (ev.time_s, ev.fz_n)})
        return self


class MarkerClearance(Algorithm):
    """Contacts from the foot markers' clearance above the ground (:mod:`stridelab.events.markers`).

    Parameters:
        contact_clearance_mm: height (mm) above the foot's standing height within which the foot is on the ground.
        toe_off_angle_deg: foot angle (deg, toes down) past which the foot has left the ground at push-off.
        heel_impact: initial contact of a heel landing from the posterior heel marker's impact peak
            (:mod:`stridelab.events.heel_impact`), the clearance rule's where it finds none.
        heel_impact_offset_ms: lag (ms) of the heel marker's impact peak behind the ground contact.
        toe_segment: toe-off of a foot with a toe-box marker from the toe segment's turn
            (:mod:`stridelab.events.toe_segment`), the clearance rule's where it is not found.
        toe_segment_height_mm: height (mm) of the MTP joint centre above the sole.
        toe_segment_angle_deg: the toe segment's turn (deg) from mid-stance at toe-off.

    Results:
        events_: the contacts.
    """

    method: ClassVar[str] = "handsaker2016_clearance"
    citation: ClassVar[str] = (
        "adapted from Handsaker JC, Forrester SE, Folland JP, Black MI, Allen SJ (2016) J Biomech 49:4128; "
        "heel impact: Hreljac A, Marshall RN (2000) J Biomech 33:783; toe segment: stridelab (docs/validation.md)"
    )
    events_: ContactEvents

    def __init__(
        self,
        *,
        contact_clearance_mm: float = 5.0,
        toe_off_angle_deg: float = 10.0,
        heel_impact: bool = True,
        heel_impact_offset_ms: float = DEFAULT_OFFSET_MS,
        toe_segment: bool = True,
        toe_segment_height_mm: float = DEFAULT_JOINT_HEIGHT_M * 1000.0,
        toe_segment_angle_deg: float = DEFAULT_ANGLE_DEG,
    ) -> None:
        self.contact_clearance_mm = contact_clearance_mm
        self.toe_off_angle_deg = toe_off_angle_deg
        self.heel_impact = heel_impact
        self.heel_impact_offset_ms = heel_impact_offset_ms
        self.toe_segment = toe_segment
        self.toe_segment_height_mm = toe_segment_height_mm
        self.toe_segment_angle_deg = toe_segment_angle_deg

    def detect(self, trial: Trial) -> MarkerClearance:
        from stridelab.events.markers import detect_marker_contacts

        self.events_ = detect_marker_contacts(trial, method=self.method, **self.get_params())
        return self


class ImuSegmentRules(Algorithm):
    """Contacts from wearable IMUs: per side the best limb sensor (foot, then shank/ankle), the trunk
    sensor for a side without one (:mod:`stridelab.events.imu`).

    Parameters:
        foot_method: method for foot sensors: ``kink`` (angular-jerk initial contact, after Bergamini
            2012), ``falbriard2018`` (as published) or ``accel`` (accelerometer only).
        shank_method: method for shank and ankle sensors: ``kink`` or ``purcell2006`` (accelerometer only).
        trunk_method: method for sacrum and hip sensors: ``auto`` (``freefall`` where the sensor's
            flights read clearly below 0 g and it does not clip, else ``freefall_relative``:
            :func:`stridelab.events.imu.trunk_method`),
            ``freefall`` (vertical acceleration crossing gravity), ``freefall_steps`` (one contact per
            loading peak, thresholds above each flight's floor) or ``freefall_springmass`` (its contact
            time averaged with the spring-mass one, Morin 2005) or ``freefall_relative`` (the same on the
            signal relative to its own flight floor and mean, so independent of the sensor's offset and
            gain); sides after Lee 2010.

    Results:
        events_: the contacts; each contact's ``source`` names the sensor and the method.
    """

    method: ClassVar[str] = "segment_rules"
    citation: ClassVar[str] = (
        "Bergamini E et al. (2012) J Biomech 45:1123; Falbriard M et al. (2018) Front Physiol 9:610; "
        "Purcell B et al. (2006) Proc SPIE 6036; Lee JB et al. (2010) J Sci Med Sport 13:270; Morin JB et al. (2005) J Appl Biomech 21:167"
    )
    choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "foot_method": ("kink", "falbriard2018", "accel"),
        "shank_method": ("kink", "purcell2006"),
        "trunk_method": ("auto", "freefall", "freefall_steps", "freefall_springmass", "freefall_relative"),
    }
    events_: ContactEvents

    def __init__(self, *, foot_method: str = "kink", shank_method: str = "kink", trunk_method: str = "auto") -> None:
        self.foot_method = foot_method
        self.shank_method = shank_method
        self.trunk_method = trunk_method

    def detect(self, trial: Trial) -> ImuSegmentRules:
        from stridelab.events.imu import detect_imu_contacts
        from stridelab.events.imu_align import kind_of

        by_kind = {"foot": self.foot_method, "shank": self.shank_method, "trunk": self.trunk_method}
        methods: dict[str, Any] = {loc: by_kind[k] for loc in trial.imu if (k := kind_of(loc)) in by_kind and by_kind[k] != "auto"}
        self.events_ = detect_imu_contacts(trial, methods)
        return self


__all__ = ["ForceThreshold", "ImuSegmentRules", "MarkerClearance"]

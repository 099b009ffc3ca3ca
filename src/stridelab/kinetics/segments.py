"""Segment inertial parameters: de Leva P (1996) Adjustments to Zatsiorsky-Seluyanov's segment
inertia parameters. J Biomech 29:1223-1230, Table 4 (``method="deleva1996"``).

Mass as a fraction of body mass; centre of mass as a fraction of the segment length from its
proximal end; radii of gyration as fractions of the segment length about the segment's
medio-lateral ("sagittal" column: rotation in the sagittal plane), antero-posterior
("transverse" column) and long axes. Segment ends as in de Leva: thigh hip centre -> knee centre,
shank knee centre -> lateral malleolus (here the ankle centre). The foot's mass and radii are de
Leva's; its centre of mass is placed halfway from the ankle centre to the metatarsal heads, the
segment definition of Dempster's table (Winter DA 2009, *Biomechanics and Motor Control of Human
Movement*, 4th ed., Table 4.1), because marker sets rarely give the tip of the toe that de Leva's
foot length needs; its radii of gyration multiply the ankle-to-metatarsal-heads length (shorter than
de Leva's heel-to-toe length, so the foot's small inertia is slightly underestimated). When the
sex is unknown the male and female values are averaged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentParameters:
    mass_frac: float
    com_frac: float
    r_sagittal: float
    r_transverse: float
    r_longitudinal: float


#: de Leva (1996) Table 4, (male, female).
DELEVA_1996: dict[str, tuple[SegmentParameters, SegmentParameters]] = {
    "thigh": (SegmentParameters(0.1416, 0.4095, 0.329, 0.329, 0.149), SegmentParameters(0.1478, 0.3612, 0.369, 0.364, 0.162)),
    "shank": (SegmentParameters(0.0433, 0.4459, 0.255, 0.249, 0.103), SegmentParameters(0.0481, 0.4416, 0.271, 0.267, 0.093)),
    "foot": (SegmentParameters(0.0137, 0.5, 0.257, 0.245, 0.124), SegmentParameters(0.0129, 0.5, 0.299, 0.279, 0.139)),
}


def segment_parameters(segment: str, sex: str | None = None) -> SegmentParameters:
    """Parameters of ``segment`` ("thigh", "shank", "foot") for ``sex`` ("male"/"female"/None)."""
    male, female = DELEVA_1996[segment]
    s = (sex or "").strip().lower()
    if s in ("m", "male", "man"):
        return male
    if s in ("f", "female", "woman"):
        return female
    return SegmentParameters(*(0.5 * (a + b) for a, b in zip(_values(male), _values(female), strict=True)))


def _values(p: SegmentParameters) -> tuple[float, float, float, float, float]:
    return (p.mass_frac, p.com_frac, p.r_sagittal, p.r_transverse, p.r_longitudinal)


__all__ = ["DELEVA_1996", "SegmentParameters", "segment_parameters"]

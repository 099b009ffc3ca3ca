"""Left-right symmetry measures beside the symmetry index of :mod:`stridelab.metrics.summary`.

``symmetry_angle_pct`` (``method="zifchock2008"``): the symmetry angle of Zifchock et al. (2008,
Gait Posture 27:622), SA = |45° - arctan(L / R)| / 90° x 100 %, with L and R the per-side means.
0 % is perfect symmetry and 100 % the largest possible asymmetry; unlike the symmetry index it does
not depend on which side is the reference and does not blow up when the values are small. For
small differences SA ~ SI / pi. Defined for positive L and R only (None otherwise).
"""

from __future__ import annotations

import math


def symmetry_angle_pct(left: float | None, right: float | None, method: str = "zifchock2008") -> float | None:
    """Symmetry angle (%) of two positive per-side values, or None when undefined."""
    if method != "zifchock2008":
        raise ValueError(f"unknown method {method!r}")
    if left is None or right is None or not (math.isfinite(left) and math.isfinite(right)) or left <= 0 or right <= 0:
        return None
    return abs(45.0 - math.degrees(math.atan(left / right))) / 90.0 * 100.0

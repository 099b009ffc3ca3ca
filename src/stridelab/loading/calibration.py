"""A trunk sensor's acceleration normalised to a 1-g mean, the input the acceleration-reading loading
model expects.

Over whole steps of steady running the body's mean acceleration is zero, so a sensor's mean specific
force is gravity: 1 g along the mean direction. The virtual sensors the loading models are trained on
(:mod:`stridelab.synth.imu`) satisfy this by construction; a real sensor with an offset does not, and
the waveform model (:mod:`stridelab.loading.waveform`) reads the acceleration itself, so an offset
biases its prediction (``docs/validation.md``, "Loading from wearables"). :func:`gravity_normalised`
removes the offset as a static calibration would; nothing is fitted to a force. It cannot tell an
offset from a gain error: the loading stage still warns when the mean was far from 1 g.
"""

from __future__ import annotations

import numpy as np

from stridelab.model.trial import ImuData

#: Standard gravity (m/s^2), the value the real sacral set's reader uses (:mod:`stridelab.loading.alcantara`).
G = 9.80665


def gravity_normalised(imu: ImuData) -> ImuData:
    """The same sensor with its mean specific force set to 1 g along its mean direction (see module)."""
    a = np.asarray(imu.acc_mps2, dtype=float)
    with np.errstate(all="ignore"):
        m = np.nanmean(a, axis=0) if a.size else np.zeros(3)
        norm = float(np.linalg.norm(m))
    if not np.isfinite(norm) or norm <= 0.0:
        return imu
    return ImuData(imu.location, imu.rate_hz, imu.time_s, a - m + G * m / norm, imu.gyr_radps)


__all__ = ["gravity_normalised"]

"""The contact events of a trial, whichever source found them: the type every event detector returns
and every later layer reads (a small module of its own, so that detectors and the dispatcher that
chooses between them both import it without importing each other)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class ContactEvents:
    """Contacts found in a trial, with how they were found.

    ``contacts`` is a :func:`stridelab.model.tables.contact_table` (side, ic_s, to_s, ...);
    ``source`` names the source (``forces``, ``markers``, ``imu``, ``video``); ``info`` says how
    (method and parameters; it becomes ``provenance.methods.events``); ``rejected`` lists contacts
    left out, with the reason; ``signals`` holds arrays a report may plot (e.g.
    ``{"vertical_force": (t, fz)}``).
    """

    contacts: pd.DataFrame
    source: str
    info: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    signals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


__all__ = ["ContactEvents"]

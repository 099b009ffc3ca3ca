"""Fatigue and drift over a run (see :mod:`stridelab.metrics.fatigue.drift`).

The names below are loaded on first use (PEP 562), so that importing the analysis stage
(:mod:`stridelab.metrics.fatigue.stage`) for a short lab trial does not import the drift modules
and pandas (issue 12).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from stridelab.metrics.fatigue.changepoint import pelt
    from stridelab.metrics.fatigue.dfa import DFAResult, dfa_alpha
    from stridelab.metrics.fatigue.drift import DriftResult, drift_analysis
    from stridelab.metrics.fatigue.series import DriftInput, from_records, from_steps

_WHERE = {
    "pelt": "changepoint",
    "DFAResult": "dfa",
    "dfa_alpha": "dfa",
    "DriftResult": "drift",
    "drift_analysis": "drift",
    "DriftInput": "series",
    "from_records": "series",
    "from_steps": "series",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = ["DFAResult", "DriftInput", "DriftResult", "dfa_alpha", "drift_analysis", "from_records", "from_steps", "pelt"]

"""Fatigue and drift over a run (see :mod:`stridelab.metrics.fatigue.drift`)."""

from stridelab.metrics.fatigue.changepoint import pelt
from stridelab.metrics.fatigue.dfa import DFAResult, dfa_alpha
from stridelab.metrics.fatigue.drift import DriftResult, drift_analysis
from stridelab.metrics.fatigue.series import DriftInput, from_records, from_steps

__all__ = ["DFAResult", "DriftInput", "DriftResult", "dfa_alpha", "drift_analysis", "from_records", "from_steps", "pelt"]

"""Injury-risk flags: patterns that research *associates with* running injuries, from an evidence
table kept as data (``evidence.csv``), never a diagnosis.

    from stridelab.risk import load_evidence, evaluate
    rules = load_evidence(thresholds="my_thresholds.csv")   # user overrides of thresholds
    flags = evaluate(rules, measurement)                     # one Measurement per analysed trial
"""

from __future__ import annotations

from stridelab.risk.evidence import DISCLAIMER, Rule, load_evidence
from stridelab.risk.flags import Flag, Measurement, evaluate, flag_status

__all__ = ["DISCLAIMER", "Flag", "Measurement", "Rule", "evaluate", "flag_status", "load_evidence"]

"""Minimal detectable change (MDC) from test-retest variability.

Method (Weir JP 2005, J Strength Cond Res 19:231; Haley SM, Fragala-Pinkham MA 2006, Phys Ther
86:735): with pairs of repeated measurements and d their differences, the standard error of
measurement is SEM = SD(d) / sqrt(2) and the smallest change between two measurements that
exceeds noise with 95 % confidence is MDC95 = 1.96 x sqrt(2) x SEM = 1.96 x SD(d).

* ``method="split_half"``: the two halves of one trial's steps (first and second half, in time
  order). Each half holds half the steps, so its noise variance is about twice that of the whole
  trial's median; the MDC of whole-trial values is therefore 1.96 x SD(d) / sqrt(2). This captures
  step-to-step noise only, not day-to-day variability (marker placement, shoes, fatigue): a lower
  bound of the MDC between visits.
* ``method="repeated_sessions"``: pairs of trials of the same runner at matched speed on
  consecutive sessions close in time; MDC95 = 1.96 x RMS(d), the root mean square of the
  differences (their SD *including* any mean difference), because sessions two weeks apart may hold
  real change: a trend then makes this MDC larger, never smaller. It includes day-to-day
  variability, which split halves cannot see.

``reference_mdc()`` is the split-half MDC pooled over the real Fukuchi et al. (2017) treadmill
trials (computed by ``validation/record_mdc.py``, stored in ``mdc_reference.csv``). A runner's MDC
is the largest of the estimates available (:func:`stridelab.history.change.runner_mdc`): the
reference, their own split halves (from ``MIN_PAIRS`` trials) and their repeated sessions (from 3
pairs), so that a change is called real only when it exceeds every measure of noise we have.
"""

from __future__ import annotations

import csv
import math
from importlib import resources

import numpy as np

Z95 = 1.959963984540054
MIN_PAIRS = 5


def mdc95(differences: list[float] | np.ndarray, method: str = "split_half") -> float | None:
    """MDC95 from paired differences (None with fewer than 2 pairs)."""
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return None
    if method == "split_half":
        return Z95 * float(np.std(d, ddof=1)) / math.sqrt(2.0)
    if method == "repeated_sessions":
        return Z95 * float(np.sqrt(np.mean(d**2)))
    raise ValueError(f"unknown method {method!r}")


def reference_mdc(source: str = "mocap") -> dict[str, float]:
    """The packaged split-half MDC per metric for recordings of ``source`` (empty when none)."""
    text = resources.files("stridelab.history").joinpath("mdc_reference.csv").read_text(encoding="utf-8")
    return {r["metric"]: float(r["mdc95"]) for r in csv.DictReader(text.splitlines()) if r["source"] == source and r["mdc95"]}


__all__ = ["MIN_PAIRS", "Z95", "mdc95", "reference_mdc"]

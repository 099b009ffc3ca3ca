"""A working copy of a recording that shares its arrays, read-only (no full copies of long data).

:func:`stridelab.analysis.analyze` is pure: it works on its own copy of the trial. A deep copy
duplicates every marker, force and IMU array (for an hour of 150-Hz motion capture, hundreds of
MiB); :func:`shared_copy` copies the containers (dataclasses, lists, dicts, tables) but gives the copy
read-only views of the caller's NumPy arrays. The pipeline replaces arrays (new ones for new
markers, filtered signals ...) and never writes into them; were a stage to try, NumPy would raise
instead of changing the caller's data.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, TypeVar

import numpy as np

from stridelab.model.columns import Columns

T = TypeVar("T")


def _collect(obj: Any, memo: dict[int, Any], seen: set[int]) -> None:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        if obj.dtype != object:
            view = obj.view()
            view.flags.writeable = False
            memo[id(obj)] = view
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for v in vars(obj).values():  # the stored values (a Trial's tables as Columns, not as DataFrames)
            _collect(v, memo, seen)
    elif isinstance(obj, Columns):
        for _, v in obj.items():
            _collect(v, memo, seen)
    elif isinstance(obj, dict):
        for v in obj.values():
            _collect(v, memo, seen)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _collect(v, memo, seen)


def shared_copy(obj: T) -> T:
    """``copy.deepcopy(obj)`` whose NumPy arrays are read-only views of ``obj``'s (see module docstring)."""
    memo: dict[int, Any] = {}
    _collect(obj, memo, set())
    memo[id(memo)] = [obj]  # keeps the originals alive for as long as the memo is used
    return copy.deepcopy(obj, memo)

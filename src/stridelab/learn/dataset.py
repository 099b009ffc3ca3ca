"""A data set of steps (or strides) with the runner each one comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class StepDataset:
    """Rows are steps. ``X``: features; ``y``: targets (one column per target); ``groups``: the
    runner id of every row (splits never put one runner on both sides); ``meta``: anything else
    per row (trial, speed, side, strike pattern ...); ``windows`` (rows, channels, samples) and
    ``curves`` (rows, samples): optional raw inputs and curve targets."""

    X: pd.DataFrame
    y: pd.DataFrame
    groups: np.ndarray
    meta: pd.DataFrame = field(default_factory=pd.DataFrame)
    windows: np.ndarray | None = None
    curves: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.groups = np.asarray(self.groups).astype(str)
        n = len(self.X)
        if len(self.y) != n or self.groups.shape != (n,):
            raise ValueError("X, y and groups need one row per step")
        if len(self.meta) and len(self.meta) != n:
            raise ValueError("meta needs one row per step")

    def __len__(self) -> int:
        return len(self.X)

    @property
    def runners(self) -> list[str]:
        """The runner ids, sorted."""
        return sorted(set(self.groups.tolist()))

    def subset(self, rows: np.ndarray) -> StepDataset:
        """The rows ``rows`` (integer positions or a boolean mask), renumbered from 0."""
        r = np.asarray(rows)
        if r.dtype == bool:
            r = np.flatnonzero(r)
        return StepDataset(
            self.X.iloc[r].reset_index(drop=True),
            self.y.iloc[r].reset_index(drop=True),
            self.groups[r],
            self.meta.iloc[r].reset_index(drop=True) if len(self.meta) else self.meta,
            None if self.windows is None else self.windows[r],
            None if self.curves is None else self.curves[r],
        )

    def save(self, stem: Path) -> None:
        """Write ``stem.parquet`` (features, targets, meta, runner) and ``stem.npz`` (windows, curves)."""
        stem.parent.mkdir(parents=True, exist_ok=True)
        tab = pd.concat([self.X.add_prefix("x:"), self.y.add_prefix("y:"), self.meta.add_prefix("m:")], axis=1)
        tab["runner"] = self.groups
        tab.to_parquet(stem.with_suffix(".parquet"), index=False)
        arrays: dict[str, np.ndarray] = {}
        if self.windows is not None:
            arrays["windows"] = self.windows
        if self.curves is not None:
            arrays["curves"] = self.curves
        np.savez_compressed(stem.with_suffix(".npz"), **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, stem: Path) -> StepDataset:
        """Read what :meth:`save` wrote (FileNotFoundError when absent)."""
        tab = pd.read_parquet(stem.with_suffix(".parquet"))
        arr = np.load(stem.with_suffix(".npz"))

        def part(prefix: str) -> pd.DataFrame:
            cols = [c for c in tab.columns if c.startswith(prefix)]
            return tab[cols].rename(columns=lambda c: c[len(prefix):])

        return cls(
            part("x:"), part("y:"), tab["runner"].to_numpy(str), part("m:"),
            arr["windows"] if "windows" in arr else None, arr["curves"] if "curves" in arr else None,
        )


__all__ = ["StepDataset"]

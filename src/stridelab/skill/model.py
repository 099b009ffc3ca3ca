"""The fitted skill model: what scoring needs, plus its model card, stored as plain JSON.

A model file is JSON only (no pickle, no code): the feature definitions (fPCA bases, reference
timings), the scaler, the sparse-group-lasso coefficients, the per-group association models with
their bootstrap refits, the reference population's score distributions, the better runners'
curve bands, the reliability table and the model card (data, reference population, features,
cross-validated results, caveats).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.atomic import write_text
from stridelab.errors import InvalidInputError
from stridelab.skill.features import FeatureExtractor
from stridelab.skill.groupmodels import GroupModel
from stridelab.skill.orientation import GroupOrientation

FORMAT = "stridelab-skill-model"
FORMAT_VERSION = 3  # 2: fPCs chosen by explained variance, prominences and registration timing (stridelab 2026-11)
# 3: group orientation (model / published / similarity) and the reference runners' features (stridelab 2026-12)
DEFAULT_MODEL = "default_model.json"


@dataclass
class SkillModel:
    """Everything needed to score a runner (see the module doc)."""

    target: str
    better_sign: float
    side: str
    extractor: FeatureExtractor
    mean_: np.ndarray
    scale_: np.ndarray
    coef_: np.ndarray
    intercept_: float
    groups_: list[str]
    measured_groups: list[str]
    group_models: dict[str, GroupModel]
    reference_pred: np.ndarray  # the model's predictions of the reference runners
    reference_target: np.ndarray
    reference_name: str
    speed_mps: float | None
    bands: dict[str, dict[str, list[float]]]
    better_ranges: dict[str, list[float]]
    orientation: dict[str, GroupOrientation] = field(default_factory=dict)
    reference_x: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # standardised features of the reference runners
    reliability: dict[str, dict[str, float]] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return self.extractor.names_

    @property
    def synthetic(self) -> bool:
        return bool(self.card.get("data", {}).get("synthetic", False))

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean_) / self.scale_

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "card": self.card,
            "target": self.target,
            "better_sign": self.better_sign,
            "side": self.side,
            "features": self.extractor.to_dict(),
            "scaler": {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()},
            "sgl": {"coef": self.coef_.tolist(), "intercept": self.intercept_, "groups": self.groups_},
            "measured_groups": self.measured_groups,
            "group_models": {g: m.to_dict() for g, m in self.group_models.items()},
            "reference": {
                "name": self.reference_name,
                "pred": self.reference_pred.tolist(),
                "target": self.reference_target.tolist(),
                "speed_mps": self.speed_mps,
            },
            "bands": self.bands,
            "better_ranges": self.better_ranges,
            "orientation": {g: o.to_dict() for g, o in self.orientation.items()},
            "reference_x": np.round(self.reference_x, 6).tolist(),
            "reliability": self.reliability,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SkillModel:
        if d.get("format") != FORMAT:
            raise InvalidInputError("not a stridelab skill model (format field missing or wrong)")
        if int(d.get("format_version", 0)) > FORMAT_VERSION:
            raise InvalidInputError(f"skill model format {d.get('format_version')} is newer than this stridelab; upgrade stridelab")
        if int(d.get("format_version", 0)) < FORMAT_VERSION:
            raise InvalidInputError(
                f"skill model format {d.get('format_version')} uses an older feature set; refit it with this stridelab (stridelab skill fit)"
            )
        try:
            ref = d["reference"]
            return cls(
                target=d["target"],
                better_sign=float(d["better_sign"]),
                side=d["side"],
                extractor=FeatureExtractor.from_dict(d["features"]),
                mean_=np.asarray(d["scaler"]["mean"], float),
                scale_=np.asarray(d["scaler"]["scale"], float),
                coef_=np.asarray(d["sgl"]["coef"], float),
                intercept_=float(d["sgl"]["intercept"]),
                groups_=list(d["sgl"]["groups"]),
                measured_groups=list(d["measured_groups"]),
                group_models={g: GroupModel.from_dict(m) for g, m in d["group_models"].items()},
                reference_pred=np.asarray(ref["pred"], float),
                reference_target=np.asarray(ref["target"], float),
                reference_name=ref["name"],
                speed_mps=ref.get("speed_mps"),
                bands=d["bands"],
                better_ranges={k: list(v) for k, v in d["better_ranges"].items()},
                orientation={g: GroupOrientation.from_dict(o) for g, o in d["orientation"].items()},
                reference_x=np.asarray(d["reference_x"], float).reshape(len(ref["target"]), -1),
                reliability=d.get("reliability", {}),
                card=d.get("card", {}),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidInputError(f"skill model file is incomplete or damaged ({type(e).__name__}: {e})") from None

    def save(self, path: str | Path) -> None:
        write_text(path, json.dumps(self.to_dict(), indent=None, separators=(",", ":"), allow_nan=True) + "\n")


def load_model(path: str | Path | None = None) -> SkillModel:
    """Load a model file; ``None`` loads the default model shipped with stridelab."""
    if path is None:
        try:
            text = resources.files("stridelab.skill").joinpath(f"data/{DEFAULT_MODEL}").read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInputError("the default skill model is missing from this installation; pass --model") from None
    else:
        p = Path(path)
        if not p.is_file():
            raise InvalidInputError(f"skill model not found: {p}")
        text = p.read_text(encoding="utf-8", errors="replace")
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"skill model is not valid JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(d, dict):
        raise InvalidInputError("skill model is not a JSON object")
    return SkillModel.from_dict(d)

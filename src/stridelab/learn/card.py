"""Model cards: what a model was trained on, how it was tested, its error, and what it must not be used for.

After Mitchell M et al. (2019) Model cards for model reporting, FAT* '19: 220. A card is data
(a dict that goes into JSON next to the model), rendered as Markdown for people.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ModelCard:
    """``data``: what the training rows are (source, runners, steps, synthetic or real, ranges);
    ``split``: how the error was measured; ``quality``: the gate's counts; ``errors``: target ->
    :func:`stridelab.learn.evaluate.runner_errors` output (per-runner RMSE, pooled RMSE with its
    95 % interval); ``must_not_use_for``: uses outside what was tested."""

    name: str
    method: str
    targets: list[str]
    data: dict[str, Any]
    split: str
    quality: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)
    comparison: dict[str, Any] = field(default_factory=dict)
    training_range: dict[str, Any] = field(default_factory=dict)
    must_not_use_for: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelCard:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def to_markdown(self) -> str:
        """The card for people: one section per heading, per-runner errors as a table."""
        lines = [f"# Model card: {self.name}", "", f"Method: {self.method}. Targets: {', '.join(self.targets)}.", "", "## Data"]
        lines += [f"- {k}: {v}" for k, v in self.data.items()]
        lines += ["", "## Split", self.split, "", "## Data quality gate"]
        lines += [f"- {k}: {v}" for k, v in self.quality.items() if k != "by_column"]
        lines += ["", "## Error (test runners only)"]
        for t, e in self.errors.items():
            ci = e.get("rmse_ci95", [float("nan")] * 2)
            loa = e.get("loa95", [float("nan")] * 2)
            lines.append(f"- {t}: RMSE {e['rmse']:.3g} (95 % CI {ci[0]:.3g}-{ci[1]:.3g}, runners resampled), bias {e['bias']:.3g}, "
                         f"95 % limits of agreement {loa[0]:.3g} to {loa[1]:.3g}; {e['n_steps']} steps of {e['n_runners']} runners")
            per = e.get("per_runner", [])
            if per:
                lines += ["", "| runner | steps | RMSE [95 % CI] | bias |", "|---|---|---|---|"]
                for r in per:
                    ci_r = r.get("rmse_ci95")
                    ci_txt = f" [{ci_r[0]:.3g}, {ci_r[1]:.3g}]" if ci_r else ""
                    lines.append(f"| {r['runner']} | {r['n']} | {r['rmse']:.3g}{ci_txt} | {r['bias']:.3g} |")
                lines.append("")
        if self.comparison:
            lines += ["", "## Models on the same splits"]
            lines += [f"- {k}: {v}" for k, v in self.comparison.items()]
        lines += ["", "## Training range"] + [f"- {k}: {v}" for k, v in self.training_range.items()]
        lines += ["", "## Must not be used for"] + [f"- {x}" for x in self.must_not_use_for]
        if self.notes:
            lines += ["", "## Notes"] + [f"- {x}" for x in self.notes]
        return "\n".join(lines) + "\n"


__all__ = ["ModelCard"]

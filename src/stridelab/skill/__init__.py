"""Technique skill scores learned from a database of runners (associations, not causes).

Layers (each module one job):

- :mod:`~stridelab.skill.population` the runner population model, :meth:`Population.from_curves`
- :mod:`~stridelab.skill.stridefiles` stride-file folders (``gGGsSStTT.txt`` + ``metadata.tsv``), harmonised
- :mod:`~stridelab.skill.trials` folders of recordings through the stride-curves protocol
- :mod:`~stridelab.skill.synthetic` SYNTHETIC populations with planted effects
- :mod:`~stridelab.skill.quality`, :mod:`~stridelab.skill.features`, :mod:`~stridelab.skill.fpca`
- :mod:`~stridelab.skill.sgl`, :mod:`~stridelab.skill.learn`, :mod:`~stridelab.skill.stability`
- :mod:`~stridelab.skill.groups`, :mod:`~stridelab.skill.groupmodels`, :mod:`~stridelab.skill.reliability`
- :mod:`~stridelab.skill.orientation` (which way each group score points; the skill value)
- :mod:`~stridelab.skill.sessions` (scores of repeated sessions with their MDC95),
  :mod:`~stridelab.skill.fitcache` (fit on a population folder once, reuse)
- :mod:`~stridelab.skill.fit` (fit a model), :mod:`~stridelab.skill.model` (model file + card),
  :mod:`~stridelab.skill.score` (score runners)

Typical use::

    from stridelab.skill import load_population, fit_model, load_model, score_population
    pop = load_population("rbds_strides")
    scores = score_population(load_model(), pop)     # the default model shipped with stridelab
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Population": "stridelab.skill.population:Population",
    "load_population": "stridelab.skill.trials:load_population",
    "load_stride_folder": "stridelab.skill.stridefiles:load_stride_folder",
    "load_trial_folder": "stridelab.skill.trials:load_trial_folder",
    "score_analysis": "stridelab.skill.trials:score_analysis",
    "SyntheticGenerator": "stridelab.skill.synthetic:SyntheticGenerator",
    "PlantedEffects": "stridelab.skill.synthetic:PlantedEffects",
    "FitOptions": "stridelab.skill.fit:FitOptions",
    "fit_model": "stridelab.skill.fit:fit_model",
    "load_model": "stridelab.skill.model:load_model",
    "score_population": "stridelab.skill.score:score_population",
    "compare_scores": "stridelab.skill.reliability:compare_scores",
    "session_scores": "stridelab.skill.sessions:session_scores",
    "fitted_model": "stridelab.skill.fitcache:fitted_model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        mod, attr = _LAZY[name].split(":")
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(name)


__all__ = list(_LAZY)

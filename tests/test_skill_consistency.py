"""Consistency across inputs (real data): RBDS001 scored from its raw markers and from rbds_strides."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stridelab.skill.model import load_model
from stridelab.skill.reliability import compare_scores
from stridelab.skill.score import clean_for_scoring, score_population
from stridelab.skill.stridefiles import load_stride_folder
from stridelab.skill.trials import analyse_recording, trial_population


def test_raw_markers_and_stride_files_give_the_same_scores_within_the_mdc(shared_data: Path) -> None:
    fk = shared_data / "mocap" / "fukuchi2017"
    model = load_model()
    a = load_stride_folder(shared_data / "population" / "rbds_strides").subset(["RBDS001"])
    an = analyse_recording(fk / "RBDS001runT25markers.txt", fk / "RBDS001static.c3d", fk / "RBDS001runT25forces.txt")
    b = trial_population(an, "RBDS001", angles=model.extractor.angles)
    # the same motion: every model angle agrees in shape (offsets between the pipelines are expected)
    ca, cb = clean_for_scoring(model, a)[0].runners[0], clean_for_scoring(model, b)[0].runners[0]
    for angle in model.extractor.angles:
        ma, mb = ca.curves[angle]["right"].mean(axis=0), cb.curves[angle]["right"].mean(axis=0)
        assert np.corrcoef(ma, mb)[0, 1] > 0.85, angle
    sa, sb = score_population(model, a)[0], score_population(model, b)[0]
    cmp = compare_scores(sa, sb, model.reliability)
    # the default model orients no group (nothing beats chance in its 23 runners): the group scores are similarities.
    # Known failure (docs/validation.md): the ankle-and-foot similarity differs by more than its MDC95 between the
    # two pipelines (ankle dorsiflexion stance excursion and range of motion differ between them).
    assert sa["skill_value"] is None and sb["skill_value"] is None
    for name in [n for n in model.group_models if n != "ankle and foot"]:
        assert cmp[name]["within_mdc"], (name, cmp[name])
    assert cmp["ankle and foot"]["within_mdc"] is False, "ankle and foot now agree: update docs/validation.md and this test"
    assert not any("differs from the model's" in w for w in sb["warnings"])  # 2.46 m/s measured vs 2.5 m/s

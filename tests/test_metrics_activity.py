"""Is it running (stridelab.metrics.activity): duty factor and left-right alternation.

Per-step tables here are SYNTHETIC (known contact times); the real-data check runs the analysis
on the first 10 s of the Fukuchi treadmill export, whose sides come from the foot markers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import NotRunningError, NoValidResultError
from stridelab.metrics.activity import check_activity, check_sides, median_duty_factor


def _steps(n: int, step_s: float, contact_s: float, sides: str | None = None) -> pd.DataFrame:
    ic = np.arange(n) * step_s
    side = list(sides) if sides else ["left" if i % 2 == 0 else "right" for i in range(n)]
    side = ["left" if s in ("l", "left") else "right" for s in side]
    return pd.DataFrame({
        "side": side, "ic_s": ic, "to_s": ic + contact_s,
        "stride_time_ms": 2000 * step_s, "duty_factor": contact_s / (2 * step_s), "stride_length_m": 2.4,
    })


def test_walking_is_refused_from_the_duty_factor() -> None:
    check_activity(_steps(20, 0.35, 0.25))  # running: duty factor 0.36
    with pytest.raises(NotRunningError, match="duty factor 0.59"):
        check_activity(_steps(20, 0.55, 0.65))  # walking: 0.59
    assert median_duty_factor(_steps(3, 0.55, 0.65).iloc[:0])[1] == 0
    check_activity(_steps(3, 0.55, 0.65))  # too few strides to judge


def test_sides_must_alternate() -> None:
    ok = _steps(20, 0.35, 0.25)
    assert check_sides(ok) is None
    runs = _steps(14, 0.35, 0.25, "rrrrrrrlllllll".replace("r", "r"))
    with pytest.raises(NoValidResultError, match="left and right cannot be told apart"):
        check_sides(runs)
    few = _steps(20, 0.35, 0.25)
    few.loc[7, "side"] = few.loc[6, "side"]
    w = check_sides(few)
    assert w is not None and "left out" in w
    assert few.loc[[6, 7, 8], "duty_factor"].isna().all() and few.loc[[5, 9], "duty_factor"].notna().all()  # 6-7-8 all left
    gaps = _steps(10, 0.35, 0.25).iloc[::2].reset_index(drop=True)  # overground: every other contact missed
    assert check_sides(gaps) is None


def test_real_treadmill_running_passes(fukuchi: Path, tmp_path: Path) -> None:
    from stridelab.analysis import analyze
    from stridelab.io import read_trial

    paths = {}
    for key, name, rows in (("m", "RBDS001runT25markers.txt", 1500), ("f", "RBDS001runT25forces.txt", 3000)):
        with open(fukuchi / name) as fh:
            (tmp_path / name).write_text("".join(next(fh) for _ in range(rows + 1)))
        paths[key] = tmp_path / name
    a = analyze(read_trial(paths["m"], forces=paths["f"]))
    assert 0.3 < a.summary["duty_factor"] < 0.45
    assert not any("alternation" in w for w in a.warnings)


def test_contacts_that_cannot_be_running_feet() -> None:
    spikes = _steps(20, 0.35, 0.04)
    spikes["gct_ms"] = 40.0
    with pytest.raises(NoValidResultError, match="shorter than any running foot"):
        check_activity(spikes)
    sparse = _steps(20, 0.35, 0.25)
    sparse["gct_ms"], sparse["cadence_spm"] = 250.0, 60.0
    with pytest.raises(NoValidResultError, match="contacts were missed"):
        check_activity(sparse)

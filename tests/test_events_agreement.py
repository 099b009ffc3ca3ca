import numpy as np
import pandas as pd
import pytest

from stridelab.events.agreement import agreement, match_contacts
from stridelab.model.tables import contact_table


def test_pairs_nearest_same_side_contact_within_tolerance() -> None:
    ref = contact_table([
        {"side": "left", "ic_s": 1.00, "to_s": 1.25, "source": "forces"},
        {"side": "right", "ic_s": 1.35, "to_s": 1.60, "source": "forces"},
        {"side": "left", "ic_s": 1.70, "to_s": 1.95, "source": "forces"},
    ])
    est = contact_table([
        {"side": "left", "ic_s": 1.004, "to_s": 1.248, "source": "markers"},
        {"side": "right", "ic_s": 1.30, "to_s": 1.62, "source": "markers"},  # 50 ms off: outside 20 ms
        {"side": "right", "ic_s": 1.702, "to_s": 1.95, "source": "markers"},  # wrong side for the third
    ])
    m = match_contacts(ref, est, tol_s=0.02)
    assert list(m["side"]) == ["left"]
    assert m["ic_err_ms"].iloc[0] == pytest.approx(4.0) and m["to_err_ms"].iloc[0] == pytest.approx(-2.0)
    assert m["gct_err_ms"].iloc[0] == pytest.approx(-6.0)
    assert len(match_contacts(ref, est.iloc[:0], 0.02)) == 0


def test_bland_altman_summary() -> None:
    e = np.array([1.0, -1.0, 3.0, -3.0])
    a = agreement(pd.Series(e))
    sd = float(np.std(e, ddof=1))
    assert a.n == 4 and a.mean_ms == 0.0 and a.sd_ms == pytest.approx(sd)
    assert (a.loa_low_ms, a.loa_high_ms) == pytest.approx((-1.96 * sd, 1.96 * sd))
    assert a.mae_ms == 2.0 and a.rmse_ms == pytest.approx(np.sqrt(5.0))
    assert agreement(np.array([])).n == 0 and agreement(np.array([])).text() == "-"

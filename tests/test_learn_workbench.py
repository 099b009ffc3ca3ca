"""The runner-wise workbench: no runner on both sides, reported error = test error, the quality gate."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from stridelab.learn.dataset import StepDataset
from stridelab.learn.evaluate import cross_validate, learning_curve, permutation_baseline, rmse, runner_errors
from stridelab.learn.quality import quality_gate
from stridelab.learn.splits import RunnerLeakError, check_disjoint, runner_folds, validation_split


def _toy(n_runners: int = 8, per: int = 30, seed: int = 0) -> StepDataset:
    """Synthetic steps: y = 2 x + a runner offset + noise (labelled synthetic; no real data)."""
    rng = np.random.default_rng(seed)
    g = np.repeat([f"R{i:02d}" for i in range(n_runners)], per)
    x = rng.normal(size=g.size)
    off = np.repeat(rng.normal(0, 0.5, n_runners), per)
    y = 2 * x + off + rng.normal(0, 0.1, g.size)
    return StepDataset(pd.DataFrame({"x": x, "row": np.arange(g.size, dtype=float)}), pd.DataFrame({"y": y}), g)


class Spy:
    """A 1-nearest-neighbour model that records which rows it was trained and validated on."""

    seen: list[set[int]] = []
    uses_validation = True

    def __init__(self, params: dict[str, Any]) -> None:
        self.k = params.get("k", 1)

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> Spy:
        rows = set(train.X["row"].astype(int).tolist()) | (set(val.X["row"].astype(int).tolist()) if val is not None else set())
        Spy.seen.append(rows)
        self.x_, self.y_ = train.X["x"].to_numpy(), train.y.to_numpy(float)
        return self

    def predict(self, ds: StepDataset) -> np.ndarray:
        j = np.abs(ds.X["x"].to_numpy()[:, None] - self.x_[None, :]).argmin(axis=1)
        return self.y_[j]


class NoValSpy(Spy):
    uses_validation = False


def test_check_disjoint_fails_when_a_runner_is_on_both_sides() -> None:
    g = np.array(["a", "a", "b", "b"])
    check_disjoint(g, np.array([0, 1]), np.array([2, 3]))
    with pytest.raises(RunnerLeakError, match="a"):
        check_disjoint(g, np.array([0, 2]), np.array([1, 3]))


@pytest.mark.parametrize("n_splits", [None, 3])
def test_folds_never_put_a_runner_on_both_sides(n_splits: int | None) -> None:
    ds = _toy()
    folds = runner_folds(ds.groups, n_splits)
    assert len(folds) == (8 if n_splits is None else 3)
    tested = np.concatenate([te for _, te in folds])
    assert sorted(tested.tolist()) == list(range(len(ds)))  # every row tested exactly once
    for tr, te in folds:
        assert not set(ds.groups[tr]) & set(ds.groups[te])
    fit, val = validation_split(ds.groups, np.arange(len(ds)), 0.25)
    assert not set(ds.groups[fit]) & set(ds.groups[val]) and len(val)


def test_no_model_ever_sees_a_runner_it_is_tested_on() -> None:
    """Outer fits, inner hyperparameter fits and early-stopping validation sets all stay off the test runners."""
    ds = _toy()
    Spy.seen = []
    res = cross_validate(ds, Spy, [{"k": 1}, {"k": 2}], n_splits=4, inner_splits=3)
    per_fold = 2 * 3 + 1  # two settings x three inner folds, then the refit on the whole training side
    assert len(Spy.seen) == per_fold * len(res.folds)
    for k, (train, test) in enumerate(res.folds):
        assert not set(ds.groups[train]) & set(ds.groups[test])
        test_runners = set(ds.groups[test])
        for rows in Spy.seen[k * per_fold : (k + 1) * per_fold]:
            assert not set(ds.groups[sorted(rows)]) & test_runners


def test_reported_error_is_the_test_error_not_the_training_error() -> None:
    """A 1-NN model memorises its training steps (training error 0); the runner offsets make it err on new runners."""
    ds = _toy()
    res = cross_validate(ds, NoValSpy, [{}], n_splits=4)
    assert max(res.train_rmse_) < 0.05 * min(res.test_rmse_)  # memorised training data
    expected = rmse(ds.y["y"].to_numpy(), res.pred[:, 0])
    assert res.rmse("y") == pytest.approx(expected)
    assert res.rmse("y") > 0.2  # what a new runner sees: the offsets of ~0.5
    # every prediction of a test row comes from the fold that tested it
    assert np.isfinite(res.pred).all()
    err = runner_errors(res.y[:, 0], res.pred[:, 0], res.groups, n_boot=200)
    assert err["rmse"] == pytest.approx(expected)
    assert err["rmse_ci95"][0] <= err["rmse"] <= err["rmse_ci95"][1]
    assert err["n_runners"] == 8 and sum(r["n"] for r in err["per_runner"]) == len(ds)
    for r in err["per_runner"]:
        assert r["rmse_ci95"][0] <= r["rmse"] <= r["rmse_ci95"][1]


class Linear:
    uses_validation = False

    def __init__(self, params: dict[str, Any]) -> None:
        pass

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> Linear:
        x, y = train.X["x"].to_numpy(), train.y["y"].to_numpy()
        self.b_ = np.polyfit(x, y, 1)
        return self

    def predict(self, ds: StepDataset) -> np.ndarray:
        return np.polyval(self.b_, ds.X["x"].to_numpy())[:, None]


def test_permutation_baseline_and_learning_curve() -> None:
    ds = _toy()
    perm = permutation_baseline(ds, Linear, {}, n_perm=5, n_splits=4)
    assert perm["rmse"] < 0.5 * perm["permuted_rmse_min"]
    assert perm["p_value"] == pytest.approx(1 / 6)
    lc = learning_curve(ds, Linear, {}, sizes=[2, 4, 6], n_splits=4, repeats=2)
    assert list(lc["n_runners"]) == [2, 4, 6]
    assert (lc["test_rmse"] > 0).all()


def test_quality_gate_counts_gaps_implausible_and_outliers() -> None:
    ds = _toy()
    x = ds.X.copy()
    y = ds.y.copy()
    x.loc[3, "x"] = np.nan  # a gap
    y.loc[5, "y"] = 1e6  # implausible
    x.loc[40, "x"] = 50.0  # an outlier within its runner
    bad = StepDataset(x, y, ds.groups)
    clean, rep = quality_gate(bad, ranges={"y": (-100, 100)})
    assert (rep.gaps, rep.implausible, rep.outliers) == (1, 1, 1)
    assert rep.n_out == len(ds) - 3 == len(clean)
    assert rep.by_column["x"]["gaps"] == 1 and rep.by_column["y"]["implausible"] == 1


def test_dataset_round_trip(tmp_path: Any) -> None:
    ds = _toy(3, 5)
    ds.windows = np.zeros((len(ds), 2, 4))
    ds.save(tmp_path / "d")
    back = StepDataset.load(tmp_path / "d")
    assert back.runners == ds.runners and back.windows is not None and back.windows.shape == (15, 2, 4)
    pd.testing.assert_frame_equal(back.X, ds.X)


def test_model_card_round_trip_and_markdown() -> None:
    from stridelab.learn.card import ModelCard

    ds = _toy()
    res = cross_validate(ds, Linear, [{}], n_splits=4)
    err = runner_errors(res.y[:, 0], res.pred[:, 0], res.groups, n_boot=100)
    card = ModelCard("toy", "linear", ["y"], {"source": "synthetic toy"}, "4-fold runner-wise", errors={"y": err},
                     must_not_use_for=["anything real"])
    back = ModelCard.from_dict(card.to_dict())
    md = back.to_markdown()
    assert "anything real" in md and "| R00 |" in md and f"{err['rmse']:.3g}" in md

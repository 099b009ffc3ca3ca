"""Models that predict a step's vertical force from IMU step features, and the shipped one.

* :class:`MorinBaseline` (``method="morin2005"``): the physics baseline, no fitted parameter
  (:mod:`stridelab.loading.physics`).
* :class:`LinearGrf` (``method="ridge"``): ridge regression (Hoerl AE & Kennard RW 1970,
  Technometrics 12:55) on standardised step features (:mod:`stridelab.loading.features`), one
  linear map to the peak force, the loading rate and the 51-sample force curve over stance.
  Small enough to ship as JSON (``stridelab/loading/data/grf_models.json``) and to apply with
  numpy alone. ``stridelab analyze`` uses it for the shank on the **timing features** only
  (contact, flight and step time, duty factor, Morin peak): the variants that read the signal were
  better on virtual sensors but did not carry over to a real sensor (``docs/validation.md``). The
  sacrum's shipped model reads the contact's acceleration waveform through a few principal
  components (:class:`stridelab.loading.waveform.PcaRidgeGrf`, which wraps this class).
* :class:`GbmGrf` (``method="hist_gradient_boosting"``): gradient-boosted trees (scikit-learn's
  histogram boosting; Ke G et al. 2017, NeurIPS, LightGBM), one per target; the number of trees
  is chosen by early stopping on the loss of held-out *validation runners*.

All follow :class:`stridelab.learn.evaluate.Model` (``fit(train, val)``, ``predict``); fitted
attributes end in ``_``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import numpy as np

from stridelab.learn.dataset import StepDataset
from stridelab.loading.physics import morin_predict

MODEL_FILE = "grf_models.json"


class MorinBaseline:
    """Peak force and loading rate of the Morin et al. (2005) sinusoid; ignores its training data."""

    method = "morin2005"
    uses_validation = False

    def __init__(self, targets: tuple[str, ...] = ("peak_vgrf_bw", "vlr_avg_bw_s")) -> None:
        self.targets = targets

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> MorinBaseline:
        return self

    def predict(self, ds: StepDataset) -> np.ndarray:
        m = morin_predict(ds.X["gct_s"].to_numpy(float), ds.X["flight_s"].to_numpy(float))
        return np.column_stack([m[t] for t in self.targets])

    def predict_curve(self, ds: StepDataset) -> np.ndarray:
        return morin_predict(ds.X["gct_s"].to_numpy(float), ds.X["flight_s"].to_numpy(float))["curve_bw"]


class LinearGrf:
    """Ridge regression of the targets (and the force curve, when the data have curves) on features.

    ``alpha``: the ridge penalty on standardised features (chosen by nested cross-validation)."""

    method = "ridge"
    uses_validation = False

    def __init__(self, alpha: float = 1.0, features: list[str] | None = None) -> None:
        self.alpha = float(alpha)
        self.features = features

    def get_params(self) -> dict[str, Any]:
        return {"alpha": self.alpha}

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> LinearGrf:
        cols = self.features or list(train.X.columns)
        x = train.X[cols].to_numpy(float)
        ys = [train.y.to_numpy(float)]
        if train.curves is not None:
            ys.append(train.curves)
        y = np.column_stack(ys)
        self.features_ = cols
        self.targets_ = list(train.y.columns)
        self.mean_ = x.mean(axis=0)
        sd = x.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        z = (x - self.mean_) / self.scale_
        self.intercept_ = y.mean(axis=0)
        a = z.T @ z + self.alpha * np.eye(z.shape[1])
        self.coef_ = np.linalg.solve(a, z.T @ (y - self.intercept_))
        return self

    def _raw(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(((x - self.mean_) / self.scale_) @ self.coef_ + self.intercept_)

    def predict(self, ds: StepDataset) -> np.ndarray:
        return self._raw(ds.X[self.features_].to_numpy(float))[:, : len(self.targets_)]

    def predict_curve(self, ds: StepDataset) -> np.ndarray:
        out = self._raw(ds.X[self.features_].to_numpy(float))
        return out[:, len(self.targets_):]

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "alpha": self.alpha, "features": self.features_, "targets": self.targets_,
                "mean": self.mean_.tolist(), "scale": self.scale_.tolist(), "intercept": self.intercept_.tolist(),
                "coef": self.coef_.tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearGrf:
        m = cls(float(d["alpha"]), list(d["features"]))
        m.features_, m.targets_ = list(d["features"]), list(d["targets"])
        m.mean_, m.scale_ = np.asarray(d["mean"], float), np.asarray(d["scale"], float)
        m.intercept_, m.coef_ = np.asarray(d["intercept"], float), np.asarray(d["coef"], float)
        return m


class GbmGrf:
    """Histogram gradient boosting per target; trees chosen by early stopping on validation runners."""

    method = "hist_gradient_boosting"
    uses_validation = True

    def __init__(self, learning_rate: float = 0.1, max_leaf_nodes: int = 15, max_iter: int = 120, seed: int = 0) -> None:
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.max_iter = max_iter
        self.seed = seed

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> GbmGrf:
        from sklearn.ensemble import HistGradientBoostingRegressor

        x = train.X.to_numpy(float)
        self.models_ = []
        self.n_iter_ = []
        for j in range(train.y.shape[1]):
            y = train.y.to_numpy(float)[:, j]
            kw = {"learning_rate": self.learning_rate, "max_leaf_nodes": self.max_leaf_nodes, "early_stopping": False, "random_state": self.seed}
            m = HistGradientBoostingRegressor(max_iter=self.max_iter, **kw).fit(x, y)
            best = self.max_iter
            if val is not None and len(val):
                yv = val.y.to_numpy(float)[:, j]
                losses = [float(np.mean((p - yv) ** 2)) for p in m.staged_predict(val.X.to_numpy(float))]
                best = int(np.argmin(losses)) + 1
                m = HistGradientBoostingRegressor(max_iter=best, **kw).fit(x, y)
            self.models_.append(m)
            self.n_iter_.append(best)
        return self

    def predict(self, ds: StepDataset) -> np.ndarray:
        x = ds.X.to_numpy(float)
        return np.column_stack([m.predict(x) for m in self.models_])


class TargetSplitGrf:
    """Peak force (and the force curve) from one fitted model, loading rate from another.

    Used when, by the rule of ``validation/loading_sacrum.py``, a simpler model is not worse for the
    loading rate than the model chosen for peak force: each target comes from the simplest model
    that is not worse for it. ``features_``: the columns either model reads."""

    method = "split_targets"

    def __init__(self, peak_model: Any, vlr_model: Any) -> None:
        self.peak_model = peak_model
        self.vlr_model = vlr_model
        self.targets_ = list(peak_model.targets_)
        self.features_ = list(peak_model.features_) + [f for f in vlr_model.features_ if f not in peak_model.features_]

    def predict(self, ds: StepDataset) -> np.ndarray:
        p = np.array(self.peak_model.predict(ds), dtype=float)
        j = self.targets_.index("vlr_avg_bw_s")
        p[:, j] = np.asarray(self.vlr_model.predict(ds), dtype=float)[:, list(self.vlr_model.targets_).index("vlr_avg_bw_s")]
        return p

    def predict_curve(self, ds: StepDataset) -> np.ndarray:
        return np.asarray(self.peak_model.predict_curve(ds))


def load_shipped() -> dict[str, Any]:
    """The shipped models and their cards (``stridelab/loading/data/grf_models.json``), read offline."""
    text = resources.files("stridelab.loading").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return dict(json.loads(text))


__all__ = ["GbmGrf", "LinearGrf", "MODEL_FILE", "MorinBaseline", "TargetSplitGrf", "load_shipped"]

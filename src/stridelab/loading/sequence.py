"""A small sequence model on the raw IMU window of each step (needs torch; optional).

``method="cnn1d"``: a 1-D convolutional network (two convolutions of 16 filters, width 5, ReLU,
average pooling to 8 samples, then a hidden layer of 32) reads the step's window
(:func:`stridelab.loading.features.step_windows`: the low-passed channels from 10 % of contact
before IC to 10 % after toe-off, 48 samples) together with contact and flight time, and predicts
the standardised peak force and loading rate. In the spirit of the convolutional and recurrent
GRF models of the literature (e.g. Alcantara et al. 2022 PeerJ 10:e12752, an LSTM), kept small
because 20 runners are few. Adam (lr 1e-3, weight decay 1e-4), mini-batches of 64, at most
``epochs`` epochs, **early stopping on the loss of the validation runners** (patience
``patience`` epochs; the weights of the best epoch are kept). Two CPU threads.

torch is imported only here, so ``stridelab analyze`` never needs it. The product ships a linear
model (:mod:`stridelab.loading.model`): on the same runner-wise folds of virtual sensors the CNN
was no better than ridge on the sacrum (0.174 vs 0.165 BW) and only slightly better on the shank
(0.131 vs 0.140 BW); on the real sacral sensor it was the worst candidate (0.32 BW end to end vs
0.215 for the shipped waveform ridge; ``docs/validation.md``, "Loading from wearables").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stridelab.learn.dataset import StepDataset

SCALARS = ("gct_s", "flight_s")


class SequenceGrf:
    """1-D CNN on step windows (module docstring); fitted attributes end in ``_``."""

    method = "cnn1d"
    uses_validation = True

    def __init__(self, epochs: int = 80, patience: int = 10, lr: float = 1e-3, seed: int = 0, threads: int = 2) -> None:
        self.epochs, self.patience, self.lr, self.seed, self.threads = epochs, patience, lr, seed, threads

    def _inputs(self, ds: StepDataset) -> tuple[np.ndarray, np.ndarray]:
        assert ds.windows is not None, "the sequence model needs windows"
        w = (ds.windows - self.w_mean_[None, :, None]) / self.w_sd_[None, :, None]
        s = (ds.X[list(SCALARS)].to_numpy(float) - self.s_mean_) / self.s_sd_
        return np.nan_to_num(w).astype(np.float32), np.nan_to_num(s).astype(np.float32)

    def fit(self, train: StepDataset, val: StepDataset | None = None) -> SequenceGrf:
        import torch
        from torch import nn

        torch.set_num_threads(self.threads)
        torch.manual_seed(self.seed)
        assert train.windows is not None
        self.w_mean_ = np.nanmean(train.windows, axis=(0, 2))
        self.w_sd_ = np.nanstd(train.windows, axis=(0, 2)) + 1e-9
        sx = train.X[list(SCALARS)].to_numpy(float)
        self.s_mean_, self.s_sd_ = sx.mean(axis=0), sx.std(axis=0) + 1e-9
        y = train.y.to_numpy(float)
        self.y_mean_, self.y_sd_ = y.mean(axis=0), y.std(axis=0) + 1e-9
        ch = train.windows.shape[1]

        class Net(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.conv = nn.Sequential(nn.Conv1d(ch, 16, 5, padding=2), nn.ReLU(), nn.Conv1d(16, 16, 5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(8))
                self.head = nn.Sequential(nn.Linear(16 * 8 + len(SCALARS), 32), nn.ReLU(), nn.Linear(32, y.shape[1]))

            def forward(self, w: Any, s: Any) -> Any:
                return self.head(torch.cat([self.conv(w).flatten(1), s], dim=1))

        net = Net()
        opt = torch.optim.Adam(net.parameters(), lr=self.lr, weight_decay=1e-4)
        w_tr, s_tr = (torch.from_numpy(a) for a in self._inputs(train))
        y_tr = torch.from_numpy(((y - self.y_mean_) / self.y_sd_).astype(np.float32))
        val_t = None
        if val is not None and len(val):
            wv, sv = (torch.from_numpy(a) for a in self._inputs(val))
            yv = torch.from_numpy(((val.y.to_numpy(float) - self.y_mean_) / self.y_sd_).astype(np.float32))
            val_t = (wv, sv, yv)
        gen = torch.Generator().manual_seed(self.seed)
        best, best_state, wait = np.inf, None, 0
        self.history_: list[tuple[float, float]] = []
        for _ in range(self.epochs):
            net.train()
            perm = torch.randperm(len(y_tr), generator=gen)
            tot = 0.0
            for i in range(0, len(perm), 64):
                b = perm[i: i + 64]
                opt.zero_grad()
                loss = ((net(w_tr[b], s_tr[b]) - y_tr[b]) ** 2).mean()
                loss.backward()
                opt.step()
                tot += float(loss.detach()) * len(b)
            vloss = float("nan")
            if val_t is not None:
                net.eval()
                with torch.no_grad():
                    vloss = float(((net(val_t[0], val_t[1]) - val_t[2]) ** 2).mean())
            self.history_.append((tot / len(perm), vloss))
            if val_t is None:
                continue
            if vloss < best - 1e-4:
                best, wait = vloss, 0
                best_state = {k: v.clone() for k, v in net.state_dict().items()}
            else:
                wait += 1
                if wait >= self.patience:
                    break
        if best_state is not None:
            net.load_state_dict(best_state)
        self.best_epoch_ = int(np.nanargmin([h[1] for h in self.history_])) + 1 if val_t is not None else len(self.history_)
        self.net_ = net.eval()
        return self

    def predict(self, ds: StepDataset) -> np.ndarray:
        import torch

        w, s = self._inputs(ds)
        with torch.no_grad():
            out = self.net_(torch.from_numpy(w), torch.from_numpy(s)).numpy()
        return np.asarray(out * self.y_sd_ + self.y_mean_)


__all__ = ["SequenceGrf"]

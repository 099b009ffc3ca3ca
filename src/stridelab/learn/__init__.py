"""A runner-wise machine-learning workbench, for any model that learns from steps or strides.

The one rule it enforces: **a runner is on one side of every split**. Steps of one runner are
alike, so a model tested on strides of runners it was trained on reports an error that no new
runner will see.

* :mod:`stridelab.learn.dataset`: :class:`StepDataset` (features, targets, runner id per row);
* :mod:`stridelab.learn.splits`: leave-one-runner-out / GroupKFold splits and the leakage check;
* :mod:`stridelab.learn.quality`: the data-quality gate (gaps, implausible values, outliers, counted);
* :mod:`stridelab.learn.evaluate`: nested cross-validation (hyperparameters chosen inside the
  training runners), per-runner errors with bootstrap intervals, the permutation baseline and
  learning curves against the number of training runners;
* :mod:`stridelab.learn.card`: the model card.
"""

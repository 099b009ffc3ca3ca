"""Vertical ground reaction force predicted from wearable IMUs (sacrum, shank), per step.

* :mod:`stridelab.loading.features`: step features and raw windows from an aligned sensor;
* :mod:`stridelab.loading.physics`: the Morin et al. (2005) sinusoid from contact and flight time;
* :mod:`stridelab.loading.model`: the shipped linear model (JSON, loads offline) and its fitting;
* :mod:`stridelab.loading.waveform`: the sacral contact waveform and the principal-component ridge
  shipped for the sacrum;
* :mod:`stridelab.loading.virtual`: the training set from virtual IMUs of the Fukuchi runners;
* :mod:`stridelab.loading.stage`: the analysis stage that adds predicted loading to IMU analyses.

Predicted values are predictions, not measurements: every output carries the model's name and
its runner-wise error (``docs/validation.md``, "Loading from wearables").
"""

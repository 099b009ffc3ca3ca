"""Batch analysis: a folder (or list) of recordings analysed unattended, locally or on a Dask cluster.

The flow (``stridelab batch``):

1. :mod:`stridelab.batch.discover` finds the trials and pairs each motion-capture trial with its
   static and force files by the labs' naming conventions, or reads a manifest CSV;
2. :mod:`stridelab.batch.runner` analyses every trial whose result is not cached yet, in local
   processes or on a Dask ``distributed`` cluster, with one function
   (:func:`stridelab.batch.worker.run_job`);
3. :mod:`stridelab.batch.tables` gathers the cached per-trial results into the output folder:
   per-trial JSON, ``trials.parquet``, ``contacts.parquet``, ``steps.parquet``, ``cycles.parquet``,
   ``failures.csv``, ``trials.tsv`` (a population manifest for ``stridelab skill fit``) and
   ``batch.json``.

:func:`run_batch` is the Python entry point of the whole flow.
"""

from __future__ import annotations

from stridelab.batch.jobs import BatchOptions, Job

__all__ = ["BatchOptions", "Job", "run_batch"]


def __getattr__(name: str) -> object:
    if name == "run_batch":
        from stridelab.batch.runner import run_batch

        return run_batch
    raise AttributeError(f"module 'stridelab.batch' has no attribute {name!r}")

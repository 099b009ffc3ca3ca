"""Run small-matrix linear algebra on one BLAS thread (faster, and polite on shared machines)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Limit BLAS/OpenMP pools to one thread (``threadpoolctl``, a core dependency: never a no-op)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield

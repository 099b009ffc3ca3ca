"""The stridelab service: an authenticated REST API and a web dashboard over the runner's record.

    from stridelab.service import ServiceConfig, create_app
    app = create_app(ServiceConfig(db="record.sqlite"))     # a FastAPI application; ``stridelab serve`` runs it

The service is a thin layer: every route calls the functions the command line uses
(:mod:`stridelab.store`, :mod:`stridelab.store.importer`, :mod:`stridelab.history`,
:mod:`stridelab.report.record`) and adds no analysis of its own.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:  # lazy: the child processes of the service import only what they run
    if name == "create_app":
        from stridelab.service.app import create_app

        return create_app
    if name == "ServiceConfig":
        from stridelab.service.config import ServiceConfig

        return ServiceConfig
    raise AttributeError(name)


__all__ = ["ServiceConfig", "create_app"]

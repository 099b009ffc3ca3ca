"""The service on the command line: ``stridelab serve`` and ``stridelab token create|revoke|grant``.

The commands only parse options; tokens and grants are :mod:`stridelab.store.access`, the
application is :mod:`stridelab.service`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stridelab.cli.main import app, handle_errors
from stridelab.cli.record import DbOption, ThresholdsOption

token_app = typer.Typer(name="token", help="API tokens of the service: create, revoke, grant runners.", no_args_is_help=True)
app.add_typer(token_app, name="token")

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@app.command("serve")
@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    db: DbOption = None,
    upload_dir: Annotated[Path | None, typer.Option("--upload-dir", help="Where uploads are kept under their SHA-256 (default: a per-user temp folder).")] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest request body (MB).", min=0.001)] = 512.0,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second per token (average).", min=0.01)] = 20.0,
    burst: Annotated[int, typer.Option("--burst", help="Requests per token at once.", min=1)] = 60,
    workers: Annotated[int | None, typer.Option("--workers", help="Analyses at once (child processes).", min=1)] = None,
    parse_timeout_s: Annotated[float, typer.Option("--parse-timeout-s", help="Wall-time limit of one upload's analysis.", min=1)] = 600.0,
    parse_memory_mb: Annotated[int, typer.Option("--parse-memory-mb", help="Address-space limit of the analysis process.", min=256)] = 4096,
    thresholds: ThresholdsOption = None,
) -> None:
    """Run the REST API and web dashboard (FastAPI under uvicorn): OpenAPI at /openapi.json, docs at /docs."""
    import logging

    from stridelab.cli.main import existing

    existing(thresholds, "thresholds file")

    import uvicorn

    from stridelab.service import ServiceConfig, create_app

    cfg = ServiceConfig(db=db, max_upload_bytes=int(max_upload_mb * 1024 * 1024), rate_per_s=rate, burst=burst,
                        parse_timeout_s=parse_timeout_s, parse_memory_bytes=parse_memory_mb * 1024 * 1024, thresholds=thresholds)
    if upload_dir is not None:
        cfg.upload_dir = upload_dir
    if workers is not None:
        cfg.workers = workers
    if host not in LOOPBACK:
        typer.echo(f"warning: listening on {host}, not only this machine; put TLS in front of it (tokens travel in headers)", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    service = create_app(cfg)
    typer.echo(f"stridelab service on http://{host}:{port}/ (record: {service.state.store.where})", err=True)
    uvicorn.run(service, host=host, port=port, access_log=False, log_level="warning")


@token_app.command("create")
@handle_errors
def token_create(
    user: Annotated[str, typer.Option("--user", help="Who the token is for (a coach's name, or a runner's id).")],
    role: Annotated[str, typer.Option("--role", help="admin | coach | runner.")],
    db: DbOption = None,
) -> None:
    """Create an API token and print it once (only its SHA-256 is stored)."""
    from stridelab.store import Store
    from stridelab.store.access import create_token

    with Store(db) as store:
        typer.echo(create_token(store, user, role))


@token_app.command("revoke")
@handle_errors
def token_revoke(
    token: Annotated[str | None, typer.Argument(help="The token to revoke.", show_default=False)] = None,
    user: Annotated[str | None, typer.Option("--user", help="Revoke every token of this user.")] = None,
    db: DbOption = None,
) -> None:
    """Revoke a token (or all tokens of a user); requests with it get 401 from then on."""
    from stridelab.errors import InvalidInputError
    from stridelab.store import Store
    from stridelab.store.access import revoke

    with Store(db, create=False) as store:
        n = revoke(store, token=token, user=user)
    if n == 0:
        raise InvalidInputError("no such active token")
    typer.echo(f"revoked {n} token{'s' if n != 1 else ''}")


@token_app.command("grant")
@handle_errors
def token_grant(
    runner: Annotated[str, typer.Option("--runner", help="The runner's id.")],
    user: Annotated[str, typer.Option("--user", help="The coach (or runner) who gets access.")],
    owner: Annotated[str, typer.Option("--owner", help="The runner's owner (the coach who created it; empty: the shared record).")] = "",
    db: DbOption = None,
) -> None:
    """Give a user access to a runner they did not create."""
    from stridelab.store import Store
    from stridelab.store.access import grant

    with Store(db, create=False) as store:
        grant(store, runner, user, owner)
    typer.echo(f"{user} may now see runner {runner}")

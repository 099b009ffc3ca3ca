"""The typer application of the ``stridelab`` command line: the ``app`` every command registers
with, its one-line error handling (:func:`handle_errors`, :func:`fail`) and ``--version``.

A module of its own so that the hot path (``stridelab analyze`` with ordinary arguments, parsed by
:mod:`stridelab.cli.fast`) does not import typer at all (issue 12); :mod:`stridelab.cli.main` gives
these names on first use, so ``from stridelab.cli.main import app, handle_errors`` still works.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

from stridelab.cli.failures import describe
from stridelab.errors import StridelabError

app = typer.Typer(
    name="stridelab",
    help="Objective running-biomechanics metrics from motion capture, force plates, wearables and video.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> None:
    message = " ".join(str(message).split())  # one line, whatever a library put in the message
    typer.echo(f"stridelab: error: {message}", err=True)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Turn stridelab errors into one line and an exit code; hide tracebacks of bugs."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except (StridelabError, KeyboardInterrupt, MemoryError) as e:
            fail(*describe(e))
        except Exception as e:  # noqa: BLE001 - damaged data (DATA_ERRORS, exit 4) or a bug (exit 1); one line unless debugging
            if os.environ.get("STRIDELAB_DEBUG"):
                raise
            fail(*describe(e))

    return wrapper  # type: ignore[return-value]


def _print_version(value: bool) -> None:
    if value:
        from stridelab._version import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True)
    ] = False,
) -> None:
    pass


def path_arg(help_: str) -> Any:
    return typer.Argument(..., help=help_, show_default=False)

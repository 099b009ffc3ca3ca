"""The light parser of ``stridelab analyze``: the hot path of a CLI run, without typer's adapters.

typer coerces every parameter through a pydantic ``TypeAdapter``, so a typer command imports
pydantic (about a quarter of a second of CPU) before any work is done. A plain ``analyze`` call is
parsed here with :mod:`argparse` instead, from :data:`OPTIONS` (a test keeps it equal to the typer
command's parameters), and runs :func:`stridelab.cli.analyze_run.run_analyze` directly.

Anything unusual (``--help``, an unknown or repeated positional, a number that is not a plain
decimal, an empty path) returns ``None``: the caller then hands the arguments to typer, so help
texts and usage errors stay exactly typer's.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

#: (option, parameter name, kind): kind is "path", "str", "float", "list" (repeatable) or "flag".
OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--forces", "forces", "path"),
    ("--static", "static", "path"),
    ("--events-from", "events_from", "str"),
    ("--events-method", "events_method", "str"),
    ("--param", "param", "list"),
    ("--speed-mps", "speed_mps", "float"),
    ("--mass-kg", "mass_kg", "float"),
    ("--height-m", "height_m", "float"),
    ("--leg-length-m", "leg_length_m", "float"),
    ("--start-s", "start_s", "float"),
    ("--end-s", "end_s", "float"),
    ("--markerset", "markerset", "path"),
    ("--json", "json_out", "path"),
    ("--csv", "csv_out", "path"),
    ("--report", "report_out", "path"),
    ("--video-out", "video_out", "path"),
    ("--units", "units", "str"),
    ("--vertical-axis", "vertical_axis", "str"),
    ("--forward-axis", "forward_axis", "str"),
    ("--rate-hz", "rate_hz", "float"),
    ("--forces-rate-hz", "forces_rate_hz", "float"),
    ("--environment", "environment", "str"),
    ("--location", "location", "str"),
    ("--quiet", "quiet", "flag"),
)

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class _Unusual(Exception):
    """The arguments need typer (help, a usage error, an unusual value)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Unusual(message)


def _number(text: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise _Unusual(text)
    return float(text)


def _path(text: str) -> Path:
    if not text:
        raise _Unusual(text)
    return Path(text)


_TYPES: dict[str, Callable[[str], Any]] = {"path": _path, "float": _number, "str": str}


def _parser() -> _Parser:
    p = _Parser(prog="stridelab analyze", add_help=False, allow_abbrev=False)
    p.add_argument("trial", type=_path)
    for option, name, kind in OPTIONS:
        flags = [option, "-q"] if option == "--quiet" else [option]
        if kind == "flag":
            p.add_argument(*flags, dest=name, action="store_true")
        elif kind == "list":
            p.add_argument(*flags, dest=name, action="append", default=[])
        else:
            p.add_argument(*flags, dest=name, type=_TYPES[kind])
    return p


def parse_analyze(args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments of :func:`~stridelab.cli.analyze_run.run_analyze`, or None to use typer."""
    if any(a in ("-h", "--help", "--") for a in args):
        return None
    try:
        ns = _parser().parse_args(args)
    except (_Unusual, ValueError, TypeError):
        return None
    return {k: v for k, v in vars(ns).items() if v is not None}  # the defaults are run_analyze's


def run_fast_analyze(args: list[str]) -> int | None:
    """Run ``stridelab analyze ARGS`` on the light parser; its exit code, or None to use typer."""
    kwargs = parse_analyze(args)
    if kwargs is None:
        return None
    from stridelab.cli.analyze_run import run_analyze
    from stridelab.cli.failures import describe

    try:
        run_analyze(**kwargs)
    except Exception as e:  # noqa: BLE001 - one line for the user, as the typer path prints it
        if os.environ.get("STRIDELAB_DEBUG") and not _expected(e):
            raise
        return _fail(*describe(e))
    except KeyboardInterrupt as e:
        return _fail(*describe(e))
    return 0


def _expected(e: BaseException) -> bool:
    from stridelab.errors import StridelabError

    return isinstance(e, StridelabError | MemoryError)


def _fail(message: str, code: int) -> int:
    sys.stdout.flush()
    print(f"stridelab: error: {message}", file=sys.stderr)
    return code

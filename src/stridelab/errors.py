"""Errors that stridelab raises on purpose.

Each error carries one line for the user (what is wrong and what to do) and the exit code the
CLI returns for it. Everything the CLI does not expect is a bug and is reported as such.
"""

from __future__ import annotations


class StridelabError(Exception):
    """Base class: a one-line, user-facing message and a CLI exit code."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class UsageError(StridelabError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


class InvalidInputError(StridelabError):
    """The input file is missing, unreadable, corrupt, or not a running recording (exit code 3)."""

    exit_code = 3


class NoValidResultError(StridelabError):
    """The input was read but no trustworthy result can be computed from it (exit code 4)."""

    exit_code = 4


class NotRunningError(InvalidInputError):
    """The recording is walking (or another activity), not running (exit code 3)."""

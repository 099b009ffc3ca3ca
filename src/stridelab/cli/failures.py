"""One line and an exit code for every failure of a command (shared by both CLI parsers).

Exit codes: 0 ok, 2 usage, 3 invalid input, 4 no valid result, 130 interrupted, 1 internal error
(a bug; ``STRIDELAB_DEBUG=1`` shows the traceback instead).
"""

from __future__ import annotations

from stridelab.errors import StridelabError


def describe(e: BaseException) -> tuple[str, int]:
    """The user's one line (without the ``stridelab: error:`` prefix) and the exit code for ``e``."""
    if isinstance(e, StridelabError):
        return e.message, e.exit_code
    if isinstance(e, KeyboardInterrupt):
        return "interrupted", 130
    if isinstance(e, MemoryError):
        return "out of memory; analyse a shorter window with --start-s/--end-s", 4
    return f"internal error ({type(e).__name__}: {e}); this is a bug, please report it with the input file", 1

"""One line and an exit code for every failure of a command (shared by both CLI parsers).

Exit codes: 0 ok, 2 usage, 3 invalid input, 4 no valid result, 130 interrupted, 1 internal error
(a bug; ``STRIDELAB_DEBUG=1`` shows the traceback instead).
"""

from __future__ import annotations

import struct

from stridelab.errors import StridelabError

#: Exceptions that numbers computed from a damaged input raise (an empty slice, a division by a
#: zero duration, an overflow, a singular matrix, a label that is not text). They end a command
#: with exit code 4 and one line; programming errors (TypeError, AttributeError ...) stay bugs.
DATA_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, IndexError, KeyError, ZeroDivisionError, OverflowError, FloatingPointError, UnicodeError, struct.error,
)


def describe(e: BaseException) -> tuple[str, int]:
    """The user's one line (without the ``stridelab: error:`` prefix) and the exit code for ``e``."""
    if isinstance(e, StridelabError):
        msg, code = e.message, e.exit_code
    elif isinstance(e, KeyboardInterrupt):
        msg, code = "interrupted", 130
    elif isinstance(e, MemoryError):
        msg, code = "out of memory; analyse a shorter window with --start-s/--end-s", 4
    elif isinstance(e, DATA_ERRORS):  # numbers that a damaged input makes impossible (a bug when the input is sound)
        msg, code = (
            f"no result can be computed from this input ({type(e).__name__}: {e}); the data are damaged or inconsistent "
            "(if the recording is sound, please report it; STRIDELAB_DEBUG=1 shows where)",
            4,
        )
    else:
        msg, code = f"internal error ({type(e).__name__}: {e}); this is a bug, please report it with the input file", 1
    return " ".join(str(msg).split()), code  # one line, whatever a library put in the message

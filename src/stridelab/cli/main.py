"""The ``stridelab`` command line.

Exit codes: 0 ok, 2 usage, 3 invalid input, 4 no valid result, 1 internal error (a bug: please
report it; set ``STRIDELAB_DEBUG=1`` for the traceback). Every failure prints one line to stderr.
Heavy modules are imported inside the commands so that ``stridelab --help`` and the CLI path stay
fast.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stridelab.cli.failures import DATA_ERRORS, describe  # noqa: F401 - DATA_ERRORS: public here too

if TYPE_CHECKING:  # pragma: no cover - for the type checker: these names come from __getattr__
    import typer  # noqa: F401

    from stridelab.cli.app import app, fail, handle_errors, path_arg  # noqa: F401

#: Names of :mod:`stridelab.cli.app` (and ``typer``) given here on first use (PEP 562): the
#: commands register with ``from stridelab.cli.main import app``, and the hot path of ``analyze``
#: never imports typer.
_FROM_APP = ("app", "fail", "handle_errors", "path_arg")


def __getattr__(name: str) -> Any:
    if name in _FROM_APP:
        from stridelab.cli import app as _app

        return getattr(_app, name)
    if name == "typer":
        import typer

        return typer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register() -> None:
    from stridelab.cli import analyze as _analyze  # noqa: F401
    from stridelab.cli import batch as _batch  # noqa: F401
    from stridelab.cli import info as _info  # noqa: F401
    from stridelab.cli import markers as _markers  # noqa: F401
    from stridelab.cli import methods as _methods  # noqa: F401
    from stridelab.cli import record as _record  # noqa: F401
    from stridelab.cli import serve as _serve  # noqa: F401
    from stridelab.cli import skill as _skill  # noqa: F401
    from stridelab.cli import synth as _synth  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``stridelab`` script."""
    args = list(sys.argv[1:] if argv is None else argv)
    with warnings.catch_warnings():
        if not os.environ.get("STRIDELAB_DEBUG"):  # library warnings never reach the terminal: findings go in the results
            warnings.simplefilter("ignore")
            for k, v in _QUIET_NATIVE.items():
                os.environ.setdefault(k, v)
        rc = _main(args)
    if argv is None and args[:1] == ["analyze"]:
        _exit_now(rc)
    return rc


def _exit_now(rc: int) -> None:
    """End an ``analyze`` process without the interpreter's teardown (freeing every module and
    object: ~0.02 s of CPU, a tenth of a watch file's whole run; issue 12): the output streams are
    flushed and the exit handlers run as at a normal exit, and the outputs were already written
    (atomically, stridelab.atomic). Only for the script itself (``argv`` None; a caller of
    ``main([...])`` gets the exit code back) and only when no other thread is alive."""
    import atexit
    import threading

    if threading.active_count() > 1 or os.environ.get("STRIDELAB_DEBUG"):
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            return  # a closed or broken stream: the normal exit reports it as before
    atexit._run_exitfuncs()
    os._exit(rc)


#: Native libraries' own logging (FFmpeg through OpenCV, OpenCV, TensorFlow Lite / glog in the
#: pose model) would add lines to the one-line contract; silenced unless STRIDELAB_DEBUG is set.
_QUIET_NATIVE = {"OPENCV_FFMPEG_LOGLEVEL": "-8", "OPENCV_LOG_LEVEL": "OFF", "TF_CPP_MIN_LOG_LEVEL": "3", "GLOG_minloglevel": "3"}


#: Environment of an ``analyze`` process (unless the user set it): one analysis has no matrix work
#: large enough for parallel BLAS, and OpenBLAS starts its thread pool when numpy loads, which cost
#: ~0.04 s of CPU per process (and per C3D reader child) on the 2-core development machine (issue 12).
ANALYZE_ENV = {"OPENBLAS_NUM_THREADS": "1"}


def _main(args: list[str]) -> int:
    if args[:1] == ["analyze"]:  # the hot path: a light parser, no typer adapters or pydantic
        for k, v in ANALYZE_ENV.items():
            os.environ.setdefault(k, v)
        from stridelab.cli.fast import run_fast_analyze

        rc = run_fast_analyze(args[1:])
        if rc is not None:
            return rc
    import typer

    from stridelab.cli.app import app

    _register()
    try:
        rv = app(args=args, prog_name="stridelab", standalone_mode=False)
    except typer.Abort:
        typer.echo("stridelab: error: interrupted", err=True)
        return 130
    except typer.TyperException as e:  # wrong usage: one line, exit code 2 (help text when asked for none)
        if type(e).__name__ == "NoArgsIsHelpError":
            typer.echo(e.format_message(), err=True)
            return 2
        cmd = next((a for a in args if not a.startswith("-")), "")
        msg = " ".join(e.format_message().split()).rstrip(".")
        typer.echo(f"stridelab: error: {msg}; see 'stridelab {cmd + ' ' if cmd else ''}--help'", err=True)
        return int(getattr(e, "exit_code", 2) or 2)
    except SystemExit as e:
        return int(e.code or 0) if not isinstance(e.code, str) else 2
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("STRIDELAB_DEBUG"):
            raise
        typer.echo(f"stridelab: error: internal error ({type(e).__name__}: {e}); this is a bug, please report it", err=True)
        return 1
    return rv if isinstance(rv, int) and not isinstance(rv, bool) else 0


def existing(p: Path | None, what: str) -> Path | None:
    """The path when it exists and is a regular file or folder (a FIFO or device is refused without
    being opened, a file above the size limit too: stridelab.io.limits); None stays None."""
    from stridelab.io.limits import check_input_path

    if p is not None:
        check_input_path(p, what, allow_dir=True)
    return p


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

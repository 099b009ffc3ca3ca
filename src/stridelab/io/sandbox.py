"""Run a reader on an untrusted file in a child process with a memory and a time limit.

A damaged or hostile file can make a parser allocate without bound (a 12-MB one-line text file
grew a reader past 4 GB) or loop; run in a forked child (``os.fork``, so that it also works inside
daemonic worker processes, where ``multiprocessing`` may not start children) with an address-space
limit (``RLIMIT_AS``) and a wall-clock deadline, such a file becomes one
:class:`~stridelab.errors.InvalidInputError` line and the caller lives on. The result comes back
pickled through a pipe. The child's own output (prints, Python warnings, crash dumps) goes to
``/dev/null``: the one-line contract of the CLI holds.

The C3D reader has its own child (:mod:`stridelab.io.c3d`); :func:`stridelab.io.read_trial` runs
the other file readers here. ``STRIDELAB_CHILD_PARSE=0`` (or ``STRIDELAB_DEBUG=1``, to see a
reader's traceback) reads in-process; ``STRIDELAB_PARSE_MEMORY_MB`` and ``STRIDELAB_PARSE_TIMEOUT_S``
override the limits. Without ``os.fork`` (Windows) readers run in-process.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from stridelab.errors import InvalidInputError, StridelabError

T = TypeVar("T")

#: Address space a reader child may add to what it inherits: at least this much ...
PARSE_MEMORY_MIN_BYTES = 640 << 20
#: ... or this many times the file size, whichever is larger (the 25-min accelerometer CSV and a
#: 3.4-MB marker export parse within 200 MB; 640 MiB keeps a process under 1 GiB for any input
#: under 100 MB but the largest, which get 8x their size).
PARSE_MEMORY_PER_FILE_BYTE = 8
#: Seconds a reader may take: a base plus a per-megabyte allowance (a busy machine reads > 2 MB/s).
PARSE_TIMEOUT_S = 60.0
PARSE_TIMEOUT_S_PER_MB = 2.0


def enabled() -> bool:
    """Whether readers run in a child (Linux/macOS, unless STRIDELAB_CHILD_PARSE=0 or STRIDELAB_DEBUG)."""
    if not hasattr(os, "fork") or os.environ.get("STRIDELAB_DEBUG"):
        return False
    return os.environ.get("STRIDELAB_CHILD_PARSE", "1").strip().lower() not in ("0", "no", "false", "off")


def _env(name: str, default: float) -> float:
    try:
        v = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return v if v > 0 else default


def limits_for(size_bytes: int) -> tuple[int, float]:
    """(extra address space in bytes, timeout in s) for a file of this size."""
    mem = max(PARSE_MEMORY_MIN_BYTES, PARSE_MEMORY_PER_FILE_BYTE * size_bytes)
    mem = int(_env("STRIDELAB_PARSE_MEMORY_MB", mem / 1e6) * 1e6)
    timeout = _env("STRIDELAB_PARSE_TIMEOUT_S", PARSE_TIMEOUT_S + PARSE_TIMEOUT_S_PER_MB * size_bytes / 1e6)
    return mem, timeout


def limit_memory(extra_bytes: int) -> None:  # pragma: no cover - runs in the child
    try:
        import resource

        page = os.sysconf("SC_PAGE_SIZE")
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * page
        limit = current + extra_bytes
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):  # no /proc (macOS): the time limit still holds
        pass


def quiet_child() -> None:  # pragma: no cover - runs in the child
    """A parser's own prints, warnings and a crash dump (faulthandler) would break the one-line contract."""
    try:
        import faulthandler
        import warnings

        warnings.simplefilter("ignore")
        faulthandler.disable()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover - runs in the child
    view = memoryview(data)
    while view:
        n = os.write(fd, view[: 1 << 20])
        view = view[n:]


def _child(fd: int, fn: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int) -> None:  # pragma: no cover
    quiet_child()
    limit_memory(memory_bytes)
    try:
        msg: tuple[str, Any] = ("ok", fn(*args))
    except StridelabError as e:
        msg = ("stridelab", e)
    except MemoryError:
        msg = ("memory", None)
    except RecursionError:
        msg = ("error", "RecursionError: nesting too deep")
    except BaseException as e:  # noqa: BLE001 - everything the reader throws goes to the parent
        msg = ("error", f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}")
    try:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception as e:  # noqa: BLE001 - an unpicklable result
        data = pickle.dumps(("error", f"{type(e).__name__}: {e}"))
    _write_all(fd, len(data).to_bytes(8, "little") + data)


def _read(fd: int, pid: int, deadline: float) -> bytes | None:
    """All bytes the child writes before it closes the pipe; None past the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        b = os.read(fd, 1 << 20)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


class Pending:
    """A child started by :func:`start_limited`; :meth:`result` waits for it (once)."""

    def __init__(self, pid: int, fd: int, deadline: float, name: str, what: str, memory: int, size_bytes: int, timeout: float) -> None:
        self.pid, self.fd, self.deadline = pid, fd, deadline
        self.name, self.what, self.memory, self.size_bytes, self.timeout = name, what, memory, size_bytes, timeout

    def result(self) -> Any:
        """What the child's function returned; its stridelab error raised here; a crash, running
        out of memory or time, or any other exception as one InvalidInputError line."""
        status = 0
        try:
            data = _read(self.fd, self.pid, self.deadline)
        finally:
            os.close(self.fd)
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done == 0:
                    os.kill(self.pid, signal.SIGKILL)
                    _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        name, what, timeout, memory, size_bytes = self.name, self.what, self.timeout, self.memory, self.size_bytes
        if data is None:
            raise InvalidInputError(f"{name}: the {what} did not finish in {timeout:.0f} s; the file is probably damaged (or raise STRIDELAB_PARSE_TIMEOUT_S)")
        if len(data) < 8 or int.from_bytes(data[:8], "little") != len(data) - 8:
            how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.WEXITSTATUS(status)}"
            raise InvalidInputError(f"{name}: the {what} crashed ({how}); the file is damaged or truncated")
        status_s, payload = pickle.loads(data[8:])
        if status_s == "ok":
            return payload
        if status_s == "stridelab":
            raise payload
        if status_s == "memory":
            raise InvalidInputError(
                f"{name}: reading it needed more than {memory / 2**30:.1f} GiB for a {size_bytes / 1e6:.1f} MB file; "
                "the file is damaged (or raise STRIDELAB_PARSE_MEMORY_MB)"
            )
        raise InvalidInputError(
            f"{name}: cannot be read ({payload}); the file is damaged or in a layout stridelab does not know "
            "(if it opens in the lab software, please report it)"
        )

    def cancel(self) -> None:
        """Kill and reap the child without waiting for its result."""
        try:
            os.close(self.fd)
        except OSError:
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


class _Done:
    """The result of a function run in-process (the sandbox is off), with :class:`Pending`'s interface."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.value = fn(*args)

    def result(self) -> Any:
        return self.value

    def cancel(self) -> None:
        return None


def start_limited(fn: Callable[..., Any], *args: Any, name: str, size_bytes: int = 0, what: str = "reader", timeout_s: float | None = None) -> Pending | _Done:
    """Start ``fn(*args)`` in a forked child as :func:`run_limited` does and return at once; the
    caller works meanwhile (e.g. loads a model) and then calls ``result()`` (or ``cancel()``)."""
    if not enabled():
        return _Done(fn, args)
    memory, timeout = limits_for(size_bytes)
    if timeout_s is not None:
        timeout = _env("STRIDELAB_PARSE_TIMEOUT_S", timeout_s)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            _child(w, fn, args, memory)
        finally:
            os._exit(0)
    os.close(w)
    return Pending(pid, r, time.monotonic() + timeout, name, what, memory, size_bytes, timeout)


def run_limited(fn: Callable[..., T], *args: Any, name: str, size_bytes: int = 0, what: str = "reader", timeout_s: float | None = None) -> T:
    """``fn(*args)`` in a forked child with the limits of :func:`limits_for` (``name``: the file's
    name in messages; ``timeout_s``: another default time limit, STRIDELAB_PARSE_TIMEOUT_S still
    overrides it). A stridelab error in the child is raised here unchanged; a crash, running
    out of memory or time, or any other exception becomes one InvalidInputError line."""
    out: T = start_limited(fn, *args, name=name, size_bytes=size_bytes, what=what, timeout_s=timeout_s).result()
    return out


def read_in_child(reader: Callable[..., T], path: Path, *args: Any) -> T:
    """A reader ``reader(path, *args)`` run with :func:`run_limited` limits for that file's size."""
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    return run_limited(reader, path, *args, name=path.name, size_bytes=size)


__all__ = ["Pending", "enabled", "limits_for", "read_in_child", "run_limited", "start_limited"]

"""C3D reader: markers, analog channels and force platforms, parsed in a child process.

The parser (ezc3d, C++) can crash on a malformed file; it therefore runs in a forked child and hands
back plain numpy arrays. On Linux the child is forked with ``os.fork`` rather than started by
``multiprocessing``, which refuses to start children in daemonic processes (``multiprocessing.Pool``
and Dask workers); elsewhere a daemonic caller, already isolated in its own worker, parses in-process. A crash, a hang or an exception in the child becomes an
:class:`~stridelab.errors.InvalidInputError` with one line for the user; the parent never dies.

Force platforms of types 1-4 (including a calibration matrix, type 4, and Kistler 8-channel plates,
type 3) are converted to forces, moments and centre of pressure in the lab frame from the analog
channels by :mod:`stridelab.io.c3d_plates` (ezc3d's own conversion, reproduced with numpy, in the
child too: a corrupt plate description fails there like the parse does). Times
follow the C3D convention ``(first_frame - 1 + i) / rate`` with the header's 1-based first frame.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError
from stridelab.io.c3d_budget import check_c3d_budget, child_allowance_bytes
from stridelab.io.c3d_events import lab_events
from stridelab.io.c3d_plates import PlateError, force_platforms
from stridelab.io.sandbox import limit_memory, quiet_child  # the child-process limits every reader child uses

#: Seconds the child may take before it is considered hung: a base plus a per-megabyte allowance
#: (a quiet machine parses about 20 MB/s, so this leaves a wide margin for a busy one).
PARSE_TIMEOUT_S = 30.0
PARSE_TIMEOUT_S_PER_MB = 1.0

# Memory: a corrupt file can make the parser allocate without bound (a fuzzed trial grew past
# 6 GB), and a valid one needs up to 25 times its size. Before the child starts, the header's
# frames x channels are turned into an estimate and refused above the allowance
# (:mod:`stridelab.io.c3d_budget`); the child's address space is limited to that allowance (the
# peak budget, 1 GB by default, less the parent's resident memory), past which reading fails cleanly.


def _param(group: dict[str, Any], name: str, default: Any = None) -> Any:
    v = group.get(name)
    if isinstance(v, dict):
        return v.get("value", default)
    return default


def parse_c3d_inprocess(path: str) -> dict[str, Any]:
    """Parse a C3D into plain arrays (in file units and axes). Runs in the child process."""
    return _parse(path)[0]


def _read(ezc3d: Any, path: str) -> tuple[Any, Any, Any, Any, int]:
    """(parser object, parameters, points (4, n, frames), analogs (1, channels, samples), 0-based
    first frame). Through ezc3d's own classes, skipping what stridelab does not use (camera masks,
    residuals, rotations: ~10 % of a parse); through its public reader if those classes differ."""
    try:
        swig = ezc3d.ezc3d
        c = swig.c3d(path, swig.Options(keepParametersTrailingSpaces=False, ignoreBadFormatting=False))
        params = ezc3d.c3d.Parameters(c.parameters())
        return c, params, c.get_points(), c.get_analogs(), int(c.header().firstFrame())
    except (AttributeError, TypeError, NotImplementedError):
        full = ezc3d.c3d(path)
        return full, full["parameters"], full["data"]["points"], full["data"]["analogs"], int(full["header"]["points"]["first_frame"])


def _parse(path: str) -> tuple[dict[str, Any], Any]:
    """The arrays, and the parser's object (the child exits without spending ~15 ms freeing it)."""
    import ezc3d

    c, p, pts, analogs, first_frame0 = _read(ezc3d, path)
    point = p.get("POINT", {})
    rate = float(np.asarray(_param(point, "RATE", [0.0])).ravel()[0]) if _param(point, "RATE") is not None else 0.0
    labels = [str(s).strip() for s in _param(point, "LABELS", [])]
    pts = np.asarray(pts, dtype=float)  # (4, n_markers, n_frames)
    n_markers = pts.shape[1]
    labels = labels[:n_markers] + [f"marker_{i}" for i in range(len(labels), n_markers)]
    units = _param(point, "UNITS", [""])
    units_s = str(units[0]).strip() if isinstance(units, (list, tuple)) and units else ""
    positions = np.transpose(pts[:3], (2, 1, 0)).copy()  # (n_frames, n_markers, 3)
    if pts.shape[0] > 3:
        positions[pts[3].T < 0] = np.nan  # C3D marks invalid samples with a negative residual

    analog = p.get("ANALOG", {})
    arate_v = _param(analog, "RATE", [0.0])
    arate = float(np.asarray(arate_v).ravel()[0]) if np.size(arate_v) else 0.0
    analogs = np.asarray(analogs, dtype=float)
    analogs = analogs[0] if analogs.ndim == 3 and analogs.size else np.zeros((0, 0))  # (n_channels, n_samples)
    try:
        plates = force_platforms(p, analogs)
    except PlateError as e:
        raise InvalidInputError(f"{Path(path).name}: {e}") from None
    for pf in plates:
        pf["corners"] = pf["corners"].T.copy()  # (4, 3): one corner per row
        del pf["cal_matrix"]
    fp = p.get("FORCE_PLATFORM", {})
    types = [int(t) for t in np.asarray(_param(fp, "TYPE", [])).ravel()]
    subjects = p.get("SUBJECTS", {})
    subject_names = [str(s) for s in (_param(subjects, "NAMES", []) or [])]
    analog_labels = [str(s).strip() for s in (_param(analog, "LABELS", []) or [])]
    analog_units = [str(s).strip() for s in (_param(analog, "UNITS", []) or [])]
    out = {
        "labels": labels,
        "positions": positions,
        "residual": None,  # already applied: invalid samples are NaN in "positions"
        "rate_hz": rate,
        "units": units_s,
        "first_frame0": first_frame0,
        "analog_rate_hz": arate,
        "analog_labels": analog_labels,
        "analog_units": analog_units,
        "analogs": analogs.T.copy(),
        "plates": plates,
        "plate_types": types,
        "subject_names": subject_names,
        "manufacturer": str(_param(p.get("MANUFACTURER", {}), "COMPANY", [""]) or [""]),
        "events": lab_events(p),
    }
    return out, c


#: Linux: F_SETPIPE_SZ; a 1 MiB pipe moves a trial's arrays in a few writes instead of ~100.
_F_SETPIPE_SZ = 1031


class _Buf:
    """Placeholder for an array sent as raw bytes after the header (no pickling copy)."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape: tuple[int, ...], dtype: str) -> None:
        self.shape = shape
        self.dtype = dtype


def _split(obj: Any, out: list[np.ndarray]) -> Any:
    """Replace the arrays in a nested dict/list by index stand-ins, collecting them in ``out``."""
    if isinstance(obj, np.ndarray) and obj.dtype != object:
        a = np.ascontiguousarray(obj)
        out.append(a)
        return _Buf(a.shape, a.dtype.str)
    if isinstance(obj, dict):
        return {k: _split(v, out) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_split(v, out) for v in obj]
    return obj


def _join(obj: Any, conn: Any) -> Any:
    """Inverse of :func:`_split`, reading each array's bytes from ``conn`` in order."""
    if isinstance(obj, _Buf):
        a = np.empty(obj.shape, dtype=np.dtype(obj.dtype))
        n = conn.recv_bytes_into(a.data.cast("B")) if a.nbytes else conn.recv_bytes_into(bytearray(1))
        if n != a.nbytes:
            raise EOFError("short array")
        return a
    if isinstance(obj, dict):
        return {k: _join(v, conn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_join(v, conn) for v in obj]
    return obj


def _is_big_endian(path: str | Path, param_block: int) -> bool:
    """C3D processor type (4th byte of the parameter section): 84 Intel, 85 DEC, 86 MIPS (big-endian)."""
    with open(path, "rb") as fh:
        fh.seek((param_block - 1) * 512)
        b = fh.read(4)
    return len(b) == 4 and b[3] == 86


def announced_frames(path: str | Path) -> int | None:
    """Frame count that the raw C3D header announces (words 4 and 5: first and last frame), or
    None when the header cannot tell (more than 65534 frames overflow its 16-bit fields).

    ezc3d reads a truncated file up to its last complete frame and rewrites its own copy of the
    header to match, so truncation is found by comparing with the raw header.
    """
    with open(path, "rb") as fh:
        head = fh.read(512)
        if len(head) < 512 or head[0] < 2:
            return None
    order = ">" if _is_big_endian(path, head[0]) else "<"
    first, last = struct.unpack(order + "HH", head[6:10])
    if first < 1 or last < first or last >= 65535:
        return None
    return last - first + 1


def _child(paths: list[str], conn: Any, memory_bytes: int) -> None:  # pragma: no cover - runs in the child
    """Parse each file in turn and send its arrays; stop at the first failure."""
    quiet_child()
    limit_memory(memory_bytes)
    keep: list[Any] = []
    for path in paths:
        try:
            arrays: list[np.ndarray] = []
            payload, parsed = _parse(path)
            header = _split(payload, arrays)
        except InvalidInputError as e:
            conn.send(("invalid", e.message))
            break
        except MemoryError:
            conn.send(("memory", None))
            break
        except BaseException as e:  # noqa: BLE001 - anything the parser throws is reported
            try:
                conn.send(("error", f"{type(e).__name__}: {e}"))
            except Exception:
                pass
            break
        conn.send(("ok", header))
        for a in arrays:
            conn.send_bytes(a.data.cast("B") if a.nbytes else b"")
        keep.append(parsed)
    conn.close()
    os._exit(0)  # all sent: skip freeing the parsed files (and any other teardown)


#: Per thread: files parsed ahead, in the child of another file (a trial's static trial): (real path,
#: size, modification time) -> the parse result, handed out once to the same thread (at most one).
_LOCAL = threading.local()


def _preparsed() -> dict[tuple[str, int, int], dict[str, Any]]:
    d: dict[tuple[str, int, int], dict[str, Any]] | None = getattr(_LOCAL, "preparsed", None)
    if d is None:
        d = _LOCAL.preparsed = {}
    return d


class _ForkedChild:
    """A child process made with ``os.fork`` (Linux), with the part of ``multiprocessing.Process``
    that :func:`parse_c3d` uses. Unlike ``multiprocessing``, it can be started from a daemonic
    process (a ``multiprocessing.Pool`` or Dask worker)."""

    def __init__(self, target: Any, args: tuple[Any, ...]) -> None:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                target(*args)
            finally:
                os._exit(1)
        self.pid = pid
        self.exitcode: int | None = None

    def is_alive(self) -> bool:
        if self.exitcode is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.exitcode = os.waitstatus_to_exitcode(status)
        return False

    def kill(self) -> None:
        if self.is_alive():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def join(self, timeout: float | None = None) -> None:
        end = None if timeout is None else time.monotonic() + timeout
        while self.is_alive() and (end is None or time.monotonic() < end):
            time.sleep(0.005)


def _start(paths: list[str], conn: Any, memory: int) -> Any:
    """The parsing child (see module docstring); None when the parse must run in this process."""
    if sys.platform.startswith("linux"):
        return _ForkedChild(_child, (paths, conn, memory))
    if mp.current_process().daemon:
        return None
    proc = mp.get_context("spawn").Process(target=_child, args=(paths, conn, memory), daemon=True)
    proc.start()
    return proc


def _parse_here(path: str) -> dict[str, Any]:
    """In-process parse for a caller that is itself an isolated (daemonic) worker, off Linux."""
    try:
        return _parse(path)[0]
    except InvalidInputError:
        raise
    except Exception as e:  # noqa: BLE001 - anything the parser throws is reported
        said = str(e).split("\n")[0]
        raise InvalidInputError(f"{Path(path).name}: not a valid C3D file (the parser says: {said}); export it again from the lab software") from None


def _key(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return (os.path.realpath(path), st.st_size, st.st_mtime_ns)


def _check_header(path: str, size: int) -> None:
    with open(path, "rb") as fh:
        head = fh.read(512)
    if len(head) < 512 or head[1] != 0x50:
        raise InvalidInputError(
            f"{Path(path).name}: not a C3D file (bad header); export the trial again from the lab software"
        )
    data_start = int.from_bytes(head[16:18], "big" if head[0] >= 2 and _is_big_endian(path, head[0]) else "little")
    if data_start >= 2 and size < (data_start - 1) * 512:
        raise InvalidInputError(
            f"{Path(path).name}: the file is truncated: it ends at byte {size}, before its data start "
            f"(byte {(data_start - 1) * 512}); copy or export it again from the lab software"
        )


def _timeout(size: int) -> float:
    return PARSE_TIMEOUT_S + PARSE_TIMEOUT_S_PER_MB * size / 1e6


def _receive(parent: Any, proc: Any, deadline: float) -> tuple[str, Any] | None:
    """The child's next result (None: it died first); TimeoutError past ``deadline``."""
    while time.monotonic() < deadline:
        if parent.poll(0.05):
            try:
                msg: tuple[str, Any] = parent.recv()
                return ("ok", _join(msg[1], parent)) if msg[0] == "ok" else msg
            except (EOFError, OSError):
                return None
        if not proc.is_alive() and not parent.poll(0):
            return None
    raise TimeoutError


def _outcome(path: str, size: int, memory: int, msg: tuple[str, Any] | None, exitcode: int | None) -> dict[str, Any]:
    """The arrays of a successful parse; InvalidInputError with one line for anything else."""
    if msg is None:
        how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
        raise InvalidInputError(
            f"{Path(path).name}: the C3D parser crashed ({how}); the file is truncated or corrupt, "
            "export it again from the lab software"
        )
    status, payload = msg
    if status == "invalid":
        raise InvalidInputError(str(payload))
    if status == "error" and "bad_alloc" in str(payload):
        status = "memory"
    if status == "memory":
        raise InvalidInputError(
            f"{Path(path).name}: the C3D parser needed more than {memory / 1e6:.0f} MB for a "
            f"{size / 1e6:.1f} MB file; the file is corrupt, export it again from the lab software "
            "(or raise STRIDELAB_C3D_MEMORY_MB)"
        )
    if status != "ok":
        said = str(payload).split(". If you want")[0].split("\n")[0]
        raise InvalidInputError(
            f"{Path(path).name}: not a valid C3D file (the parser says: {said}); export it again from the lab software"
        )
    out = dict(payload)
    n_frames = int(out["positions"].shape[0])
    announced = announced_frames(path)
    if announced is not None and n_frames < announced:
        raise InvalidInputError(
            f"{Path(path).name}: the file is truncated: its header announces {announced} frames but it holds "
            f"{n_frames}; copy or export it again from the lab software"
        )
    return out


def parse_c3d(path: str | Path, timeout_s: float | None = None, also: str | Path | None = None) -> dict[str, Any]:
    """Parse a C3D file in a child process; raise InvalidInputError if the parser fails, crashes,
    hangs (``timeout_s``, by default scaled with the file size) or runs out of its memory allowance.

    ``also``: another C3D (the static trial) to parse in the same child after this one; its result
    waits for the next ``parse_c3d`` of that file (one process instead of two). Whatever goes wrong
    with it is left for that call to report."""
    path = str(path)
    if not os.path.isfile(path):
        raise InvalidInputError(f"file not found: {path}")
    ahead = _preparsed().pop(_key(path), None)
    if ahead is not None:
        return ahead
    size = os.path.getsize(path)
    _check_header(path, size)
    memory = child_allowance_bytes()
    need = check_c3d_budget(path, size, memory)
    extra = str(also) if also is not None and os.path.isfile(also) and _key(str(also)) != _key(path) else None
    extra_size = os.path.getsize(extra) if extra else 0
    if extra:
        try:
            _check_header(extra, extra_size)
            need2 = check_c3d_budget(extra, extra_size, memory)
            if need is None or need2 is None or need.address_space_bytes + need2.address_space_bytes > memory:
                extra = None  # parsed on its own later (the child keeps the first parse while reading it)
        except (InvalidInputError, OSError):
            extra = None
    timeout_s = _timeout(size) if timeout_s is None else timeout_s
    import ezc3d  # noqa: F401 - once per process, here: every forked child inherits it instead of importing it again

    parent, child = mp.Pipe(duplex=False)
    try:
        import fcntl

        fcntl.fcntl(child.fileno(), _F_SETPIPE_SZ, 1 << 20)
    except (ImportError, OSError):  # not Linux, or a lower pipe-max-size: the default pipe works too
        pass
    proc = _start([path] + ([extra] if extra else []), child, memory)
    child.close()
    if proc is None:
        parent.close()
        return _parse_here(path)
    from stridelab.io.assemble import sha256_of

    for f in [path] + ([extra] if extra else []):
        sha256_of(f)  # while the child parses (the trial assembly reuses the digest)
    msg2: tuple[str, Any] | None = None
    try:
        try:
            msg = _receive(parent, proc, time.monotonic() + timeout_s)
        except TimeoutError:
            proc.kill()
            raise InvalidInputError(
                f"{Path(path).name}: the C3D parser did not finish in {timeout_s:.0f} s; the file is probably corrupt"
            ) from None
        if extra and msg is not None and msg[0] == "ok":
            try:
                msg2 = _receive(parent, proc, time.monotonic() + _timeout(extra_size))
            except TimeoutError:
                proc.kill()
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
        parent.close()
    out = _outcome(path, size, memory, msg, proc.exitcode)
    if extra and msg2 is not None and msg2[0] == "ok":
        try:
            _preparsed().clear()
            _preparsed()[_key(extra)] = _outcome(extra, extra_size, memory, msg2, proc.exitcode)
        except (InvalidInputError, OSError):
            pass
    return out

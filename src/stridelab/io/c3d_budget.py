"""How much memory the C3D parser will need, from the raw header, before it allocates anything.

ezc3d keeps every marker sample as a C++ object (coordinates, residual, camera mask) and every
analog sample as another; stridelab then copies them to numpy arrays. Measured on the real
RBDS001-RBDS009 trials (33 markers x 4500 frames, 6 channels x 9000 samples: 30 MB added for a
2.6 MB file) and on two SYNTHETIC files written with ezc3d (200 markers x 2000 frames: 75 MB;
64 channels x 20000 samples: 22 MB), peak resident memory added by a parse is below
:data:`BYTES_PER_POINT_SAMPLE` per marker sample and :data:`BYTES_PER_ANALOG_SAMPLE` per analog
sample. A stored marker sample is 8 bytes (integer format) or 16 bytes (float), so a file may
need up to 25 times its size: a valid 100-MB file could need 2.5 GB.

:func:`c3d_samples` reads the header's counts (markers, analog samples per frame, first and last
frame, storage format, data start) and bounds the frames by what the file can hold (the parser
stops at the last complete frame, so a header that announces more frames than the file holds
does not make it allocate more). :func:`check_c3d_budget` refuses a file whose estimate is above
the parse allowance with one line naming frames x channels and the override
(``STRIDELAB_C3D_MEMORY_MB``: the peak resident memory a C3D parse may reach, default
:data:`DEFAULT_C3D_MEMORY_MB`; the parsing child's address-space limit follows from it).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from stridelab.errors import InvalidInputError
from stridelab.io.limits import _env_float

#: Peak memory added per marker sample (ezc3d point object + numpy copies), upper bound of the
#: measurements in the module docstring (186 B measured).
BYTES_PER_POINT_SAMPLE = 200
#: Peak memory added per analog sample (17 B measured).
BYTES_PER_ANALOG_SAMPLE = 24
#: Peak resident memory (MB) of the process that parses a C3D, parent included (issue 18's
#: target: under 1 GiB for any input under 100 MB).
DEFAULT_C3D_MEMORY_MB = 1000.0
#: Address space is not resident memory: the parser's growing arrays reserve up to twice what
#: they fill, and loading the parser maps its libraries. Measured on the SYNTHETIC 200-marker file
#: (80 MB estimate, 185 MB resident): it fails with 300 MB of address space and parses with 374 MB.
#: A parse is therefore let through only when ``AS_FACTOR * estimate + AS_BASE_BYTES`` fits.
AS_FACTOR = 3
AS_BASE_BYTES = 128 << 20
#: Least address space the child gets (Python, ezc3d and numpy themselves).
MIN_CHILD_BYTES = 192 << 20


@dataclass(frozen=True)
class C3dSamples:
    """What a C3D holds according to its header, frames bounded by the file size."""

    frames: int
    points: int
    analogs_per_frame: int

    @property
    def estimate_bytes(self) -> int:
        """Peak resident memory a parse adds (see module docstring)."""
        return self.frames * (self.points * BYTES_PER_POINT_SAMPLE + self.analogs_per_frame * BYTES_PER_ANALOG_SAMPLE)

    @property
    def address_space_bytes(self) -> int:
        """Address space the parsing child needs for it (see :data:`AS_FACTOR`)."""
        return AS_FACTOR * self.estimate_bytes + AS_BASE_BYTES


def c3d_samples(path: str | Path, size: int | None = None) -> C3dSamples | None:
    """Frames, markers and analog samples per frame from the raw header; None if it is not a C3D
    header at all (the parser then refuses the file)."""
    with open(path, "rb") as fh:
        head = fh.read(512)
        if len(head) < 512 or head[1] != 0x50 or head[0] < 2:
            return None
        fh.seek((head[0] - 1) * 512)
        proc = fh.read(4)
    size = os.path.getsize(path) if size is None else size
    big = len(proc) == 4 and proc[3] == 86
    o = ">" if big else "<"
    points, analogs, first, last = struct.unpack(o + "HHHH", head[2:10])
    scale = struct.unpack(o + "f", head[12:16])[0]
    data_start = struct.unpack(o + "H", head[16:18])[0]
    # float storage if the scale factor is negative; a DEC (VAX float) header counts as integer
    # storage: more frames fit, so the estimate can only be higher
    word = 4 if proc[3:4] != b"\x55" and scale < 0 else 2
    per_frame = word * (4 * points + analogs)
    room = max(0, size - max(0, data_start - 1) * 512)
    fit = room // per_frame if per_frame else 0
    announced = last - first + 1 if 1 <= first <= last < 65535 else fit
    return C3dSamples(int(min(fit, announced)), int(points), int(analogs))


def memory_budget_bytes() -> int:
    """Peak resident memory a C3D parse may reach (``STRIDELAB_C3D_MEMORY_MB``)."""
    return int(_env_float("STRIDELAB_C3D_MEMORY_MB", DEFAULT_C3D_MEMORY_MB) * 1e6)


def resident_bytes() -> int:
    """This process's resident memory now (0 if unknown)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


#: What a command-line process holds before it parses (Python, numpy, the readers): the budget
#: less this is what the parse itself may add. A fixed figure, not the caller's resident memory: a
#: batch worker or a server that holds more must not refuse ordinary trials for it.
PROCESS_BASE_BYTES = 150 << 20


def child_allowance_bytes() -> int:
    """What the parsing child may add to what it inherits: the budget less
    :data:`PROCESS_BASE_BYTES`, at least :data:`MIN_CHILD_BYTES`."""
    return max(MIN_CHILD_BYTES, memory_budget_bytes() - PROCESS_BASE_BYTES)


def check_c3d_budget(path: str | Path, size: int, allowance: int) -> C3dSamples | None:
    """Refuse (InvalidInputError) a C3D whose parse would need more than ``allowance`` bytes."""
    s = c3d_samples(path, size)
    if s is not None and s.address_space_bytes > allowance:
        raise InvalidInputError(
            f"{Path(path).name}: {s.frames} frames x ({s.points} markers, {s.analogs_per_frame} analog samples per frame) "
            f"would need about {s.address_space_bytes / 1e6:.0f} MB to parse, more than the {allowance / 1e6:.0f} MB allowed; "
            "export a shorter trial, or raise STRIDELAB_C3D_MEMORY_MB"
        )
    return s


__all__ = [
    "AS_BASE_BYTES", "AS_FACTOR", "BYTES_PER_ANALOG_SAMPLE", "BYTES_PER_POINT_SAMPLE", "C3dSamples", "DEFAULT_C3D_MEMORY_MB", "MIN_CHILD_BYTES", "PROCESS_BASE_BYTES",
    "c3d_samples", "check_c3d_budget", "child_allowance_bytes", "memory_budget_bytes", "resident_bytes",
]

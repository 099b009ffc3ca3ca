"""A vectorised FIT decoder: the file's framing in one pass, then every message type as numpy columns.

The FIT protocol (Garmin, "FIT Protocol" document of the FIT SDK) writes a header, then records: a
*definition* message declares the layout of a local message type (global message number, fields,
sizes, base types, byte order, developer fields); *data* messages of that type follow with exactly
that layout. Because every data message of one definition has the same size, the decoder

1. walks the record headers once (a short Python loop that only reads header bytes and definitions,
   and notes where each data message starts), then
2. decodes all data messages of each definition at once with a numpy structured dtype (gather the
   bytes, view them, mask the base type's invalid value, apply the profile's scale and offset).

Field names, scales, offsets and enum names come from the profile of the official ``garmin-fit-sdk``
(:data:`garmin_fit_sdk.Profile`); its own decoder is the reference this one is tested against
(``tests/test_io_fit.py``: every record value of every real file identical). The SDK decoder handles
one message at a time in Python (about 0.2 ms per record here, 0.65 s for a 57-minute 1 Hz run);
this path takes a few milliseconds (``benchmarks/fit_parse.py``).

Also handled: compressed-timestamp headers (the SDK raises on them), chained FIT files, the file
CRC (CRC-16/ARC, checked), and damage: decoding stops at the first record that cannot be framed and
:class:`FitBreak` says where (byte offset, message index, why); everything before it is kept.
Not expanded: bit-packed components other than the profile's plain fields (e.g. the old
``compressed_speed_distance``); the enhanced fields modern devices write are used instead.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31 00:00:00 UTC).
FIT_EPOCH_S = 631065600

# base type number -> (numpy type without byte order, size, invalid raw value or None for float)
BASE_TYPES: dict[int, tuple[str, int, int | None]] = {
    0x00: ("u1", 1, 0xFF),  # enum
    0x01: ("i1", 1, 0x7F),
    0x02: ("u1", 1, 0xFF),
    0x03: ("i2", 2, 0x7FFF),
    0x04: ("u2", 2, 0xFFFF),
    0x05: ("i4", 4, 0x7FFFFFFF),
    0x06: ("u4", 4, 0xFFFFFFFF),
    0x07: ("S", 1, None),  # string
    0x08: ("f4", 4, None),
    0x09: ("f8", 8, None),
    0x0A: ("u1", 1, 0x00),  # uint8z
    0x0B: ("u2", 2, 0x0000),
    0x0C: ("u4", 4, 0x00000000),
    0x0D: ("u1", 1, 0xFF),  # byte
    0x0E: ("i8", 8, 0x7FFFFFFFFFFFFFFF),
    0x0F: ("u8", 8, 0xFFFFFFFFFFFFFFFF),
    0x10: ("u8", 8, 0x0000000000000000),
}


def _crc_table() -> list[int]:
    out = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
        out.append(c)
    return out


_CRC = _crc_table()


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected), the FIT file and header checksum."""
    t = _CRC
    for b in data:
        crc = (crc >> 8) ^ t[(crc ^ b) & 0xFF]
    return crc


@dataclass
class FitBreak:
    """Where and why decoding stopped or a check failed; messages before it were kept."""

    offset: int
    message_index: int
    reason: str
    fatal: bool = True

    def describe(self) -> str:
        return f"byte {self.offset} (after {self.message_index} messages): {self.reason}"


@dataclass
class _Definition:
    global_num: int
    little: bool
    fields: list[tuple[int, int, int]]  # (field number, size, base type byte)
    dev_fields: list[tuple[int, int, int]]  # (field number, size, developer data index)
    size: int
    offsets: list[int] = field(default_factory=list)
    seq: list[int] = field(default_factory=list)
    compressed: list[int] = field(default_factory=list)  # 5-bit time offset, -1 for a normal header


@dataclass
class FitGroup:
    """All data messages that one definition described, decoded as columns of raw values.

    ``fields`` maps field number -> float64 array (NaN where invalid), or an object array of
    strings / tuples for string and array fields. ``dev`` maps (developer data index, field number)
    -> raw bytes array of shape (n, size), interpreted later with the field descriptions.
    ``seq`` is each message's position in the file (0-based message index).
    """

    global_num: int
    seq: np.ndarray
    fields: dict[int, np.ndarray]
    dev: dict[tuple[int, int], np.ndarray]
    little: bool


@dataclass
class FitFile:
    """The decoded file: groups of messages per global message number, and what went wrong."""

    groups: dict[int, list[FitGroup]]
    breaks: list[FitBreak]
    n_messages: int
    size_bytes: int
    n_files: int

    def has(self, global_num: int) -> bool:
        return any(len(g.seq) for g in self.groups.get(global_num, []))


def _frame(buf: bytes) -> tuple[list[_Definition], list[FitBreak], int, int]:
    """Walk headers and definitions; note where each data message starts (see module docstring)."""
    n = len(buf)
    defs: list[_Definition] = []
    breaks: list[FitBreak] = []
    k = 0  # message index over the whole file
    pos = 0
    n_files = 0
    while pos < n:
        if n - pos < 12:
            if n_files:
                breaks.append(FitBreak(pos, k, f"{n - pos} trailing bytes after the last FIT file (ignored)", fatal=False))
            else:
                breaks.append(FitBreak(pos, k, "too short to be a FIT file (no 12-byte header)"))
            break
        hs = buf[pos]
        if hs not in (12, 14) or buf[pos + 8 : pos + 12] != b".FIT":
            what = "the file's" if n_files == 0 else f"chained FIT file {n_files + 1}'s"
            why = f"header size {hs} (must be 12 or 14)" if hs not in (12, 14) else f"signature {bytes(buf[pos + 8 : pos + 12])!r} instead of '.FIT'"
            breaks.append(FitBreak(pos, k, f"{what} header is damaged ({why})"))
            break
        if n - pos < hs:
            breaks.append(FitBreak(pos, k, f"the file ends inside its {hs}-byte header (file truncated)"))
            break
        if hs == 14:
            hcrc = struct.unpack_from("<H", buf, pos + 12)[0]
            if hcrc != 0 and hcrc != crc16(buf[pos : pos + 12]):
                breaks.append(FitBreak(pos, k, "header checksum does not match (header damaged; decoding anyway)", fatal=False))
        data_size = struct.unpack_from("<I", buf, pos + 4)[0]
        start = pos + hs
        end = start + data_size
        truncated = data_size == 0 or end > n
        if truncated:
            end = n
        n_files += 1
        local: dict[int, _Definition] = {}
        p = start
        stop: FitBreak | None = None
        while p < end:
            h = buf[p]
            if h & 0x80 or not h & 0x40:
                lt = (h >> 5) & 0x03 if h & 0x80 else h & 0x0F
                d = local.get(lt)
                if d is None:
                    stop = FitBreak(p, k, f"data message of local type {lt} without a definition (data corrupt)")
                    break
                if p + 1 + d.size > end:
                    stop = FitBreak(p, k, f"message {k} is cut off: it needs {1 + d.size} bytes, {end - p} remain (file truncated)")
                    break
                d.offsets.append(p + 1)
                d.seq.append(k)
                d.compressed.append(h & 0x1F if h & 0x80 else -1)
                p += 1 + d.size
                k += 1
                continue
            # definition message
            if p + 6 > end:
                stop = FitBreak(p, k, "definition message cut off (file truncated)")
                break
            little = buf[p + 2] == 0
            gnum = struct.unpack_from("<H" if little else ">H", buf, p + 3)[0]
            nf = buf[p + 5]
            q = p + 6
            if q + 3 * nf > end:
                stop = FitBreak(p, k, "definition message cut off (file truncated)")
                break
            fields = [(buf[q + 3 * i], buf[q + 3 * i + 1], buf[q + 3 * i + 2]) for i in range(nf)]
            q += 3 * nf
            dev: list[tuple[int, int, int]] = []
            if h & 0x20:
                if q + 1 > end or q + 1 + 3 * buf[q] > end:
                    stop = FitBreak(p, k, "definition message cut off (file truncated)")
                    break
                nd = buf[q]
                dev = [(buf[q + 1 + 3 * i], buf[q + 2 + 3 * i], buf[q + 3 + 3 * i]) for i in range(nd)]
                q += 1 + 3 * nd
            if any((bt & 0x1F) not in BASE_TYPES for _, _, bt in fields) or any(sz == 0 for _, sz, _ in fields):
                stop = FitBreak(p, k, "definition message with an unknown base type or a zero-size field (data corrupt)")
                break
            d = _Definition(gnum, little, fields, dev, sum(s for _, s, _ in fields) + sum(s for _, s, _ in dev))
            defs.append(d)
            local[h & 0x0F] = d
            p = q
            k += 1
        if stop is not None:
            breaks.append(stop)
            break
        if truncated:
            breaks.append(FitBreak(n, k, "the file ends before the size its header declares, without its checksum (file truncated)"))
            break
        if end + 2 > n:
            breaks.append(FitBreak(end, k, "file checksum missing (file truncated)", fatal=False))
            break
        if struct.unpack_from("<H", buf, end)[0] != crc16(memoryview(buf)[pos:end]):
            breaks.append(FitBreak(end, k, "file checksum does not match: some bytes are damaged", fatal=False))
        pos = end + 2
    return defs, breaks, k, n_files


def _decode(buf_np: np.ndarray, d: _Definition) -> FitGroup:
    endian = "<" if d.little else ">"
    names, formats, offs = [], [], []
    o = 0
    for i, (_num, size, bt) in enumerate(d.fields):
        code, bsize, _ = BASE_TYPES[bt & 0x1F]
        if code == "S":
            fmt = f"S{size}"
        elif size % bsize:
            fmt = f"({size},)u1"
        else:
            cnt = size // bsize
            fmt = f"{endian}{code}" if cnt == 1 else f"({cnt},){endian}{code}"
        names.append(f"f{i}")
        formats.append(fmt)
        offs.append(o)
        o += size
    for j, (_num, size, _idx) in enumerate(d.dev_fields):
        names.append(f"d{j}")
        formats.append(f"({size},)u1")
        offs.append(o)
        o += size
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offs, "itemsize": d.size})
    starts = np.asarray(d.offsets, dtype=np.int64)
    raw = buf_np[starts[:, None] + np.arange(d.size)] if d.size else np.zeros((len(starts), 0), np.uint8)
    rec = np.ascontiguousarray(raw).view(dtype).reshape(len(starts))
    cols: dict[int, np.ndarray] = {}
    for i, (num, size, bt) in enumerate(d.fields):
        code, bsize, invalid = BASE_TYPES[bt & 0x1F]
        v = rec[f"f{i}"]
        if code == "S":
            cols[num] = np.array([s.split(b"\0", 1)[0].decode("utf-8", "replace") or None for s in v], dtype=object)
        elif v.ndim > 1:
            cols[num] = _array_field(v, invalid, size % bsize != 0)
        else:
            f = v.astype(np.float64)
            if invalid is not None:
                f[v == invalid] = np.nan
            cols[num] = f
    dev = {(idx, num): rec[f"d{j}"] for j, (num, _size, idx) in enumerate(d.dev_fields)}
    return FitGroup(d.global_num, np.asarray(d.seq, dtype=np.int64), cols, dev, d.little)


def _array_field(v: np.ndarray, invalid: int | None, as_bytes: bool) -> np.ndarray:
    out = np.empty(len(v), dtype=object)
    inv = 0xFF if as_bytes else invalid
    for i, row in enumerate(v.tolist()):
        vals = [None if (inv is not None and x == inv) else x for x in row]
        out[i] = None if all(x is None for x in vals) else tuple(vals)
    return out


def _resolve_compressed(defs: list[_Definition], groups: list[FitGroup]) -> None:
    """Timestamps of compressed-header messages from the last full timestamp (FIT protocol 4.2)."""
    if not any(c >= 0 for d in defs for c in d.compressed):
        return
    events: list[tuple[int, int, float, FitGroup, int]] = []
    for d, g in zip(defs, groups, strict=True):
        ts = g.fields.get(253)
        comp = np.asarray(d.compressed)
        for i, s in enumerate(g.seq.tolist()):
            events.append((s, int(comp[i]), float(ts[i]) if ts is not None else np.nan, g, i))
    events.sort(key=lambda e: e[0])
    last: int | None = None
    for _s, c, ts_v, g, i in events:
        if c >= 0:
            if last is None:
                continue
            t = (last & ~0x1F) + c + (0x20 if c < (last & 0x1F) else 0)
            if 253 not in g.fields:
                g.fields[253] = np.full(len(g.seq), np.nan)
            g.fields[253][i] = t
            last = t
        elif np.isfinite(ts_v):
            last = int(ts_v)


def decode_fit(data: bytes) -> FitFile:
    """Decode a whole FIT file (see module docstring). Never raises on damaged data."""
    defs, breaks, n_msgs, n_files = _frame(data)
    buf_np = np.frombuffer(data, dtype=np.uint8)
    used = [d for d in defs if d.offsets]
    groups = [_decode(buf_np, d) for d in used]
    _resolve_compressed(used, groups)
    out: dict[int, list[FitGroup]] = {}
    for g in groups:
        out.setdefault(g.global_num, []).append(g)
    return FitFile(out, breaks, n_msgs, len(data), n_files)


# ----------------------------------------------------------------------------------------------
# Profile-driven tables (names, scale, offset, enum names from garmin-fit-sdk's profile)

"""A seeded generator of broken and hostile inputs derived from the real recordings in ../shared/data.

Every case is a command line (``stridelab ...``) over files written into a work folder: copies of
real recordings that are truncated, have bytes flipped or blocks zeroed, headers that lie (rates,
frame counts, sizes), NaN/inf/3e38 values, wrong units or rates, are empty or header-only; devices,
FIFOs, folders and odd paths given as inputs; outputs aimed at the inputs; bad arguments. The IMU
base file is SYNTHETIC (virtual IMUs from the real marker trial, stridelab.synth.imu), labelled so.

:func:`generate` returns the cases (the same for a seed); :func:`judge` classifies one run:
``overwritten`` (an input changed), ``internal`` (an internal error, a traceback, a Python warning
or more than one line on failure), ``hang`` (past the time limit), ``memory`` (killed, or a peak
above 1 GiB), ``implausible`` (exit 0 with a number outside human running), else ``ok``. Used by
tests/test_fuzz_inputs.py (a bounded sample) and validation/fuzz_corpus.py (the whole corpus).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CATEGORIES = (
    "truncation", "byte_flip", "zeroed_block", "lying_header", "nan_inf", "units_rates", "empty",
    "special_file", "odd_path", "overwrite", "bad_args",
)

#: Plausible ranges of a running summary (exit 0 outside them is "implausible").
PLAUSIBLE = {
    "cadence_spm": (120.0, 300.0),
    "gct_ms": (60.0, 500.0),
    "duty_factor": (0.1, 0.5),
    "speed_mps": (0.8, 12.5),
    "step_length_m": (0.3, 3.0),
    "flight_ms": (-20.0, 300.0),
    "vertical_oscillation_cm": (1.0, 25.0),
}


@dataclass
class Case:
    """One broken input: the command line, the files it reads (hashed before and after) and
    whether it must fail (None: either way, as long as the result is plausible)."""

    category: str
    name: str
    args: list[str]
    inputs: list[Path] = field(default_factory=list)
    json_out: Path | None = None
    must_fail: bool | None = None


@dataclass
class Outcome:
    case: Case
    code: int | None
    stderr: str
    seconds: float
    peak_rss_mb: float | None
    verdict: str
    detail: str = ""


# --- base recordings ---------------------------------------------------------------------------


def _crop_lines(src: Path, dst: Path, rows: int) -> Path:
    with open(src, encoding="utf-8", errors="replace") as fh:
        lines = [next(fh) for _ in range(rows + 1)]
    dst.write_text("".join(lines))
    return dst


def _trc_from_text(markers_txt: Path, dst: Path) -> Path:
    lines = markers_txt.read_text().splitlines()
    header = lines[0].split("\t")
    names = [h[:-1] for h in header[1::3]]
    data = np.genfromtxt(lines[1:], delimiter="\t", dtype=float)
    rate = 150.0
    t = (data[:, 0] - 1) / rate
    out = [
        f"PathFileType\t4\t(X/Y/Z)\t{dst.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate:g}\t{rate:g}\t{t.size}\t{len(names)}\tmm\t{rate:g}\t1\t{t.size}",
        "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(names))),
    ]
    for i in range(t.size):
        out.append(f"{i + 1}\t{t[i]:.6f}\t" + "\t".join("" if not np.isfinite(v) else f"{v:.4f}" for v in data[i, 1:]))
    dst.write_text("\n".join(out) + "\n")
    return dst


def _mot_from_text(forces_txt: Path, dst: Path) -> Path:
    """One plate under both feet (the real Fukuchi force export, 300 Hz) as an OpenSim MOT."""
    lines = forces_txt.read_text().splitlines()
    data = np.genfromtxt(lines[1:], delimiter="\t", dtype=float)
    t = (data[:, 0] - 1) / 300.0
    f, cop = data[:, 1:4], data[:, 4:7] / 1000.0
    tq = np.zeros_like(f)
    tq[:, 1] = data[:, 7] / 1000.0
    cols = ["time"] + [f"ground_force_v{a}" for a in "xyz"] + [f"ground_force_p{a}" for a in "xyz"] + [f"ground_torque_{a}" for a in "xyz"]
    body = np.column_stack([t, f, cop, tq])
    head = f"{dst.name}\nversion=1\nnRows={body.shape[0]}\nnColumns={body.shape[1]}\ninDegrees=yes\nendheader\n"
    dst.write_text(head + "\t".join(cols) + "\n" + "\n".join("\t".join(f"{v:.6f}" for v in row) for row in body) + "\n")
    return dst


def _actigraph_head(src: Path, dst: Path, rows: int) -> Path:
    with gzip.open(src, "rt") as fh:
        lines = [next(fh) for _ in range(rows + 1)]
    dst.write_text("".join(lines))
    return dst


def _synthetic_imu(markers: Path, forces: Path, dst: Path) -> Path:
    """SYNTHETIC IMU data (virtual sensors from the real marker trial), in the long layout."""
    from stridelab.io import ReadOptions, read_trial
    from stridelab.io.imu import write_imu_long
    from stridelab.synth.imu import synthesize_imu

    tr = read_trial(markers, ReadOptions(forces=forces))
    v = synthesize_imu(tr, ["left_foot", "right_foot", "sacrum"], noise=1.0, mount_deg=30.0, seed=3)
    write_imu_long(dst, v.sensors, v.metadata)
    return dst


def make_bases(shared: Path, work: Path, with_imu: bool = True, with_video: bool = False) -> dict[str, Path]:
    """The real (and one synthetic) recordings the cases are derived from, written into ``work/base``."""
    b = work / "base"
    b.mkdir(parents=True, exist_ok=True)
    fk = shared / "mocap" / "fukuchi2017"
    out = {
        "markers_txt": _crop_lines(fk / "RBDS001runT25markers.txt", b / "markers.txt", 1500),
        "forces_txt": _crop_lines(fk / "RBDS001runT25forces.txt", b / "forces.txt", 3000),
        "c3d": b / "run.c3d",
        "static_c3d": b / "static.c3d",
        "fit": b / "run.fit",
        "fit_long": b / "long.fit",
        "actigraph": _actigraph_head(shared / "wearable" / "accel" / "acc_running.csv.gz", b / "acc.csv", 12000),
    }
    shutil.copy(fk / "RBDS001runT35.c3d", out["c3d"])
    shutil.copy(fk / "RBDS001static.c3d", out["static_c3d"])
    shutil.copy(shared / "wearable" / "fit" / "garmin-fenix-5-run.fit", out["fit"])
    shutil.copy(shared / "wearable" / "fit" / "activity-small-fenix2-run.fit", out["fit_long"])
    out["trc"] = _trc_from_text(out["markers_txt"], b / "markers.trc")
    out["mot"] = _mot_from_text(out["forces_txt"], b / "forces.mot")
    if with_video:  # the pose model makes each video case slow: the full corpus only
        out["video"] = b / "side.mp4"
        shutil.copy(shared / "video" / "male_side" / "male_side.mp4", out["video"])
    if with_imu:
        out["imu"] = _synthetic_imu(out["markers_txt"], out["forces_txt"], b / "imu_synthetic.csv")
    pop = b / "pop"
    pop.mkdir(exist_ok=True)
    src = shared / "population" / "rbds_strides"
    meta = (src / "metadata.tsv").read_text().splitlines()
    keep = [meta[0]] + [ln for ln in meta[1:] if re.search(r"\tg01s0[1-3]t\d+\.txt", ln)]
    (pop / "metadata.tsv").write_text("\n".join(keep) + "\n")
    shutil.copy(src / "runners.tsv", pop / "runners.tsv")
    for ln in keep[1:]:
        fname = ln.split("\t")[4]
        shutil.copy(src / fname, pop / fname)
    out["pop"] = pop
    return out


# --- mutations -----------------------------------------------------------------------------------


def _bytes_case(rng: random.Random, src: Path, dst: Path, how: str) -> Path:
    b = bytearray(src.read_bytes())
    if how == "truncation":
        cut = rng.choice([0, 1, 12, 13, 100, 511, 512, 2048]) if rng.random() < 0.4 else int(len(b) * rng.random())
        b = b[: min(cut, len(b))]
    elif how == "byte_flip":
        for _ in range(rng.choice([1, 4, 32])):
            i = rng.randrange(len(b))
            b[i] = rng.randrange(256)
    elif how == "zeroed_block":
        size = rng.choice([16, 512, 4096])
        i = rng.randrange(max(1, len(b) - size))
        b[i : i + size] = bytes(min(size, len(b) - i))
    dst.write_bytes(bytes(b))
    return dst


def _text_rows(src: Path) -> tuple[list[str], list[str]]:
    lines = src.read_text().splitlines()
    return lines[:1], lines[1:]


def _edit_cells(src: Path, dst: Path, fn: Callable[[int, list[str]], list[str]], header_rows: int = 1) -> Path:
    lines = src.read_text().splitlines()
    out = lines[:header_rows] + ["\t".join(fn(i, ln.split("\t"))) for i, ln in enumerate(lines[header_rows:])]
    dst.write_text("\n".join(out) + "\n")
    return dst


def _c3d_param_offset(b: bytes, name: bytes) -> int | None:
    """Byte offset of the first float value of a C3D parameter (first occurrence of its name)."""
    i = b.find(name, 512)
    if i < 2:
        return None
    n = b[i - 2]
    if n != len(name):
        return None
    dims = b[i + n + 3]
    return i + n + 4 + dims


def _fit_case_args(path: Path, json_out: Path) -> list[str]:
    return ["analyze", str(path), "--json", str(json_out), "-q"]


def generate(bases: dict[str, Path], work: Path, seed: int = 0, per_category: int = 12) -> list[Case]:
    """The cases of one corpus (deterministic for a seed). ``per_category`` caps the random
    mutations per category and base recording."""
    rng = random.Random(seed)
    cases: list[Case] = []
    d = work / "cases"
    d.mkdir(parents=True, exist_ok=True)
    k = 0

    def new(ext: str) -> Path:
        nonlocal k
        k += 1
        return d / f"c{k:04d}{ext}"

    def analyze(cat: str, name: str, path: Path, *extra: str, inputs: list[Path] | None = None, must_fail: bool | None = None) -> None:
        j = new(".json")
        cases.append(Case(cat, name, ["analyze", str(path), *extra, "--json", str(j), "-q"], [path, *(inputs or [])], j, must_fail))

    mk, fo = bases["markers_txt"], bases["forces_txt"]
    byte_bases = [("c3d", bases["c3d"], ".c3d"), ("fit", bases["fit"], ".fit"), ("trc", bases["trc"], ".trc"),
                  ("mot", bases["mot"], ".mot"), ("text", mk, ".txt"), ("actigraph", bases["actigraph"], ".csv")]
    if "imu" in bases:
        byte_bases.append(("imu", bases["imu"], ".csv"))
    if "video" in bases:
        byte_bases.append(("video", bases["video"], ".mp4"))
    # truncations, byte flips, zeroed blocks of every reader's file
    for how in ("truncation", "byte_flip", "zeroed_block"):
        for label, src, ext in byte_bases:
            n = per_category if label in ("c3d", "fit") else 1 if label == "video" else max(1, per_category // 3)
            for _ in range(n):
                p = _bytes_case(rng, src, new(ext), how)
                extra = ["--forces", str(fo)] if label == "text" else []
                analyze(how, f"{label} {how}", p, *extra, inputs=[fo] if extra else None)
    # headers that lie
    raw = bases["c3d"].read_bytes()
    off = _c3d_param_offset(raw, b"RATE")
    if off is not None:
        for v in (0.0, -150.0, float("inf"), float("nan"), 1e30, 1e-3, 15.0, 1500.0):
            p = new(".c3d")
            b = bytearray(raw)
            b[off : off + 4] = struct.pack("<f", v)
            p.write_bytes(bytes(b))
            analyze("lying_header", f"c3d point rate {v:g}", p, must_fail=v < 0 or not np.isfinite(v) or v > 1e5 or 0 < v < 1)
    gs = _c3d_param_offset(raw, b"GEN_SCALE")
    if gs is not None:
        for factor in (1000.0, 1e-3, -1.0, float("nan")):
            p = new(".c3d")
            b = bytearray(raw)
            b[gs : gs + 4] = struct.pack("<f", struct.unpack("<f", raw[gs : gs + 4])[0] * factor)
            p.write_bytes(bytes(b))
            analyze("lying_header", f"c3d analog GEN_SCALE x{factor:g}", p, must_fail=factor == 1000.0 or factor != factor)
    for first, last in ((1, 65000), (1, 2), (500, 400), (0, 0)):
        p = new(".c3d")
        b = bytearray(raw)
        b[6:10] = struct.pack("<HH", first, last)
        p.write_bytes(bytes(b))
        analyze("lying_header", f"c3d frames {first}-{last}", p)
    trc_lines = bases["trc"].read_text().splitlines()
    for rate in ("1000", "0", "-150", "1e30", "nan", "15"):
        p = new(".trc")
        vals = trc_lines[2].split("\t")
        vals[0] = vals[1] = rate
        p.write_text("\n".join(trc_lines[:2] + ["\t".join(vals)] + trc_lines[3:]) + "\n")
        analyze("lying_header", f"trc DataRate {rate}", p, "--forces", str(fo), inputs=[fo], must_fail=rate != "nan")
    fitb = bases["fit"].read_bytes()
    for size in (0, 10, len(fitb) * 4, 2**32 - 1):
        p = new(".fit")
        b = bytearray(fitb)
        b[4:8] = struct.pack("<I", size)
        p.write_bytes(bytes(b))
        analyze("lying_header", f"fit data size {size}", p)
    mot_lines = bases["mot"].read_text().splitlines()
    end = mot_lines.index("endheader")
    p = new(".mot")
    p.write_text("\n".join(mot_lines[: end + 1]) + "\n")
    analyze("lying_header", "mot endheader is the last line", mk, "--forces", str(p), inputs=[p], must_fail=True)
    p = new(".mot")
    p.write_text("\n".join(mot_lines[:end] + mot_lines[end + 1 :]) + "\n")
    analyze("lying_header", "mot without endheader", mk, "--forces", str(p), inputs=[p], must_fail=True)
    # NaN / inf / 3e38
    for label, val, rows in (("one 3e38 frame", "3e38", [700]), ("inf frame", "inf", [10]), ("nan cells 10%", "nan", None),
                             ("-3e38 block", "-3e38", list(range(300, 330)))):
        def edit(i: int, cells: list[str], val: str = val, rows: list[int] | None = rows) -> list[str]:
            if rows is None:
                r = random.Random(i)
                return [c if j == 0 or r.random() > 0.1 else val for j, c in enumerate(cells)]
            return [c if j == 0 or i not in rows else val for j, c in enumerate(cells)]

        p = _edit_cells(mk, new(".txt"), edit)
        analyze("nan_inf", f"markers: {label}", p, "--forces", str(fo), inputs=[fo])
    p = _edit_cells(bases["mot"], new(".mot"), lambda i, c: ["nan"] + c[1:] if i == 1500 else c, header_rows=end + 2)
    analyze("nan_inf", "mot: one NaN time", mk, "--forces", str(p), inputs=[p], must_fail=True)
    p = _edit_cells(fo, new(".txt"), lambda i, c: c[:3] + ["inf"] + c[4:] if i == 999 else c)
    analyze("nan_inf", "forces: one inf Fz", mk, "--forces", str(p), inputs=[p])
    if "imu" in bases:
        imu_lines = bases["imu"].read_text().splitlines()
        h = next(i for i, ln in enumerate(imu_lines) if not ln.startswith("#"))
        r2 = random.Random(seed + 1)
        rows = [ln if r2.random() > 0.1 else ",".join(x if j in (0, 1) else "nan" for j, x in enumerate(ln.split(","))) for ln in imu_lines[h + 1 :]]
        p = new(".csv")
        p.write_text("\n".join(imu_lines[: h + 1] + rows) + "\n")
        analyze("nan_inf", "imu: 10% NaN rows", p)
        # time in ms, time going backwards, x1000 values
        def imu_edit(fn: Callable[[list[str], int], list[str]], ext: str = ".csv") -> Path:
            out = [",".join(fn(ln.split(","), i)) for i, ln in enumerate(imu_lines[h + 1 :])]
            q = new(ext)
            q.write_text("\n".join(imu_lines[: h + 1] + out) + "\n")
            return q

        analyze("units_rates", "imu: time in ms", imu_edit(lambda c, i: [repr(float(c[0]) * 1000)] + c[1:]), must_fail=True)
        analyze("units_rates", "imu: time goes back", imu_edit(lambda c, i: [repr(float(c[0]) - (1.0 if 400 <= i % 1500 < 600 else 0))] + c[1:]), must_fail=True)
        analyze("units_rates", "imu: acc x1000", imu_edit(lambda c, i: c[:2] + [repr(float(x) * 1000) for x in c[2:5]] + c[5:]))
    # wrong units and rates
    analyze("units_rates", "--forces-rate-hz 150 on 300-Hz forces", mk, "--forces", str(fo), "--forces-rate-hz", "150", inputs=[fo], must_fail=True)
    analyze("units_rates", "--rate-hz 300 on 150-Hz markers", mk, "--forces", str(fo), "--rate-hz", "300", inputs=[fo], must_fail=True)
    analyze("units_rates", "--rate-hz 15", mk, "--forces", str(fo), "--rate-hz", "15", inputs=[fo], must_fail=True)
    p = _edit_cells(fo, new(".txt"), lambda i, c: [c[0]] + [repr(float(x) * 1000) for x in c[1:4]] + c[4:])
    analyze("units_rates", "forces x1000", mk, "--forces", str(p), inputs=[p], must_fail=True)
    p = _edit_cells(mk, new(".txt"), lambda i, c: [c[0]] + [repr(float(x) / 1000) if x else x for x in c[1:]])
    analyze("units_rates", "markers in m declared mm", p, "--forces", str(fo), "--units", "mm", inputs=[fo])
    p = _edit_cells(mk, new(".txt"), lambda i, c: [str(int(float(c[0])) * 1000)] + c[1:])
    analyze("units_rates", "frame counter x1000", p, "--forces", str(fo), inputs=[fo])
    p = new(".trc")
    tl = trc_lines[:5] + [ln.split("\t", 2)[0] + "\t" + repr(float(ln.split("\t", 2)[1]) * 1000) + "\t" + ln.split("\t", 2)[2] for ln in trc_lines[5:] if ln.strip()]
    p.write_text("\n".join(tl) + "\n")
    analyze("units_rates", "trc time in ms", p, "--forces", str(fo), inputs=[fo], must_fail=True)
    p = new(".txt")
    p.write_text("\n".join(fo.read_text().splitlines()[:1500]) + "\n")
    analyze("units_rates", "forces last half as long as the markers", mk, "--forces", str(p), inputs=[p], must_fail=True)
    p = _edit_cells(mk, new(".txt"), lambda i, c: c if i < 1 else c)
    p.write_text("\n".join(p.read_text().splitlines()[:2]) + "\n")
    analyze("units_rates", "one-row marker file", p, "--forces", str(fo), inputs=[fo], must_fail=True)
    # empty and header-only files
    for ext in (".c3d", ".trc", ".mot", ".fit", ".txt", ".csv", ".tsv", ".json", ".gz", ".parquet", ".mp4"):
        p = new(ext)
        p.write_bytes(b"")
        analyze("empty", f"empty {ext}", p, must_fail=True)
    for label, src in (("text", mk), ("trc", bases["trc"]), ("mot", bases["mot"]), ("actigraph", bases["actigraph"])):
        lines = src.read_text().splitlines()
        n = {"trc": 5, "mot": end + 2}.get(label, 1)
        p = new(src.suffix)
        p.write_text("\n".join(lines[:n]) + "\n")
        analyze("empty", f"{label} header only", p, must_fail=True)
    p = new(".txt")
    p.write_text("1\t" * 6_000_000)
    analyze("empty", "12-MB one-line text file", p, must_fail=True)
    # devices, FIFOs, folders, links
    for dev in ("/dev/zero", "/dev/urandom", "/dev/null"):
        if os.path.exists(dev):
            analyze("special_file", f"{dev}", Path(dev), must_fail=True)
            cases.append(Case("special_file", f"{dev} as --forces", ["analyze", str(mk), "--forces", dev, "-q"], [mk], None, True))
    for ext in (".txt", ".fit", ".csv", ".c3d", ""):
        p = new(ext)
        os.mkfifo(p)
        analyze("special_file", f"FIFO named *{ext or '(no extension)'}", p, must_fail=True)
    p = new(".c3d")
    p.mkdir()
    analyze("special_file", "folder named *.c3d", p, must_fail=True)
    p = new(".txt")
    p.symlink_to(p)
    analyze("special_file", "symlink loop", p, must_fail=True)
    # odd paths
    for name in ("with space.fit", "ünïcødé.fit", "-dash.fit", "x" * 250 + ".fit"):
        p = d / name
        shutil.copy(bases["fit"], p)
        analyze("odd_path", f"input named {name[:20]}", p if not name.startswith("-") else Path("./") / p)
    cases.append(Case("odd_path", "output name too long", ["analyze", str(bases["fit"]), "--json", str(d / ("y" * 300 + ".json"))], [bases["fit"]], None, True))
    cases.append(Case("odd_path", "output in a missing folder under a file", ["analyze", str(bases["fit"]), "--json", str(bases["fit"]) + "/x.json"], [bases["fit"]], None, True))
    cases.append(Case("odd_path", "output is a folder", ["analyze", str(bases["fit"]), "--report", str(d)], [bases["fit"]], None, True))
    # outputs aimed at inputs
    c3d, st = bases["c3d"], bases["static_c3d"]
    link = d / "link.json"
    link.symlink_to(bases["fit"])
    hard = d / "hard.json"
    os.link(bases["fit"], hard)
    over = [
        ("analyze --json over the input", ["analyze", str(bases["fit"]), "--json", str(bases["fit"])], [bases["fit"]]),
        ("analyze --json through a symlink", ["analyze", str(bases["fit"]), "--json", str(link)], [bases["fit"]]),
        ("analyze --csv through a hard link", ["analyze", str(bases["fit"]), "--csv", str(hard)], [bases["fit"]]),
        ("analyze --report over --forces", ["analyze", str(mk), "--forces", str(fo), "--report", str(fo)], [mk, fo]),
        ("analyze --video-out over the video (suffix)", ["analyze", str(d / "v.webm"), "--video-out", str(d / "v.mp4")], [d / "v.webm"]),
        ("skill score --json over metadata.tsv", ["skill", "score", "--population", str(bases["pop"]), "--json", str(bases["pop"] / "metadata.tsv")], [bases["pop"] / "metadata.tsv"]),
        ("skill fit --out over runners.tsv", ["skill", "fit", "--population", str(bases["pop"]), "--out", str(bases["pop"] / "runners.tsv")], [bases["pop"] / "runners.tsv"]),
        ("skill score T.c3d --json T.c3d", ["skill", "score", str(c3d), "--json", str(c3d)], [c3d]),
        ("synth imu --truth over the trial", ["synth", "imu", str(c3d), "--out", str(d / "s.csv"), "--truth", str(c3d)], [c3d]),
        ("synth imu --truth over the static", ["synth", "imu", str(c3d), "--static", str(st), "--out", str(d / "s.csv"), "--truth", str(st)], [c3d, st]),
        ("synth imu --out over the markers", ["synth", "imu", str(mk), "--forces", str(fo), "--out", str(d / "m.csv"), "--truth", str(fo)], [mk, fo]),
    ]
    (d / "v.webm").write_bytes(b"\x1a\x45\xdf\xa3" + bytes(100))
    for name, args, ins in over:
        cases.append(Case("overwrite", name, args, ins, None, True))
    # bad arguments
    fit = bases["fit"]
    bad = [
        ["analyze", str(mk), "--forces", str(fo), "--vertical-axis", "Q"],
        ["analyze", str(mk), "--forces", str(fo), "--vertical-axis", "+Y", "--forward-axis", "-y"],
        ["analyze", str(mk), "--forces", str(fo), "--forward-axis", "++X"],
        ["analyze", str(fit), "--speed-mps", "nan"],
        ["analyze", str(fit), "--mass-kg", "-70"],
        ["analyze", str(fit), "--start-s", "10", "--end-s", "5"],
        ["analyze", str(fit), "--end-s", "inf"],
        ["analyze", str(fit), "--events-from", "telepathy"],
        ["analyze", str(mk), "--forces", str(fo), "--rate-hz", "1e300"],
        ["synth", "imu", str(mk), "--forces", str(fo), "--out", str(d / "x.csv"), "--seed", "-1"],
        ["synth", "imu", str(mk), "--forces", str(fo), "--out", str(d / "x.csv"), "--rate-hz", "1e7"],
        ["synth", "imu", str(mk), "--forces", str(fo), "--out", str(d / "x.csv"), "--noise", "1e9"],
        ["skill", "fit", "--population", str(bases["pop"]), "--out", str(d / "m.json"), "--permutations", "1000000000"],
        ["skill", "fit", "--population", str(bases["pop"]), "--out", str(d / "m.json"), "--repeats", "1000000000"],
        ["skill", "fit", "--population", str(bases["pop"]), "--out", str(d / "m.json"), "--seed", "-5"],
        ["skill", "score", "--population", str(bases["pop"]), "--json", str(d)],
    ]
    for args in bad:
        cases.append(Case("bad_args", " ".join(a if len(a) < 30 else Path(a).name for a in args), args, [mk, fo, fit], None, True))
    # hostile population folders
    meta = (bases["pop"] / "metadata.tsv").read_text().splitlines()
    for label, edit in (
        ("text subject", lambda ln, i: re.sub(r"^(\S*\tBMC\t)1\t", r"\1one\t", ln) if i == 3 else ln),
        ("filename outside the folder", lambda ln, i: ln.replace("g01s01t01.txt", "../../../../etc/passwd") if i == 1 else ln),
        ("one runner with one stride", lambda ln, i: ln if "g01s02" not in ln or "g01s02t01" in ln else ""),
    ):
        pd_ = new("")
        shutil.copytree(bases["pop"], pd_)
        (pd_ / "metadata.tsv").write_text("\n".join(x for i, ln in enumerate(meta) if (x := edit(ln, i))) + "\n")
        j = new(".json")
        cases.append(Case("lying_header", f"population: {label}", ["skill", "score", "--population", str(pd_), "--json", str(j)], [pd_ / "metadata.tsv"], None, None))
    return cases


# --- running and judging -------------------------------------------------------------------------


def file_digest(p: Path) -> str | None:
    try:
        if not p.is_file() or os.path.getsize(p) > 200_000_000:
            return None
        return hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        return None


def implausible(doc: dict[str, object]) -> str:
    """The first summary value outside human running (see :data:`PLAUSIBLE`), or ''."""
    s = doc.get("summary")
    if not isinstance(s, dict):
        return ""
    for key, (lo, hi) in PLAUSIBLE.items():
        v = s.get(key)
        if isinstance(v, (int, float)) and np.isfinite(v) and not lo <= v <= hi:
            return f"{key} = {v:.4g}"
    return ""


def judge(case: Case, code: int | None, stderr: str, before: dict[Path, str | None], seconds: float,
          peak_rss_mb: float | None, timed_out: bool, memory_limit_mb: float = 1024.0) -> Outcome:
    """Classify one run (see the module docstring)."""
    changed = [p for p, h in before.items() if h is not None and file_digest(p) != h]
    if changed:
        return Outcome(case, code, stderr, seconds, peak_rss_mb, "overwritten", ", ".join(p.name for p in changed))
    if timed_out:
        return Outcome(case, code, stderr, seconds, peak_rss_mb, "hang", f"> {seconds:.0f} s")
    if code is not None and code < 0 or (peak_rss_mb is not None and peak_rss_mb > memory_limit_mb):
        return Outcome(case, code, stderr, seconds, peak_rss_mb, "memory", f"code {code}, peak {peak_rss_mb} MB")
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    bad = ("internal error", "Traceback", "Warning:", "warnings.warn")
    if any(b in stderr for b in bad) or (code not in (0, None) and len(lines) != 1) or (code == 1):
        return Outcome(case, code, stderr, seconds, peak_rss_mb, "internal", lines[-1][:200] if lines else f"exit {code}, no message")
    if case.json_out is not None and case.json_out.is_file() and case.json_out.stat().st_size == 0:
        return Outcome(case, code, stderr, seconds, peak_rss_mb, "internal", "a 0-byte output left behind")
    if code == 0:
        if case.must_fail:
            return Outcome(case, code, stderr, seconds, peak_rss_mb, "implausible", "exit 0 where a refusal is due")
        if case.json_out is not None and case.json_out.is_file():
            try:
                why = implausible(json.loads(case.json_out.read_text()))
            except (ValueError, OSError):
                why = "unreadable JSON"
            if why:
                return Outcome(case, code, stderr, seconds, peak_rss_mb, "implausible", why)
    return Outcome(case, code, stderr, seconds, peak_rss_mb, "ok", lines[-1][:200] if lines else "")

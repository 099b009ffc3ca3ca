"""SYNTHETIC trial sets for scale tests: thousands of trials derived from real ones, in two formats.

Each synthetic trial is a window of a real motion-capture trial with documented, seeded variation,
written in the source's format: a C3D (markers and force-plate analog channels, read and written
with ``ezc3d``), or a tab-separated text export with its force file (the Fukuchi et al. 2017 layout:
``...markers.txt`` with a ``Time`` column in seconds, ``...forces.txt`` with a frame counter at
twice the marker rate; ``NaN`` for missing samples). The variation:

- **time scaling** ("speed"): the recording is played back faster or slower by a factor ``s``
  drawn uniformly from ``speed_range`` (``y'(t) = y(t0 + s t)``, linear interpolation, same sampling
  rates), so cadence and belt speed scale by ``s``. Positions and force amplitudes are not changed:
  this is **not** a physically valid change of running speed, only a realistic spread of values;
- **noise**: Gaussian noise of ``noise_mm`` (standard deviation) on every marker coordinate, and of
  ``noise_analog`` times each analog channel's standard deviation on the force-plate channels;
- **marker dropout**: with probability ``dropout``, 1-3 random markers lose a gap of 0.05-0.5 s
  (missing samples; the reader fills gaps up to 0.1 s and reports longer ones);
- **time shifts**: the window starts at a random point of the real trial, and the file's first
  frame is moved by 0-1000 frames, so times on the file's axis differ from trial to trial.

The output folder holds the trial files (``SYN_RBDS002_00001runT35.c3d`` from ``RBDS002runT35.c3d``,
``SYN_RBDS001_00002runT25markers.txt`` + ``...forces.txt`` from the text export),
a copy of each source's static trial (``SYN_RBDS002static.c3d``, so that the naming convention
pairs them), ``manifest.csv`` (``trial,static,forces,runner,mass_kg,speed_mps`` plus the variation drawn,
ready for ``stridelab batch --manifest``) and ``SYNTHETIC.txt``. Every file name starts with
``SYN`` and the folder says it is synthetic: these are not recordings of real runners.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.atomic import atomic_open, atomic_path, write_text
from stridelab.errors import InvalidInputError

SYNTHETIC_NOTE = "SYNTHETIC.txt"


@dataclass(frozen=True)
class Variation:
    """The variation of a synthetic set (see the module doc)."""

    duration_s: float = 10.0
    speed_range: tuple[float, float] = (0.9, 1.1)
    noise_mm: float = 1.0
    noise_analog: float = 0.01
    dropout: float = 0.2
    max_first_frame: int = 1000


@dataclass(frozen=True)
class Source:
    """A real trial to derive synthetic ones from."""

    trial: Path
    static: Path | None = None
    runner: str | None = None
    mass_kg: float | None = None
    forces: Path | None = None


def _resample(x: np.ndarray, src_t: np.ndarray, new_t: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``x`` (..., n) from times ``src_t`` to ``new_t`` along the last axis."""
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty((flat.shape[0], new_t.size))
    for i, row in enumerate(flat):
        out[i] = np.interp(new_t, src_t, row)
    return out.reshape(x.shape[:-1] + (new_t.size,))


def synth_trial(source: Path, out: Path, rng: np.random.Generator, var: Variation) -> dict[str, Any]:
    """Write one synthetic C3D derived from ``source``; return the variation drawn."""
    import ezc3d

    try:
        c = ezc3d.c3d(str(source), extract_forceplat_data=False)
    except Exception as e:  # noqa: BLE001 - ezc3d raises plain RuntimeError/IOError
        raise InvalidInputError(f"{source.name}: cannot read it as C3D ({e})") from None
    rate = float(c["parameters"]["POINT"]["RATE"]["value"][0])
    pts = np.asarray(c["data"]["points"], float)
    ana = np.asarray(c["data"]["analogs"], float)
    n_src = pts.shape[2]
    arate = float(c["parameters"]["ANALOG"]["RATE"]["value"][0]) if ana.size else rate
    total_s = (n_src - 1) / rate
    scale = float(rng.uniform(*var.speed_range))
    span_src = var.duration_s * scale
    if span_src >= total_s:
        raise InvalidInputError(f"{source.name}: {total_s:.1f} s is too short for {var.duration_s:.1f}-s synthetic trials")
    t0 = float(rng.uniform(0.0, total_s - span_src))
    n_new = int(round(var.duration_s * rate))
    new_t = t0 + scale * np.arange(n_new) / rate
    xyz = _resample(pts[:3], np.arange(n_src) / rate, new_t)
    xyz += rng.normal(0.0, var.noise_mm, xyz.shape) if var.noise_mm > 0 else 0.0
    dropped: list[str] = []
    if rng.random() < var.dropout:
        labels = list(c["parameters"]["POINT"]["LABELS"]["value"])
        for m in rng.choice(pts.shape[1], size=int(rng.integers(1, 4)), replace=False):
            g = int(rng.uniform(0.05, 0.5) * rate)
            s0 = int(rng.integers(0, max(1, n_new - g)))
            xyz[:, m, s0 : s0 + g] = np.nan
            dropped.append(f"{labels[m]}:{g / rate:.2f}s")
    new_pts = np.concatenate([xyz, np.ones((1,) + xyz.shape[1:])], axis=0)
    new_pts[3][~np.isfinite(xyz).all(axis=0)] = np.nan
    c["data"]["points"] = new_pts
    if ana.size:
        ratio = int(round(arate / rate))
        na = n_new * ratio
        at = t0 + scale * np.arange(na) / arate
        a = _resample(ana, np.arange(ana.shape[2]) / arate, at)
        if var.noise_analog > 0:
            sd = np.nanstd(ana, axis=2, keepdims=True)
            a += rng.normal(0.0, 1.0, a.shape) * sd * var.noise_analog
        c["data"]["analogs"] = a
    if "meta_points" in c["data"]:
        del c["data"]["meta_points"]
    first = int(rng.integers(0, var.max_first_frame + 1))
    c["header"]["points"]["first_frame"] = first
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        c.write(str(tmp))
    return {"time_scale": round(scale, 4), "window_start_s": round(t0, 3), "first_frame": first, "noise_mm": var.noise_mm,
            "noise_analog": var.noise_analog, "dropped_markers": ";".join(dropped)}


def _text_table(path: Path) -> tuple[list[str], np.ndarray]:
    import pandas as pd

    try:
        df = pd.read_csv(path, sep="\t")
    except Exception as e:  # noqa: BLE001 - pandas raises many types
        raise InvalidInputError(f"{path.name}: cannot read it as a tab-separated export ({e})") from None
    return [str(c) for c in df.columns], df.to_numpy(float)


def synth_text_trial(markers: Path, forces: Path, out_markers: Path, out_forces: Path, rng: np.random.Generator, var: Variation) -> dict[str, Any]:
    """Write one synthetic text export (markers + forces, Fukuchi 2017 layout) derived from a real one."""
    import pandas as pd

    mcols, m = _text_table(markers)
    fcols, f = _text_table(forces)
    t = m[:, 0]
    rate = (m.shape[0] - 1) / (t[-1] - t[0])
    frate = 2.0 * rate  # the layout's force rate: twice the marker rate (300 / 150 Hz)
    total_s = t[-1] - t[0]
    scale = float(rng.uniform(*var.speed_range))
    span_src = var.duration_s * scale
    if span_src >= total_s:
        raise InvalidInputError(f"{markers.name}: {total_s:.1f} s is too short for {var.duration_s:.1f}-s synthetic trials")
    t0 = float(rng.uniform(0.0, total_s - span_src))
    n_new = int(round(var.duration_s * rate))
    src = np.arange(m.shape[0]) / rate
    new_t = t0 + scale * np.arange(n_new) / rate
    xyz = _resample(m[:, 1:].T, src, new_t).T
    if var.noise_mm > 0:
        xyz += rng.normal(0.0, var.noise_mm, xyz.shape)
    dropped: list[str] = []
    if rng.random() < var.dropout:
        n_markers = xyz.shape[1] // 3
        for k in rng.choice(n_markers, size=int(rng.integers(1, 4)), replace=False):
            g = int(rng.uniform(0.05, 0.5) * rate)
            s0 = int(rng.integers(0, max(1, n_new - g)))
            xyz[s0 : s0 + g, 3 * k : 3 * k + 3] = np.nan
            dropped.append(f"{mcols[1 + 3 * k][:-1]}:{g / rate:.2f}s")
    shift = int(rng.integers(0, var.max_first_frame + 1))
    start_s = shift / rate
    out_markers.parent.mkdir(parents=True, exist_ok=True)
    mt = pd.DataFrame(xyz, columns=mcols[1:])
    mt.insert(0, mcols[0], np.round(start_s + np.arange(n_new) / rate, 3))
    write_text(out_markers, mt.to_csv(sep="\t", index=False, float_format="%.6g", na_rep="NaN"))
    nf = 2 * n_new
    fsrc = np.arange(f.shape[0]) / frate
    fv = _resample(f[:, 1:].T, fsrc, t0 + scale * np.arange(nf) / frate).T
    if var.noise_analog > 0:
        fv += rng.normal(0.0, 1.0, fv.shape) * np.nanstd(f[:, 1:], axis=0) * var.noise_analog
    ft = pd.DataFrame(fv, columns=fcols[1:])
    ft.insert(0, fcols[0], 1 + 2 * shift + np.arange(nf))
    write_text(out_forces, ft.to_csv(sep="\t", index=False, float_format="%.6g", na_rep="NaN"))
    return {"time_scale": round(scale, 4), "window_start_s": round(t0, 3), "first_frame": shift, "noise_mm": var.noise_mm,
            "noise_analog": var.noise_analog, "dropped_markers": ";".join(dropped)}


def synth_set(sources: list[Source], out: Path, n: int, seed: int = 0, var: Variation | None = None) -> Path:
    """Write ``n`` SYNTHETIC trials derived round-robin from ``sources`` into ``out``; returns the manifest."""
    if not sources:
        raise InvalidInputError("no source trial (C3D, or a text export with its forces) to derive synthetic trials from")
    if n < 1:
        raise InvalidInputError("the number of synthetic trials must be at least 1")
    var = var or Variation()
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    statics: dict[Path, str] = {}
    for s in sources:
        if s.static is not None and s.static not in statics:
            name = f"SYN_{s.static.name}"
            with atomic_path(out / name) as tmp:
                shutil.copyfile(s.static, tmp)
            statics[s.static] = name
    rows = []
    for i in range(n):
        s = sources[i % len(sources)]
        stem, ext = s.trial.stem, s.trial.suffix.lower()
        base = f"SYN_{s.runner}_{i + 1:05d}{stem[len(s.runner):]}" if s.runner and stem.startswith(s.runner) else f"SYN_{stem}_{i + 1:05d}"
        forces = ""
        if ext == ".c3d":
            name = base + ".c3d"
            drawn = synth_trial(s.trial, out / name, rng, var)
        elif s.forces is not None and base.lower().endswith("markers"):
            name, forces = base + ext, base[: -len("markers")] + "forces" + ext
            drawn = synth_text_trial(s.trial, s.forces, out / name, out / forces, rng, var)
        else:
            raise InvalidInputError(f"{s.trial.name}: synthetic trials are derived from C3D files or ...markers.txt exports with their forces file")
        rows.append({"trial": name, "static": statics.get(s.static, "") if s.static else "", "forces": forces, "runner": f"SYN{i + 1:05d}",
                     "mass_kg": "" if s.mass_kg is None else s.mass_kg, "speed_mps": "", "source": s.trial.name, "synthetic": "true", **drawn})
    manifest = out / "manifest.csv"
    with atomic_open(manifest, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    write_text(
        out / SYNTHETIC_NOTE,
        "SYNTHETIC data, not recordings of real runners.\n"
        f"{n} trials derived from {len(sources)} real trials by stridelab.synth.trials (seed {seed}): {var}.\n"
        "Time scaling changes cadence and belt speed but not positions or forces: not a physically valid speed change.\n",
        encoding="utf-8",
    )
    return manifest


__all__ = ["SYNTHETIC_NOTE", "Source", "Variation", "synth_set", "synth_text_trial", "synth_trial"]

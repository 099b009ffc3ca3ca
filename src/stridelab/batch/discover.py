"""Find the trials of a folder (or a list of files) and pair each with its static and force files.

Rules (a manifest CSV overrides them all, see :func:`read_manifest`):

- **Recordings**: ``.c3d``, ``.trc``, ``.fit``, videos, IMU/keypoint files that
  :func:`stridelab.io.detect_format` recognises, text marker exports named ``*markers.*``, and
  OpenPose frame folders (a folder of ``*_keypoints.json`` is one trial).
- **Static trials**: a name containing ``static`` (any case). A trial gets the static trial of its
  folder whose *id* (the name before ``static``, e.g. ``RBDS002`` of ``RBDS002static.c3d``,
  ``20140515T133244`` of ``20140515T133244_static.c3d``, ``JA1`` of ``JA1Static05.c3d``) is the
  longest prefix of the trial's name.
- **Force files**: ``{X}forces.{ext}`` goes with ``{X}markers.{ext}`` (Fukuchi et al. 2017 text
  exports, ``RBDS001runT25markers.txt``); ``{stem}.mot``, ``{stem}_grf.mot`` or
  ``{stem}_forces.mot`` goes with ``{stem}.trc`` (OpenSim). Other ``.mot`` files (e.g. ``*_ik.mot``
  inverse-kinematics results) are not trials.
- **Runner id**: the static trial's id, else the name before ``run``/``walk``/``gait``/``trial``,
  else the file name without extension.
- **Body mass**: ``participantInfo.csv`` anywhere in the input (Fukuchi et al. 2017: ``FileName``,
  ``Mass`` in kg) gives the mass of every file it names (given to the analysis), and its height,
  age, sex, level and race pace (runner metadata for ``trials.tsv``, not given to the analysis).
- **Synthetic**: a trial in a folder holding ``SYNTHETIC.txt`` (or marked ``synthetic`` in a
  manifest) is flagged synthetic in every output.
- Metadata and documentation (``README*``, ``*.md``, ``participantInfo.csv``, ``RBDSinfo.txt``,
  ``*processed.txt``, ``metadata.tsv``, ``trials.tsv`` ...) are skipped, as are files that no
  reader recognises; :class:`Discovery` lists them with the reason.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from stridelab.batch.jobs import Job
from stridelab.errors import InvalidInputError, UsageError

VIDEO_EXTENSIONS = (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")
SNIFFED_EXTENSIONS = (".txt", ".tsv", ".csv", ".dat", ".gz", ".json", ".parquet")
#: Lower-case names (or name patterns) that are metadata, not recordings.
METADATA = re.compile(
    r"^(readme.*|.*\.md|participantinfo\.csv|rbdsinfo\.txt|.*processed\.txt|metadata\.tsv|trials\.(tsv|csv)|"
    r"runners\.(tsv|csv)|manifest\.csv|failures\.csv|.*_metadata\.csv|.*groundtruth\.json|sub_info.*\.csv|synthetic\.txt)$"
)
STATIC = re.compile(r"static", re.IGNORECASE)
RUNNER_FROM_NAME = re.compile(r"^(.+?)[_\- ]?(run|walk|gait|trial)", re.IGNORECASE)
MANIFEST_COLUMNS = ("trial", "static", "forces", "runner", "mass_kg", "speed_mps")


@dataclass
class Discovery:
    """Jobs found, and the files left out with the reason (``{path: reason}``)."""

    jobs: list[Job]
    skipped: dict[str, str] = field(default_factory=dict)
    root: str = ""
    #: trial id -> runner metadata that does not change the analysis (pace, level, sex, age, height),
    #: for the population manifest ``trials.tsv``.
    meta: dict[str, dict[str, object]] = field(default_factory=dict)


def _static_id(stem: str) -> str:
    m = STATIC.search(stem)
    return stem[: m.start()].rstrip("_- .") if m else stem


def _trial_id(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(path.name)
    return rel.as_posix()


def _walk(root: Path, exclude: Path | None) -> tuple[list[Path], list[Path]]:
    """(files, openpose frame folders) under root, sorted; hidden entries and ``exclude`` left out."""
    files: list[Path] = []
    folders: list[Path] = []
    ex = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        dirnames[:] = sorted(n for n in dirnames if not n.startswith(".") and (ex is None or (d / n).resolve() != ex))
        names = sorted(n for n in filenames if not n.startswith("."))
        if any(n.endswith("_keypoints.json") for n in names):
            folders.append(d)
            names = [n for n in names if not n.endswith("_keypoints.json")]
        files.extend(d / n for n in names)
    return files, folders


def _kind(path: Path) -> str | None:
    """'recording', 'static', 'forces' or None (not ours), from the name and, for text, the header."""
    name = path.name.lower()
    ext = path.suffix.lower()
    if METADATA.match(name):
        return None
    stem = path.stem.lower()
    if ext == ".mot":
        return "forces" if not stem.endswith("_ik") else None
    if STATIC.search(stem) and ext in (".c3d", ".trc", ".txt", ".tsv", ".csv"):
        return "static"
    if re.search(r"forces?$", stem):
        return "forces"
    if ext in (".c3d", ".trc", ".fit") or ext in VIDEO_EXTENSIONS:
        return "recording"
    if ext in SNIFFED_EXTENSIONS:
        from stridelab.io import detect_format

        try:
            fmt = detect_format(path)
        except InvalidInputError:
            return None
        if fmt != "text":
            return "recording"
        return "recording" if re.search(r"markers?$", stem) else None
    return None


def _forces_for(path: Path, forces: dict[Path, Path]) -> Path | None:
    stem, ext = path.stem, path.suffix.lower()
    if ext == ".trc":
        for cand in (f"{stem}.mot", f"{stem}_grf.mot", f"{stem}_forces.mot"):
            p = path.with_name(cand)
            if p in forces:
                return p
        return None
    m = re.search(r"markers?$", stem, re.IGNORECASE)
    if m:
        base = stem[: m.start()]
        for p in forces:
            if p.parent == path.parent and p.suffix.lower() == ext and re.fullmatch(re.escape(base) + r"forces?", p.stem, re.IGNORECASE):
                return p
    return None


def _static_for(path: Path, statics: list[Path]) -> Path | None:
    best: tuple[int, Path] | None = None
    stem = path.stem.lower()
    for s in statics:
        if s.parent != path.parent:
            continue
        sid = _static_id(s.stem).lower()
        if sid and stem.startswith(sid) and (best is None or len(sid) > best[0]):
            best = (len(sid), s)
    return best[1] if best else None


def _runner(path: Path, static: Path | None) -> tuple[str, str]:
    if static is not None:
        return _static_id(static.stem), "naming: id of the static trial"
    m = RUNNER_FROM_NAME.match(path.stem)
    if m:
        return m.group(1).rstrip("_- ."), "naming: name before run/walk/gait/trial"
    return path.stem, "file name"


def participant_masses(files: list[Path]) -> dict[str, float]:
    """File name -> body mass (kg) from every ``participantInfo.csv`` among ``files`` (Fukuchi 2017)."""
    out: dict[str, float] = {}
    for k, v in participant_info(files).items():
        m = v.get("mass_kg")
        if isinstance(m, float):
            out[k] = m
    return out


def _float(v: str | None, lo: float, hi: float) -> float | None:
    try:
        f = float((v or "").strip())
    except ValueError:
        return None
    return f if lo <= f <= hi else None


def participant_info(files: list[Path]) -> dict[str, dict[str, object]]:
    """File name -> mass_kg, height_m, age_y, sex, level, pace_min_per_km from every ``participantInfo.csv``
    among ``files`` (Fukuchi 2017 columns ``FileName``, ``Mass``, ``Height`` (cm), ``Age``, ``Gender``,
    ``Level``, ``Pace`` (race pace, min/km))."""
    out: dict[str, dict[str, object]] = {}
    for f in files:
        if f.name.lower() != "participantinfo.csv":
            continue
        try:
            with open(f, newline="", encoding="utf-8", errors="replace") as fh:
                for row in csv.DictReader(fh):
                    name = (row.get("FileName") or "").strip()
                    if not name:
                        continue
                    height = _float(row.get("Height"), 100.0, 250.0)
                    info = {
                        "mass_kg": _float(row.get("Mass"), 20.0, 250.0), "height_m": height / 100.0 if height else None,
                        "age_y": _float(row.get("Age"), 5.0, 110.0), "sex": (row.get("Gender") or "").strip() or None,
                        "level": (row.get("Level") or "").strip().lower() or None, "pace_min_per_km": _float(row.get("Pace"), 2.0, 15.0),
                    }
                    out[name.lower()] = {k: v for k, v in info.items() if v is not None}
        except OSError:
            continue
    return out


def discover(inputs: list[Path], exclude: Path | None = None) -> Discovery:
    """Trials of the given folders and files, paired by naming convention (see the module doc)."""
    files: list[Path] = []
    frame_folders: list[Path] = []
    roots: list[Path] = []
    for p in inputs:
        if p.is_dir():
            found, frames = _walk(p, exclude)
            files += found
            frame_folders += frames
            roots.append(p)
        elif p.is_file():
            files.append(p)
            roots.append(p.parent)
        else:
            raise InvalidInputError(f"input not found: {p}")
    root = Path(os.path.commonpath([str(r.resolve()) for r in roots])) if roots else Path(".")
    info = participant_info(files)
    kinds = {f: _kind(f) for f in files}
    statics = [f for f, k in kinds.items() if k == "static"]
    forces = {f: f for f, k in kinds.items() if k == "forces"}
    skipped: dict[str, str] = {}
    meta: dict[str, dict[str, object]] = {}
    used: set[Path] = set()
    jobs: list[Job] = []
    for f in files:
        if kinds[f] != "recording":
            if kinds[f] is None:
                skipped[str(f)] = "metadata or not a recording that stridelab reads"
            continue
        st = _static_for(f, statics) if f.suffix.lower() in (".c3d", ".trc", ".txt", ".tsv", ".csv") else None
        fo = _forces_for(f, forces)
        runner, how = _runner(f, st)
        sources = {"runner": how}
        if st:
            sources["static"] = "naming: same folder, static id is the longest prefix of the trial name"
            used.add(st)
        if fo:
            sources["forces"] = "naming: markers/forces or OpenSim .trc/.mot pair"
            used.add(fo)
        pinfo = dict(info.get(f.name.lower(), {}))
        mass = pinfo.pop("mass_kg", None)
        if mass is not None:
            sources["mass_kg"] = "participantInfo.csv"
        syn = (f.parent / "SYNTHETIC.txt").is_file()
        job = Job(_trial_id(f, root), str(f), str(st) if st else None, str(fo) if fo else None, runner, mass if isinstance(mass, float) else None, None, sources, synthetic=syn)
        jobs.append(job)
        if pinfo:
            meta[job.trial_id] = pinfo
    for d in frame_folders:
        jobs.append(Job(_trial_id(d, root), str(d), runner=d.name, sources={"runner": "folder name (OpenPose frames)"}))
    for f, k in kinds.items():
        if k in ("static", "forces") and f not in used:
            skipped[str(f)] = f"a {k} file that no trial in its folder pairs with"
    jobs.sort(key=lambda j: j.trial_id)
    return Discovery(jobs, skipped, str(root), meta)


def safe_id(name: str) -> str:
    """A trial id that is a relative path without ``..`` (absolute paths lose their anchor), so
    that ``OUT/json/<id>.json`` always stays inside ``OUT/json``."""
    p = Path(name)
    parts = [("__" if q == ".." else q) for q in p.parts[1 if p.is_absolute() else 0 :] if q not in ("", ".")]
    return "/".join(parts) or "trial"


def _num(v: str | None, what: str, line: int, path: Path) -> float | None:
    if v is None or not v.strip():
        return None
    try:
        return float(v)
    except ValueError:
        raise InvalidInputError(f"{path} line {line}: {what} = {v!r} is not a number") from None


def read_manifest(path: Path) -> Discovery:
    """Jobs of a manifest CSV with columns ``trial,static,forces,runner,mass_kg,speed_mps``.

    Only ``trial`` is required; paths are relative to the manifest's folder. A listed file that does
    not exist becomes a failed trial of the batch (with its reason), not an error of the whole run.
    """
    if not path.is_file():
        raise InvalidInputError(f"manifest not found: {path}")
    base = path.parent
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            delim = "\t" if sample.count("\t") > sample.count(",") else ","
            reader = csv.DictReader(fh, delimiter=delim)
            cols = [c.strip() for c in reader.fieldnames or []]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InvalidInputError(f"cannot read manifest {path} ({e})") from None
    if "trial" not in cols:
        raise UsageError(f"manifest {path} needs a 'trial' column (columns: {', '.join(MANIFEST_COLUMNS)})")
    jobs: list[Job] = []
    seen: set[str] = set()
    for i, raw in enumerate(rows, start=2):
        row = {str(k).strip(): (v.strip() if isinstance(v, str) else None) for k, v in raw.items() if k is not None}
        t = row.get("trial") or ""
        if not t:
            raise InvalidInputError(f"{path} line {i}: empty 'trial'")

        def resolve(v: str | None) -> str | None:
            return str(base / v) if v else None

        trial = resolve(t)
        assert trial is not None
        tid = safe_id(t)
        if tid in seen:
            raise InvalidInputError(f"{path} line {i}: {t} is listed twice")
        seen.add(tid)
        runner = row.get("runner") or _runner(Path(trial), Path(resolve(row.get("static")) or "") if row.get("static") else None)[0]
        jobs.append(Job(
            tid, trial, resolve(row.get("static")), resolve(row.get("forces")), runner,
            _num(row.get("mass_kg"), "mass_kg", i, path), _num(row.get("speed_mps"), "speed_mps", i, path),
            {k: "manifest" for k in ("static", "forces", "runner", "mass_kg", "speed_mps") if row.get(k)},
            synthetic=(row.get("synthetic") or "").lower() in ("true", "1", "yes") or (base / "SYNTHETIC.txt").is_file(),
        ))
    if not jobs:
        raise InvalidInputError(f"manifest {path} lists no trial")
    return Discovery(jobs, {}, str(base.resolve()))


def read_list(path: Path) -> list[Path]:
    """Paths of a list file (one per line, ``#`` comments; relative to the list's folder)."""
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            p = Path(s)
            out.append(p if p.is_absolute() else path.parent / p)
    return out


__all__ = ["Discovery", "discover", "safe_id", "participant_info", "participant_masses", "read_list", "read_manifest"]

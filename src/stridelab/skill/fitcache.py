"""Fit a skill model on a population folder once and reuse it: a cache keyed by the folder's contents.

``stridelab skill score TRIAL --population DIR`` fits a model on ``DIR`` on the fly; the fitted model
is stored as ``<cache>/<key>.json`` (a plain model file) where ``<cache>`` is ``$STRIDELAB_CACHE_DIR``
or ``~/.cache/stridelab/skill``. The key is the SHA-256 of the model format version, the stridelab
version, the fit options and, for every file of the folder (and every recording, static trial and
force file its manifest names), its path, size and modification time: changing, adding or removing
a file refits.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from stridelab.skill.fit import FitOptions, fit_model
from stridelab.skill.model import FORMAT_VERSION, SkillModel, load_model


def cache_dir() -> Path:
    """Where fitted models are cached."""
    env = os.environ.get("STRIDELAB_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "stridelab" / "skill"


def _files(folder: Path) -> list[Path]:
    from stridelab.skill.trials import read_manifest

    files = sorted(p for p in folder.iterdir() if p.is_file())
    rows = read_manifest(folder) if not (folder / "metadata.tsv").is_file() else None
    for row in (rows or {}).values():
        for col in ("file", "static", "forces"):
            if row.get(col):
                files.append(folder / str(row[col]))
    return files


def population_key(folder: str | Path, performance: str | Path | None, opts: FitOptions) -> str:
    """Cache key of a fit of ``folder`` (see the module doc)."""
    from stridelab import __version__

    h = hashlib.sha256()
    h.update(json.dumps({"format": FORMAT_VERSION, "version": __version__, "options": asdict(opts)}, sort_keys=True, default=str).encode())
    paths = _files(Path(folder)) + ([Path(performance)] if performance else [])
    for p in paths:
        st = p.stat()
        h.update(f"{p.resolve()}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:32]


def fitted_model(folder: str | Path, performance: str | Path | None = None, opts: FitOptions | None = None,
                 directory: str | Path | None = None) -> tuple[SkillModel, Path, bool]:
    """The model fitted on ``folder`` with ``opts``: (model, its cache file, whether it came from the cache)."""
    from stridelab.skill.trials import load_population

    opts = opts or FitOptions()
    d = Path(directory) if directory is not None else cache_dir()
    path = d / f"{population_key(folder, performance, opts)}.json"
    if path.is_file():
        return load_model(path), path, True
    model = fit_model(load_population(folder, performance), opts)
    d.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    model.save(tmp)
    tmp.replace(path)
    return model, path, False

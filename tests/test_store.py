"""The runner's record store on SQLite and on a real PostgreSQL server the suite starts itself:
idempotent imports, all-or-nothing transactions (also when the importing process is killed),
concurrent imports that lose nothing, migrations. The analysis stored is of the real example trial
(examples/fukuchi2017, RBDS001 at 3.5 m/s)."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from _postgres import PgServer, postgres_server
from stridelab.store import Store, store_analysis
from stridelab.store.engine import default_path, resolve_url
from stridelab.store.models import Analysis, File, Metric, Runner, Session, Trial

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"
STATIC = EXAMPLE.with_name("RBDS001static.c3d")
TABLES = (Runner, Session, File, Trial, Analysis, Metric)


@pytest.fixture(scope="module")
def analysis() -> object:
    import stridelab as sl

    return sl.analyze(sl.read(EXAMPLE, static=STATIC), sl.AnalysisOptions(mass_kg=62))


@pytest.fixture(scope="module")
def analysis_pickle(analysis: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("pkl") / "analysis.pkl"
    p.write_bytes(pickle.dumps(analysis))
    return p


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    yield from postgres_server()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "record.sqlite")
    server: PgServer = request.getfixturevalue("pg")
    return server.new_database()


def counts(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}


def test_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIDELAB_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url(None) == "sqlite:///" + str(tmp_path / "stridelab" / "record.sqlite")
    assert default_path() == tmp_path / "stridelab" / "record.sqlite"
    monkeypatch.setenv("STRIDELAB_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url(None).endswith("env.sqlite")
    assert resolve_url(tmp_path / "given.sqlite").endswith("given.sqlite")  # --db wins over the environment
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_import_is_idempotent_and_complete(url: str, analysis: object) -> None:
    store = Store(url)
    files = {"file": EXAMPLE, "static": STATIC}
    r1 = store_analysis(store, "R1", analysis, files, date=dt.date(2026, 1, 5), parameters={"mass_kg": 62})  # type: ignore[arg-type]
    assert r1.status == "new" and r1.n_metrics > 50
    before = counts(store)
    assert before == {"runners": 1, "sessions": 1, "files": 2, "trials": 1, "analyses": 1, "metrics": r1.n_metrics}
    r2 = store_analysis(store, "R1", analysis, files, date=dt.date(2026, 3, 1), parameters={"mass_kg": 62})  # type: ignore[arg-type]
    assert r2.status == "already stored"
    assert counts(store) == before
    # the same files for another runner: a new trial, the files are kept once
    r3 = store_analysis(store, "R2", analysis, files, date=dt.date(2026, 1, 5), parameters={"mass_kg": 62})  # type: ignore[arg-type]
    assert r3.status == "new"
    c = counts(store)
    assert c["files"] == 2 and c["trials"] == 2 and c["runners"] == 2
    with store.read() as s:
        a = s.scalars(select(Analysis)).first()
        assert a is not None and a.stridelab_version and "events" in a.methods and a.parameters == {"mass_kg": 62}
        assert len(a.steps["data"]) == len(analysis.steps)  # type: ignore[attr-defined]
        f = s.get(File, r1 and _sha(EXAMPLE))
        assert f is not None and f.content == EXAMPLE.read_bytes()
    assert [r.code for r in store.runners()] == ["R1", "R2"]
    store.close()


def _sha(p: Path) -> str:
    from stridelab.store.ingest import sha256_file

    return sha256_file(p)


def test_failed_import_leaves_nothing(url: str, analysis: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import stridelab.store.ingest as ingest

    store = Store(url)

    def boom(_steps: object) -> dict[str, object]:
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(ingest, "_steps_json", boom)  # fails after runner, session, files and trial were flushed
    with pytest.raises(RuntimeError):
        store_analysis(store, "R1", analysis, {"file": EXAMPLE}, date=dt.date(2026, 1, 5))  # type: ignore[arg-type]
    assert set(counts(store).values()) == {0}
    monkeypatch.undo()
    assert store_analysis(store, "R1", analysis, {"file": EXAMPLE}, date=dt.date(2026, 1, 5)).status == "new"  # type: ignore[arg-type]


@pytest.mark.slow
def test_killed_import_leaves_nothing(url: str, analysis_pickle: Path, tmp_path: Path) -> None:
    Store(url).close()  # schema in place, so that the child is killed inside the import itself
    flag = tmp_path / "flushed"
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "_store_child.py"), "kill", url, str(analysis_pickle), str(EXAMPLE), str(flag)],
                             env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.monotonic()
    while not flag.exists():
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        assert time.monotonic() - t0 < 60, "the child never reached the middle of the import"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    store = Store(url)
    assert set(counts(store).values()) == {0}  # rows flushed inside the transaction are gone
    store.close()


@pytest.mark.slow
def test_concurrent_imports_lose_nothing(url: str, analysis_pickle: Path, tmp_path: Path) -> None:
    Store(url).close()
    go = tmp_path / "go"
    children = [
        subprocess.Popen([sys.executable, str(ROOT / "tests" / "_store_child.py"), "race", url, str(analysis_pickle), str(EXAMPLE), str(go), f"own{i}", "shared"],
                         env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(3)
    ]
    time.sleep(1.0)
    go.touch()
    outs = [c.communicate(timeout=120) for c in children]
    for c, (_out, err) in zip(children, outs, strict=True):
        assert c.returncode == 0, err[-2000:]
    lines = [ln for out, _ in outs for ln in out.splitlines()]  # each own runner first: all three insert the same file at once
    assert sorted(lines)[:3] == ["own0 new", "own1 new", "own2 new"]
    shared = sorted(ln for ln in lines if ln.startswith("shared"))
    assert shared == ["shared already stored", "shared already stored", "shared new"]
    store = Store(url)
    c = counts(store)
    assert c["runners"] == 4 and c["trials"] == 4 and c["analyses"] == 4 and c["files"] == 1
    store.close()


def test_bad_database_is_one_line_error(tmp_path: Path) -> None:
    from stridelab.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        Store("mysql://nobody@nowhere/db")
    (tmp_path / "not.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(InvalidInputError):
        Store(tmp_path / "not.sqlite")


def test_migrations_match_the_models(url: str) -> None:
    """The shipped Alembic migration creates exactly the tables, columns and indexes of the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from stridelab.store.models import Base

    store = Store(url)
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    Store(url).close()  # opening a current store again migrates nothing
    store.close()


def test_owners_keep_their_runners_apart(url: str, analysis: object) -> None:
    """The same runner code under two owners (e.g. two coaches) is two records."""
    from stridelab.history import load_record

    store = Store(url)
    for owner in ("coach_a", "coach_b"):
        r = store_analysis(store, "R1", analysis, {"file": EXAMPLE}, date=dt.date(2026, 1, 5), owner=owner)  # type: ignore[arg-type]
        assert r.status == "new"
    assert [(r.code, r.owner) for r in store.runners()] == [("R1", "coach_a"), ("R1", "coach_b")]
    assert [r.owner for r in store.runners(owner="coach_b")] == ["coach_b"]
    assert len(load_record(store, "R1", owner="coach_a").trials) == 1
    assert store.runner_id("R1") is None  # no owner: not found
    store.close()

"""``stridelab token create|revoke|grant`` and the access rules of :mod:`stridelab.store.access`,
including the migration of a record made before tokens existed (revision 0001 -> 0002)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from stridelab.cli.main import main
from stridelab.store import Store
from stridelab.store.access import (
    Principal,
    authenticate,
    create_runner,
    find_runner,
    grant,
    token_hash,
    visible_runners,
)


def test_token_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "r.sqlite")
    assert main(["token", "create", "--user", "ann", "--role", "coach", "--db", db]) == 0
    tok = capsys.readouterr().out.strip()
    assert len(tok) >= 40
    with Store(db) as st:
        p = authenticate(st, tok)
        assert p is not None and (p.user, p.role) == ("ann", "coach")
        with st.read() as s:  # only the hash is stored
            stored = [r[0] for r in s.execute(text("SELECT token_sha256 FROM tokens"))]
        assert stored == [token_hash(tok)] and tok not in stored
    assert main(["token", "create", "--user", "ann", "--role", "boss", "--db", db]) == 2
    assert "--role must be one of" in capsys.readouterr().err
    assert main(["token", "revoke", tok, "--db", db]) == 0
    assert main(["token", "revoke", tok, "--db", db]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such active token" in err
    with Store(db) as st:
        assert authenticate(st, tok) is None
    assert main(["token", "grant", "--runner", "R9", "--user", "ann", "--db", db]) == 3


def test_roles_see_their_runners(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as st:
        a, b, adm, run = Principal("a", "coach", 1), Principal("b", "coach", 2), Principal("root", "admin", 3), Principal("R2", "runner", 4)
        create_runner(st, a, "R1", "Ann")
        create_runner(st, b, "R2")
        create_runner(st, adm, "R2")  # the shared record's R2 (owner "")
        assert [r.code for r in visible_runners(st, a)] == ["R1"]
        assert find_runner(st, b, "R1") is None and find_runner(st, run, "R1") is None
        assert [(r.code, r.owner) for r in visible_runners(st, adm)] == [("R1", "a"), ("R2", ""), ("R2", "b")]
        assert [(r.code, r.owner) for r in visible_runners(st, run)] == [("R2", "")]  # not coach b's R2 by its id alone
        grant(st, "R2", "R2", owner="b")
        assert [(r.code, r.owner) for r in visible_runners(st, run)] == [("R2", ""), ("R2", "b")]
        grant(st, "R1", "b", owner="a")
        ref = find_runner(st, b, "R1")
        assert ref is not None and (ref.owner, ref.name) == ("a", "Ann")
        with pytest.raises(PermissionError):
            create_runner(st, run, "R3")


def test_migration_from_a_record_without_tokens(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    db = tmp_path / "old.sqlite"
    st = Store(db, migrate=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__import__("stridelab.store.engine").store.engine.__file__).with_name("migrations")))
    with st.engine.connect().execution_options(write=True) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO runners (code, owner, created_at) VALUES ('OLD', '', '2026-01-01 00:00:00')"))
    st.close()
    with Store(db) as st:  # opening migrates to 0002 and keeps the runner
        assert [r.code for r in visible_runners(st, Principal("root", "admin", 1))] == ["OLD"]
        with st.read() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"


def test_serve_refuses_bad_options_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--thresholds", str(tmp_path / "missing.csv"), "--db", str(tmp_path / "r.sqlite")]) == 3
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("stridelab: error:") == 2 and "Traceback" not in err

"""The service over a PostgreSQL record (a private server, as in the store tests): roles, a real
upload of the bundled C3D, history; skips with a message when PostgreSQL is absent."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from _postgres import PgServer, postgres_server
from _service import bearer, grant_r1, make_app, make_record

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    yield from postgres_server()


@pytest.mark.slow
def test_service_on_postgresql(pg: PgServer, tmp_path: Path, example_dir: Path) -> None:
    db, toks = make_record(tmp_path, pg.new_database())
    with TestClient(make_app(db, tmp_path)) as client:
        assert client.get("/health", headers=bearer(toks.admin)).json()["database"] == "postgresql"
        assert client.post("/runners", json={"id": "R1"}, headers=bearer(toks.coach_a)).status_code == 201
        grant_r1(db)
        r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a), data={"date": "2026-02-01"},
                        files=[("files", ("t.c3d", (example_dir / "RBDS001runT35.c3d").read_bytes(), "application/octet-stream"))])
        assert r.status_code == 201 and r.json()["results"][0]["status"] == "new"
        assert [s["date"] for s in client.get("/runners/R1/history", headers=bearer(toks.runner)).json()["sessions"]] == ["2026-02-01"]
        assert client.get("/runners/R1/flags", headers=bearer(toks.coach_b)).status_code == 404
        assert client.get("/runners/R1/flags", headers=bearer(toks.revoked)).status_code == 401

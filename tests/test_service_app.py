"""The service's routes over the bundled real example (SQLite): the same JSON as the CLI, roles,
uploads stored under their hash, jobs, report as HTML or PDF."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from _service import bearer, grant_r1, make_app, make_record
from stridelab.cli.main import main


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, example_dir: Path):  # type: ignore[no-untyped-def]
    """An app with runner R1 of coach A holding one upload of the bundled C3D (one analysis per module)."""
    tmp = tmp_path_factory.mktemp("service")
    db, toks = make_record(tmp)
    app = make_app(db, tmp)
    with TestClient(app) as client:
        assert client.post("/runners", json={"id": "R1", "name": "Ann"}, headers=bearer(toks.coach_a)).status_code == 201
        assert client.get("/runners/R1/history", headers=bearer(toks.runner)).status_code == 404  # not theirs until granted
        grant_r1(db)
        files = [("files", ("RBDS001runT35.c3d", (example_dir / "RBDS001runT35.c3d").read_bytes(), "application/octet-stream")),
                 ("static", ("RBDS001static.c3d", (example_dir / "RBDS001static.c3d").read_bytes(), "application/octet-stream"))]
        r = client.post("/runners/R1/sessions", files=files, data={"date": "2026-01-05", "mass_kg": "62"}, headers=bearer(toks.coach_a))
        yield client, toks, tmp, db, r


def test_upload_gives_the_analysis_json_of_the_cli(served) -> None:  # type: ignore[no-untyped-def]
    client, toks, tmp, db, r = served
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["state"] == "done" and job["n_files"] == 1
    res = job["results"][0]
    assert res["status"] == "new" and res["date"] == "2026-01-05" and res["source"] == "mocap"
    a = res["analysis"]
    assert {"schema_version", "contacts", "steps", "summary", "provenance"} <= set(a)
    assert a["provenance"]["input"]["path"] == "RBDS001runT35.c3d"  # the display name, not the server's path
    assert 150 < a["summary"]["cadence_spm"] < 200
    stored = sorted(p.name for p in (tmp / "uploads").iterdir())
    assert len(stored) == 2 and all(len(n.split(".")[0]) == 64 and n.endswith(".c3d") for n in stored)
    # the same job is visible to its user, not to another coach
    assert client.get(f"/jobs/{job['job']}", headers=bearer(toks.coach_a)).json()["state"] == "done"
    assert client.get(f"/jobs/{job['job']}", headers=bearer(toks.coach_b)).status_code == 404


def test_history_and_flags_match_the_cli(served, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    import json

    client, toks, tmp, db, _ = served
    h = client.get("/runners/R1/history", headers=bearer(toks.coach_a))
    assert h.status_code == 200
    doc = h.json()
    assert list(doc) == ["runner", "sessions", "changes", "flags", "disclaimer"]
    assert [s["date"] for s in doc["sessions"]] == ["2026-01-05"]
    f = client.get("/runners/R1/flags", headers=bearer(toks.coach_a)).json()
    assert f["flags"] == doc["flags"] and "not a diagnosis" in f["disclaimer"].lower()
    # the runners list carries the session
    rows = client.get("/runners", headers=bearer(toks.coach_a)).json()
    assert rows == [{"id": "R1", "name": "Ann", "n_sessions": 1, "first_date": "2026-01-05", "last_date": "2026-01-05"}]
    # admins see every runner; coach B none; the runner token R1 its own record
    assert [r["id"] for r in client.get("/runners", headers=bearer(toks.admin)).json()] == ["R1"]
    assert client.get("/runners", headers=bearer(toks.coach_b)).json() == []
    assert client.get("/runners/R1/history", headers=bearer(toks.runner)).json() == doc
    # the CLI's history of the same runner (owner coach-a) gives the same document
    from stridelab.history import history
    from stridelab.store import Store

    with Store(db) as st:
        assert json.loads(json.dumps(history(st, "R1", owner="coach-a"))) == doc
    assert main(["runners", "--db", str(db)]) == 0
    assert "owner coach-a" in capsys.readouterr().out


def test_same_upload_twice_is_stored_once(served, example_dir: Path) -> None:  # type: ignore[no-untyped-def]
    client, toks, tmp, *_ = served
    files = [("files", ("renamed.bin", (example_dir / "RBDS001runT35.c3d").read_bytes(), "application/octet-stream")),
             ("static", ("s", (example_dir / "RBDS001static.c3d").read_bytes(), "application/octet-stream"))]
    r = client.post("/runners/R1/sessions", files=files, data={"date": "2026-01-05", "mass_kg": "62"}, headers=bearer(toks.runner))
    assert r.status_code == 201 and r.json()["results"][0]["status"] == "already stored"
    assert len(list((tmp / "uploads").iterdir())) == 2
    assert client.get("/runners/R1/history", headers=bearer(toks.coach_a)).json()["sessions"][0]["date"] == "2026-01-05"


def test_report_html(served) -> None:  # type: ignore[no-untyped-def]
    client, toks, *_ = served
    r = client.get("/runners/R1/report", headers=bearer(toks.coach_a))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "Runner record: R1" in r.text


@pytest.mark.slow
def test_report_pdf(served) -> None:  # type: ignore[no-untyped-def]
    client, toks, *_ = served
    pytest.importorskip("weasyprint")
    r = client.get("/runners/R1/report", headers={**bearer(toks.coach_a), "Accept": "application/pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"


def test_runner_creation_rules(served) -> None:  # type: ignore[no-untyped-def]
    client, toks, *_ = served
    assert client.post("/runners", json={"id": "R1"}, headers=bearer(toks.coach_a)).status_code == 409
    # another coach may use the same id for their own runner: it does not reveal coach A's
    assert client.post("/runners", json={"id": "R1"}, headers=bearer(toks.coach_b)).status_code == 201
    assert client.get("/runners/R1/history", headers=bearer(toks.coach_b)).json()["sessions"] == []
    assert client.post("/runners", json={"id": "R9"}, headers=bearer(toks.runner)).status_code == 403
    assert client.post("/runners", json={"id": ""}, headers=bearer(toks.coach_a)).status_code == 422
    assert client.post("/runners", json={"id": "a\nb"}, headers=bearer(toks.coach_a)).status_code == 422


def test_grants_by_the_owner_only(served) -> None:  # type: ignore[no-untyped-def]
    client, toks, *_ = served
    assert client.post("/runners", json={"id": "G1"}, headers=bearer(toks.coach_a)).status_code == 201
    assert client.post("/runners/G1/grants", json={"user": "coach-b"}, headers=bearer(toks.runner)).status_code == 404
    assert client.post("/runners/G1/grants", json={"user": "coach-b"}, headers=bearer(toks.coach_b)).status_code == 404
    assert client.post("/runners/G1/grants", json={"user": "coach-b"}, headers=bearer(toks.coach_a)).status_code == 201
    assert "G1" in [r["id"] for r in client.get("/runners", headers=bearer(toks.coach_b)).json()]
    # a granted coach may read but not pass the runner on
    assert client.get("/runners/G1/history", headers=bearer(toks.coach_b)).status_code == 200
    assert client.post("/runners/G1/grants", json={"user": "R1"}, headers=bearer(toks.coach_b)).status_code == 403
    assert client.post("/runners/R1/grants", json={"user": "x"}, headers=bearer(toks.runner)).status_code == 403


def test_health_and_openapi(served) -> None:  # type: ignore[no-untyped-def]
    client, toks, *_ = served
    assert client.get("/health", headers=bearer(toks.runner)).json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert {"/runners", "/runners/{runner_id}/sessions", "/runners/{runner_id}/grants", "/runners/{runner_id}/history", "/runners/{runner_id}/flags",
            "/runners/{runner_id}/report", "/jobs/{job_id}", "/health"} <= set(spec["paths"])
    assert client.get("/").headers["content-security-policy"].startswith("default-src 'self'")

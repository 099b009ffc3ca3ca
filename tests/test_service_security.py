"""Security of the service: every data route refuses a missing, unknown or revoked token (401) and
hides another coach's runner (404); hostile file names, oversized and corrupt uploads, unknown
content; rate limits; no token or runner id in the log; and schemathesis against the OpenAPI document."""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from _service import bearer, make_app, make_record
from stridelab.service.uploads import sniff_suffix

PUBLIC = {"/", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("sec")
    db, toks = make_record(tmp)
    app = make_app(db, tmp, max_upload_bytes=64 * 1024, burst=1000, rate_per_s=1000.0)
    with TestClient(app) as client:
        assert client.post("/runners", json={"id": "R1"}, headers=bearer(toks.coach_a)).status_code == 201
        yield app, client, toks, tmp


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = []
    for r in app.routes:
        methods = getattr(r, "methods", None) or set()
        for m in methods - {"HEAD"}:
            if r.path not in PUBLIC:
                out.append((m, r.path.replace("{runner_id}", "R1").replace("{job_id}", "nojob")))
    return sorted(out)


def test_every_data_route_needs_a_valid_token(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, toks, _ = setup
    routes = _routes(app)
    assert len(routes) == 9
    for method, path in routes:
        for headers in ({}, bearer("not-a-token"), bearer(toks.revoked), {"Authorization": f"Basic {toks.admin}"}):
            r = client.request(method, path, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.headers["www-authenticate"] == "Bearer"


def test_another_coachs_runner_is_not_found(setup) -> None:  # type: ignore[no-untyped-def]
    _, client, toks, _ = setup
    for path in ("/runners/R1/history", "/runners/R1/flags", "/runners/R1/report"):
        other = client.get(path, headers=bearer(toks.coach_b))
        missing = client.get(path.replace("R1", "R404"), headers=bearer(toks.coach_a))
        assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    up = client.post("/runners/R1/sessions", headers=bearer(toks.coach_b), files=[("files", ("a.txt", b"time,x\n0,1\n", "text/plain"))])
    assert up.status_code == 404
    assert client.get("/runners/R1/history", headers=bearer(toks.coach_a)).status_code == 200
    assert client.get("/runners/R1/history", headers=bearer(toks.admin)).status_code == 200


def test_hostile_names_oversize_corrupt_and_unknown_content(setup) -> None:  # type: ignore[no-untyped-def]
    _, client, toks, tmp = setup
    up = tmp / "uploads"
    # a path in the file name is never used: the content is not C3D, so it is refused before any parsing
    r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a),
                    files=[("files", ("../../../../tmp/evil.c3d", b"MZ\x90\x00" + bytes(600), "application/octet-stream"))])
    assert r.status_code == 415 and "unsupported" in r.json()["detail"]
    assert not Path("/tmp/evil.c3d").exists() and not list(up.glob("*evil*"))
    # corrupt C3D (the right magic byte, garbage after it): parsed in the child, one line, the service lives on
    r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a),
                    files=[("files", ("..\\..\\x.c3d", b"\x02\x50" + bytes(range(256)) * 8, "application/octet-stream"))])
    assert r.status_code == 422
    res = r.json()["results"][0]
    assert res["status"] == "failed" and res["file"] == "x.c3d" and "\n" not in res["error"] and "Traceback" not in res["error"]
    assert all(len(p.name.split(".")[0]) == 64 for p in up.iterdir())  # stored under the content hash only
    # oversized: refused with 413 by Content-Length, and nothing is left on disk
    before = set(up.iterdir())
    r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a), files=[("files", ("big.txt", b"1," * 40000, "text/plain"))])
    assert r.status_code == 413
    assert set(up.iterdir()) == before
    assert client.get("/health", headers=bearer(toks.coach_a)).status_code == 200


def test_oversize_without_content_length_is_refused_while_streaming(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, toks, tmp = setup

    def body():  # type: ignore[no-untyped-def]
        b = b"--XX\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        yield b
        for _ in range(200):
            yield b"1,2,3\n" * 100
        yield b"\r\n--XX--\r\n"

    r = client.post("/runners/R1/sessions", headers={**bearer(toks.coach_a), "Content-Type": "multipart/form-data; boundary=XX"},
                    content=body())
    assert r.status_code == 413


def test_content_sniffing() -> None:
    assert sniff_suffix(b"\x02\x50" + bytes(600)) == ".c3d"
    assert sniff_suffix(bytes([14, 0x10, 0, 0, 0, 0, 0, 0]) + b".FIT" + bytes(4)) == ".fit"
    assert sniff_suffix(b"\x00\x00\x00\x18ftypmp42" + bytes(8)) == ".mp4"
    assert sniff_suffix(b"PathFileType\t4\t(X/Y/Z)\tfile.trc\n") == ".trc"
    assert sniff_suffix(b"name\nversion=1\nnRows=3\nendheader\ntime\tx\n") == ".mot"
    assert sniff_suffix(b"time,ax,ay\n0,1,2\n") == ".csv"
    assert sniff_suffix(b'{"people": []}') == ".json"
    from stridelab.errors import InvalidInputError

    for bad in (b"MZ\x90\x00" + bytes(10), b"\xff\xfe\xfd" * 10, b"\n\n"):
        with pytest.raises(InvalidInputError):
            sniff_suffix(bad)


def test_rate_limit_per_token(tmp_path: Path) -> None:
    db, toks = make_record(tmp_path)
    with TestClient(make_app(db, tmp_path, burst=3, rate_per_s=0.01)) as client:
        codes = [client.get("/health", headers=bearer(toks.coach_a)).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        assert client.get("/health", headers=bearer(toks.coach_b)).status_code == 200  # another token has its own bucket


def test_log_holds_no_token_and_no_runner_id(setup, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    _, client, toks, _ = setup
    with caplog.at_level(logging.DEBUG):
        client.get("/runners/R1/history?metric=gct_ms", headers=bearer(toks.coach_a))
        client.get("/runners/R1/flags", headers=bearer("wrong-token-xyz"))
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))  # httpx: the test's client
    assert "/runners/{runner_id}/history" in text
    for secret in (toks.coach_a, "wrong-token-xyz", "R1", "gct_ms"):
        assert secret not in text


def test_openapi_fuzzed_by_schemathesis(setup) -> None:  # type: ignore[no-untyped-def]
    """Every documented operation (except uploads, which start analyses: tested above) with generated
    input answers a documented kind of error or success, never 500."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app, client, toks, _ = setup
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = [op for op in schema.get_all_operations() if not op.ok().path.endswith("/sessions")]
    assert len(ops) >= 7
    seen = 0
    for result in ops:
        op = result.ok()

        @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            nonlocal seen
            resp = case.call(headers=bearer(toks.coach_a))
            seen += 1
            assert resp.status_code in (200, 201, 400, 403, 404, 409, 422), (case.method, case.path, resp.status_code)

        check()
    assert seen >= 2 * len(ops)


def test_child_limits_time_memory_and_jobs(tmp_path: Path, example_dir: Path) -> None:
    """A parse over its wall-time limit, or one out of address space, fails its job with one line and
    the service answers on; an upload that outlives the synchronous wait is a job (202) to follow."""
    db, toks = make_record(tmp_path)
    c3d = [("files", ("run.c3d", (example_dir / "RBDS001runT35.c3d").read_bytes(), "application/octet-stream"))]
    with TestClient(make_app(db, tmp_path, parse_timeout_s=0.2)) as client:
        assert client.post("/runners", json={"id": "R1"}, headers=bearer(toks.coach_a)).status_code == 201
        r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a), files=c3d)
        assert r.status_code == 422 and "longer than 0.2 s" in r.json()["error"]
    with TestClient(make_app(db, tmp_path, parse_memory_bytes=64 * 1024**2)) as client:
        r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a), files=c3d)
        assert r.status_code == 422 and "within its limits" in r.json()["error"]
        assert client.get("/runners/R1/history", headers=bearer(toks.coach_a)).json()["sessions"] == []
    with TestClient(make_app(db, tmp_path, sync_wait_s=0.0)) as client:
        r = client.post("/runners/R1/sessions", headers=bearer(toks.coach_a),
                        files=[("files", ("x.c3d", b"\x02\x50" + bytes(range(256)) * 8, "application/octet-stream"))])
        assert r.status_code == 202 and r.json()["state"] in ("queued", "running")
        job = r.json()["job"]
        assert client.get(f"/jobs/{job}", headers=bearer(toks.coach_b)).status_code == 404
        for _ in range(600):
            state = client.get(f"/jobs/{job}", headers=bearer(toks.coach_a)).json()
            if state["state"] not in ("queued", "running"):
                break
            time.sleep(0.1)
        assert state["state"] == "failed" and state["results"][0]["status"] == "failed"

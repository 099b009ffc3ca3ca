"""The dashboard end to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright,
no browser download), against the service on 127.0.0.1: sign in with a token, open a runner,
upload the bundled C3D through the page, see the new session and its flag with its evidence.
The clinic's thresholds file lowers one threshold so that the example raises a flag (labelled:
an artificial threshold, to exercise the page, not a finding)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from _service import bearer, make_app, make_record

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_dashboard_upload_shows_session_and_flags(tmp_path: Path, example_dir: Path) -> None:
    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    import httpx

    thresholds = tmp_path / "thresholds.csv"
    thresholds.write_text("id,threshold\nhigh_vertical_loading_rate,1\n")
    db, toks = make_record(tmp_path)
    app = make_app(db, tmp_path, thresholds=thresholds)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.1)
        assert httpx.post(f"{base}/runners", json={"id": "R1", "name": "Ann"}, headers=bearer(toks.coach_a)).status_code == 201
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "about:")) else None)
            page.goto(base + "/")
            page.fill("#token", toks.coach_a)
            page.click("#signin-form button")
            page.click("#runner-table tr[data-runner='R1']")
            page.wait_for_selector("#runner-title:has-text('Runner R1')")
            assert page.locator("#sessions tbody tr").count() == 0
            page.set_input_files("#files", str(example_dir / "RBDS001runT35.c3d"))
            page.fill("#date", "2026-01-05")
            page.click("#upload button")
            page.wait_for_selector("#sessions tbody tr", timeout=120_000)
            row = page.locator("#sessions tbody tr").first.inner_text()
            assert "2026-01-05" in row and "mocap" in row
            assert "new" in page.locator("#upload-status").inner_text()
            flag = page.locator("#flags li").first.inner_text()
            assert "high_vertical_loading_rate" in flag and "associated with" in flag
            assert "not a diagnosis" in page.locator("#disclaimer").inner_text()
            assert "1" in page.locator("#runner-table tr[data-runner='R1']").inner_text()
            browser.close()
        assert outside == []  # the page loads nothing from anywhere else
    finally:
        server.should_exit = True
        thread.join(10)

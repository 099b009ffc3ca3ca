"""Benchmark: the service under load, on loopback only (127.0.0.1; nothing else is ever contacted).

Starts ``stridelab serve`` (a child process, SQLite record in a temporary folder, rate limit raised
for the benchmark's one token), then:

* ``uploads``: N (default 50) concurrent ``POST /runners/{id}/sessions`` of the bundled real C3D
  (examples/fukuchi2017/RBDS001runT35.c3d, 2.5 MB), one runner each, so every upload is a real
  analysis (parsed, analysed and stored in a child process, ``--workers`` at a time); an upload
  still queued after the service's synchronous wait (120 s) answers 202 and is followed on
  ``GET /jobs/{id}`` until done: its latency is the time to its stored result;
* ``history``: M (default 500) concurrent ``GET /runners/{id}/history`` over those runners.

Checks: every request answered 201/200, every runner holds exactly one session afterwards
(nothing lost, nothing twice). Prints latency percentiles (p50, p90, p99, max) and totals; bounded
by ``--max-seconds`` (default 900).

Run: ``nice -n 10 .venv/bin/python benchmarks/service_load.py [--uploads 50] [--reads 500] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
C3D = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"
HOST = "127.0.0.1"


def _port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _stats(name: str, lat: list[float], wall: float) -> dict[str, float | str | int]:
    a = np.asarray(lat) * 1000
    out = {"what": name, "n": len(a), "wall_s": round(wall, 2), "p50_ms": round(float(np.percentile(a, 50)), 1),
           "p90_ms": round(float(np.percentile(a, 90)), 1), "p99_ms": round(float(np.percentile(a, 99)), 1),
           "max_ms": round(float(a.max()), 1)}
    print(f"{name}: n={out['n']} wall {out['wall_s']} s; latency p50 {out['p50_ms']} ms, p90 {out['p90_ms']} ms, "
          f"p99 {out['p99_ms']} ms, max {out['max_ms']} ms")
    return out


async def _load(base: str, token: str, n_up: int, n_read: int, timeout: float) -> list[dict[str, float | str | int]]:
    h = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=n_read + n_up, max_keepalive_connections=100)
    data = C3D.read_bytes()
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits, trust_env=False) as c:
        runners = [f"B{i:03d}" for i in range(n_up)]
        for r in runners:
            assert (await c.post("/runners", json={"id": r}, headers=h)).status_code == 201

        async def upload(r: str) -> tuple[float, int, str]:
            t0 = time.perf_counter()
            resp = await c.post(f"/runners/{r}/sessions", headers=h, data={"date": "2026-01-05"},
                                files=[("files", ("RBDS001runT35.c3d", data, "application/octet-stream"))])
            code = resp.status_code
            job = resp.json() if code in (201, 202, 422) else {}
            while code == 202:  # waited longer than the service's sync wait: poll the job until it is done
                await asyncio.sleep(0.5)
                job = (await c.get(f"/jobs/{job['job']}", headers=h)).json()
                code = 202 if job["state"] in ("queued", "running") else (201 if job["state"] == "done" else 422)
            status = (job.get("results") or [{}])[0].get("status", "")
            return time.perf_counter() - t0, code, status

        t0 = time.perf_counter()
        ups = await asyncio.gather(*(upload(r) for r in runners))
        wall_up = time.perf_counter() - t0
        bad = [(r, u[1], u[2]) for r, u in zip(runners, ups, strict=True) if u[1] != 201 or u[2] != "new"]
        assert not bad, f"uploads not stored as new: {bad[:5]}"

        async def read(i: int) -> tuple[float, int, int]:
            t0 = time.perf_counter()
            resp = await c.get(f"/runners/{runners[i % n_up]}/history", headers=h)
            return time.perf_counter() - t0, resp.status_code, len(resp.json().get("sessions", [])) if resp.status_code == 200 else -1

        t0 = time.perf_counter()
        reads = await asyncio.gather(*(read(i) for i in range(n_read)))
        wall_read = time.perf_counter() - t0
        bad_r = [r for r in reads if r[1] != 200 or r[2] != 1]
        assert not bad_r, f"{len(bad_r)} history reads failed or did not show exactly one session: {bad_r[:5]}"
        listed = (await c.get("/runners", headers=h)).json()
        assert sorted(r["id"] for r in listed) == runners and all(r["n_sessions"] == 1 for r in listed), "a session was lost or doubled"
    return [_stats("uploads", [u[0] for u in ups], wall_up), _stats("history reads", [r[0] for r in reads], wall_read)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uploads", type=int, default=50)
    ap.add_argument("--reads", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=900.0)
    args = ap.parse_args()
    if not 1 <= args.uploads <= 200 or not 1 <= args.reads <= 2000:
        ap.error("--uploads must be 1..200 and --reads 1..2000")
    exe = Path(sys.executable).with_name("stridelab")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "record.sqlite")
        token = subprocess.run([str(exe), "token", "create", "--user", "bench", "--role", "coach", "--db", db],
                               check=True, capture_output=True, text=True, env=env).stdout.strip()
        port = _port()
        log = open(Path(tmp) / "server.log", "w+")  # noqa: SIM115 - closed below
        server = subprocess.Popen([str(exe), "serve", "--host", HOST, "--port", str(port), "--db", db, "--upload-dir", str(Path(tmp) / "up"),
                                   "--rate", "10000", "--burst", "10000", "--workers", str(args.workers)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        base = f"http://{HOST}:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/health", headers={"Authorization": f"Bearer {token}"}, trust_env=False).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                raise SystemExit("the service did not start")
            t0 = time.perf_counter()
            rows = asyncio.run(asyncio.wait_for(_load(base, token, args.uploads, args.reads, args.max_seconds), args.max_seconds))
            rows.append({"what": "total", "wall_s": round(time.perf_counter() - t0, 1), "workers": args.workers, "cpus": os.cpu_count() or 0})
            print(json.dumps(rows))
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.seek(0)
            lines = log.read().splitlines()
            log.close()
            statuses = [m.group(1) for ln in lines if (m := re.search(r" (?:GET|POST) \S+ (\d{3}) ", ln))]
            print(f"server log: {len(statuses)} requests, {sum(s.startswith('5') for s in statuses)} answered 5xx, "
                  f"{sum('Traceback' in ln for ln in lines)} tracebacks")
    return 0


if __name__ == "__main__":
    sys.exit(main())

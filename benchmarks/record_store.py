"""Benchmark: the runner's record at scale. A **synthetic** store of 2,000 runners x 50 sessions
(one trial and one analysis per session, ``--metrics`` numbers per analysis with realistic names
and values taken from the real example RBDS001; tiny stand-in file rows) is filled with bulk
inserts, then:

* ``history``: :func:`stridelab.history.load_record` + :func:`stridelab.history.history_document`
  (sessions, changes with MDC, flags with status) for random runners; bound: < 100 ms;
* ``store``: :func:`stridelab.store.store_analysis` of the real analysed example trial (RBDS001,
  3.5 m/s, with its static trial: SHA-256 of both files, the files themselves, ~280 numbers and
  the per-step table) for new runners in the full store; bound: < 50 ms beyond the analysis.

On SQLite (a temporary file) and, when the Debian PostgreSQL binaries and psycopg are present, on a
private PostgreSQL server started like the test suite's (initdb + pg_ctl, fsync off: a test server,
so absolute store times are optimistic for a durable server). Median and 95th percentile of wall
time and of this process's CPU time (the latter is less disturbed by a shared machine; PostgreSQL's
own server work is not in it).

Run: ``nice -n 10 .venv/bin/python benchmarks/record_store.py [--runners 2000] [--sessions 50] [--metrics 60] [--no-pg]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
EXAMPLE = ROOT / "examples" / "fukuchi2017" / "RBDS001runT35.c3d"
STATIC = EXAMPLE.with_name("RBDS001static.c3d")


def _fill(store: object, n_runners: int, n_sessions: int, names: list[str], base: dict[str, float], rng: np.random.Generator) -> float:
    """Bulk-insert the synthetic store; returns seconds."""
    from stridelab.store.store import Store

    assert isinstance(store, Store)
    t0 = time.perf_counter()
    now = dt.datetime(2026, 1, 1)
    day0 = dt.date(2024, 1, 1)
    steps = json.dumps({"columns": ["side", "gct_ms"], "data": []})
    raw = store.engine.raw_connection()
    cur = raw.cursor()
    pg = store.dialect == "postgresql"
    tables: dict[str, list[tuple[object, ...]]] = {k: [] for k in ("runners", "sessions", "files", "trials", "analyses", "metrics")}

    def flush() -> None:
        cols = {
            "runners": "id, code, owner, created_at", "sessions": "id, runner_id, date, source", "files": "sha256, name, size_bytes, content",
            "trials": "id, session_id, input_key, file_sha256, name, format, environment, speed_mps, contact_sources",
            "analyses": "id, trial_id, stridelab_version, methods, parameters, warnings, steps, created_at",
            "metrics": "analysis_id, kind, name, value",
        }
        for t, rows in tables.items():
            if not rows:
                continue
            if pg:
                with cur.copy(f"COPY {t} ({cols[t]}) FROM STDIN") as cp:  # type: ignore[attr-defined]
                    for r in rows:
                        cp.write_row(r)
            else:
                if not raw.in_transaction:  # type: ignore[attr-defined]
                    cur.execute("BEGIN")  # the store's SQLite connections are in autocommit mode (see stridelab.store.engine)
                cur.executemany(f"INSERT INTO {t} ({cols[t]}) VALUES ({', '.join('?' * len(rows[0]))})", rows)
            rows.clear()
        raw.commit()

    aid = 0
    for r in range(1, n_runners + 1):
        tables["runners"].append((r, f"SYN{r:05d}", "", now))
        speed = float(rng.choice([2.5, 3.0, 3.5, 4.0]))
        for s in range(n_sessions):
            aid += 1
            sha = f"{aid:064x}"
            tables["sessions"].append((aid, r, day0 + dt.timedelta(days=7 * s), "mocap"))
            tables["files"].append((sha, f"synthetic_{aid}.c3d", 16, b"synthetic bytes!"))
            tables["trials"].append((aid, aid, f"k{aid:063x}", sha, f"synthetic_{aid}.c3d", "c3d", "treadmill", speed, "left:forces|right:forces"))
            tables["analyses"].append((aid, aid, "0.1.0", "{}", "{}", "[]", steps, now))
            vals = rng.normal(1.0, 0.03, len(names))
            tables["metrics"].extend((aid, "summary", n, float(base[n] * v)) for n, v in zip(names, vals, strict=True))
        if r % 100 == 0:
            flush()
    flush()
    if pg:
        for t in ("runners", "sessions", "trials", "analyses"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
        cur.execute("ANALYZE")
    else:
        cur.execute("ANALYZE")
    raw.commit()
    raw.close()
    return time.perf_counter() - t0


def _pct(x: list[float]) -> str:
    a = np.array(x) * 1000
    return f"median {np.median(a):.1f} ms, p95 {np.percentile(a, 95):.1f} ms (n={a.size})"


def bench(url: str, args: argparse.Namespace, analysis: object, names: list[str], base: dict[str, float]) -> None:
    from stridelab.history import history_document, load_record
    from stridelab.store import Store, store_analysis

    rng = np.random.default_rng(0)
    store = Store(url)
    fill_s = _fill(store, args.runners, args.sessions, names, base, rng)
    print(f"  filled {args.runners} runners x {args.sessions} sessions x {len(names)} numbers in {fill_s:.0f} s")
    pick = random.Random(1).sample(range(1, args.runners + 1), args.queries)
    h, hc = [], []
    for r in pick:
        t0, c0 = time.perf_counter(), time.process_time()
        doc = history_document(load_record(store, f"SYN{r:05d}"))
        h.append(time.perf_counter() - t0)
        hc.append(time.process_time() - c0)
        assert len(doc["sessions"]) == args.sessions
    print(f"  history (load + changes + flags): wall {_pct(h)}; CPU {_pct(hc)}; bound < 100 ms: {'met' if np.median(h) < 0.1 else 'NOT met'}")
    st, sc = [], []
    for i in range(args.stores):
        t0, c0 = time.perf_counter(), time.process_time()
        res = store_analysis(store, f"NEW{i:03d}", analysis, {"file": EXAMPLE, "static": STATIC}, date=dt.date(2026, 1, 5))  # type: ignore[arg-type]
        st.append(time.perf_counter() - t0)
        sc.append(time.process_time() - c0)
        assert res.status == "new"
    print(f"  store one analysed session (hash + files + {res.n_metrics} numbers + steps): wall {_pct(st)}; CPU {_pct(sc)}; "
          f"bound < 50 ms: {'met' if np.median(st) < 0.05 else 'NOT met'}")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runners", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--metrics", type=int, default=60)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--stores", type=int, default=20)
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    import stridelab as sl

    analysis = sl.analyze(sl.read(EXAMPLE, static=STATIC), sl.AnalysisOptions(mass_kg=62))
    real = {k: float(v) for k, v in analysis.summary.items() if isinstance(v, int | float) and v}
    real.update({f"{k}_symmetry_pct": float(v) for k, v in analysis.symmetry_pct.items() if v})
    names = list(real)[: args.metrics]
    print(f"synthetic store: {args.runners} runners x {args.sessions} sessions, {len(names)} numbers per session (names and values from the real RBDS001 analysis)")
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        bench(str(Path(tmp) / "bench.sqlite"), args, analysis, names, real)
    if args.no_pg:
        return
    from _postgres import PgServer, _bin_dir

    bindir = _bin_dir()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        bindir = None
    if bindir is None:
        print("PostgreSQL: skipped (no initdb/pg_ctl or no psycopg)")
        return
    srv = PgServer(bindir)
    srv.start()
    try:
        print(f"PostgreSQL ({bindir.parent.name}, private server, fsync off):")
        bench(srv.new_database(), args, analysis, names, real)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()

"""``stridelab import / runners / history / report`` on the bundled real example (SQLite), the
history JSON contract, one-line errors, and the A4 PDF (no card split across pages)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from stridelab.cli.main import main
from stridelab.history.record import RunnerRecord, TrialRecord

#: The contract's keys, written out here (not imported) so that a change of the contract fails.
TOP = ["runner", "sessions", "changes", "flags", "disclaimer"]
SESSION = {"date", "source", "metrics"}
CHANGE = {"metric", "baseline", "latest", "change", "mdc", "beyond_noise", "speed_matched"}
FLAG = {"id", "metric", "value", "threshold", "direction", "evidence", "citation", "strength", "status"}


def run(args: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def db(example_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A record with the example imported once for runner RBDS001 (module-scoped: one analysis)."""
    path = tmp_path_factory.mktemp("record") / "record.sqlite"
    code = main(["import", str(example_dir / "RBDS001runT35.c3d"), "--static", str(example_dir / "RBDS001static.c3d"),
                 "--runner", "RBDS001", "--date", "2026-01-05", "--mass-kg", "62", "--db", str(path)])
    assert code == 0
    return path


def test_import_twice_and_failures(db: Path, example_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trial, static = example_dir / "RBDS001runT35.c3d", example_dir / "RBDS001static.c3d"
    code, out, err = run(["import", trial, tmp_path / "missing.c3d", "--static", static, "--runner", "RBDS001", "--date", "2026-02-01",
                          "--mass-kg", "62", "--db", db], capsys)
    lines = out.splitlines()
    assert lines[0] == f"{trial}: already stored"
    assert lines[1] == f"{tmp_path / 'missing.c3d'}: failed (not found)"
    assert code == 3 and err == ""
    bad = tmp_path / "bad.c3d"
    bad.write_bytes(b"not a c3d file" * 10)
    code, out, _ = run(["import", bad, "--runner", "X", "--db", db], capsys)
    assert code == 3 and out.startswith(f"{bad}: failed (") and "Traceback" not in out
    assert run(["import", trial, "--runner", "X", "--date", "5/1/2026", "--db", db], capsys)[0] == 2
    code, out, _ = run(["runners", "--db", db], capsys)
    assert code == 0 and out.splitlines() == ["RBDS001\t1 session\t2026-01-05 to 2026-01-05"]  # the failed imports left nothing


def test_history_json_contract(db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_json = tmp_path / "h.json"
    code, out, _ = run(["history", "RBDS001", "--json", out_json, "--db", db], capsys)
    assert code == 0 and "not a diagnosis" in out
    doc = json.loads(out_json.read_text())
    assert list(doc) == TOP and doc["runner"] == "RBDS001"
    (s,) = doc["sessions"]
    assert set(s) == SESSION and s["date"] == "2026-01-05" and s["source"] == "mocap"
    assert s["metrics"]["cadence_spm"] == pytest.approx(doc["sessions"][0]["metrics"]["cadence_spm"]) and 150 < s["metrics"]["cadence_spm"] < 200
    assert doc["changes"] == []  # one session: nothing to compare
    for f in doc["flags"]:
        assert set(f) == FLAG and f["status"] == "new"
        assert (f["value"] > f["threshold"]) if f["direction"] == "above" else (f["value"] < f["threshold"])
    code, out, _ = run(["history", "RBDS001", "--metric", "cadence_spm", "--json", "-", "--db", db], capsys)
    assert code == 0 and set(json.loads(out)["sessions"][0]["metrics"]) == {"cadence_spm", "speed_mps"}
    th = tmp_path / "t.csv"
    th.write_text("id,threshold\nlow_cadence_for_speed,250\n")
    doc2 = json.loads(run(["history", "RBDS001", "--json", "-", "--thresholds", th, "--db", db], capsys)[1])
    (low,) = [f for f in doc2["flags"] if f["id"] == "low_cadence_for_speed"]
    assert low["threshold"] == 250 and low["status"] == "new"  # the user's threshold raises it
    code, _, err = run(["history", "NOBODY", "--db", db], capsys)
    assert code == 3 and err.count("\n") == 1 and "no runner 'NOBODY'" in err
    code, _, err = run(["history", "RBDS001", "--metric", "nonsense", "--db", db], capsys)
    assert code == 2 and err.count("\n") == 1
    code, _, err = run(["history", "RBDS001", "--compare", "2026-01-05", "2026-03-01", "--db", db], capsys)
    assert code == 2 and "no session of RBDS001 on 2026-03-01" in err


def test_db_from_environment(db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STRIDELAB_DB", str(db))
    assert run(["runners"], capsys)[1].startswith("RBDS001")
    monkeypatch.setenv("STRIDELAB_DB", str(tmp_path / "absent.sqlite"))
    code, _, err = run(["runners"], capsys)
    assert code == 3 and "no record at" in err and not (tmp_path / "absent.sqlite").exists()  # reading creates nothing
    assert run(["runners", "--db", db], capsys)[1].startswith("RBDS001")  # --db wins


def test_report_html(db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, _ = run(["report", "RBDS001", "--out", out, "--db", db], capsys)
    html = out.read_text()
    assert code == 0 and "Runner record: RBDS001" in html and "not a diagnosis" in html and "<svg" in html
    assert "Latest session beside the baseline" in html and "Skill scores over time" in html
    # the import scored the trial with the default skill model; that model cannot grade (its cross-validation
    # does not beat chance), so the record shows the group columns and no skill value
    assert "<th>Date</th><th>Speed (m/s)</th><th>" in html and "<th>Skill value</th>" not in html
    assert "<th>knee</th>" in html and "MDC95" in html  # group scores with the model's MDC95
    assert run(["report", "RBDS001", "--out", tmp_path / "r.docx", "--db", db], capsys)[0] == 2


def _synthetic_record(n: int) -> RunnerRecord:
    """A synthetic runner (hand-made values) with many sessions and flags: several PDF pages."""
    trials = []
    for i in range(n):
        t = TrialRecord(dt.date(2026, 1, 1) + dt.timedelta(days=14 * i), "mocap", f"synthetic_{i}.c3d", 3.5, "left:forces|right:forces", "0")
        t.metrics = {"speed_mps": 3.5, "cadence_spm": 155.0 + i, "gct_ms": 250.0 - i, "vlr_avg_bw_s": 75.0 - 2 * i, "overstride_m": 0.2,
                     "pelvic_drop_deg": 9.0, "hip_adduction_peak_deg": 16.0, "peak_braking_bw": 0.55, "gct_ms_symmetry_pct": 12.0 - i,
                     "flight_ms": 100.0, "step_length_m": 1.3, "peak_vgrf_bw": 2.5, "vertical_oscillation_cm": 9.0}
        trials.append(t)
    return RunnerRecord("SYNTH", "", trials)


def test_pdf_is_a4_and_splits_no_card(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint", reason="PDF reports need weasyprint")
    from stridelab.report.record import render_record, write_pdf

    rec = _synthetic_record(8)
    doc = weasyprint.HTML(string=render_record(rec, for_pdf=True)).render()
    assert len(doc.pages) >= 2
    pages_of: dict[int, set[int]] = {}
    for i, page in enumerate(doc.pages):
        assert round(page.width * 25.4 / 96) == 210 and round(page.height * 25.4 / 96) == 297  # A4 in CSS px
        for box in page._page_box.descendants():
            el = getattr(box, "element", None)
            if el is not None and "card" in (el.get("class") or "").split():
                pages_of.setdefault(id(el), set()).add(i)
    assert len(pages_of) >= 10 and all(len(p) == 1 for p in pages_of.values())  # every card on one page
    out = write_pdf(rec, tmp_path / "r.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "not a diagnosis" in text and "SYNTH" in text


@pytest.mark.slow
def test_real_runner_at_three_speeds(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """RBDS002 (Fukuchi 2017) at 2.5 and 3.5 m/s on one date and 4.5 m/s on a later one: no change is
    claimed across speeds, and every flag agrees with the stored metric value and its threshold."""
    d = shared_data / "mocap" / "fukuchi2017_runners"
    db = tmp_path / "r.sqlite"
    common = ["--static", d / "RBDS002static.c3d", "--runner", "RBDS002", "--mass-kg", "80", "--db", db]
    code, out, _ = run(["import", d / "RBDS002runT25.c3d", d / "RBDS002runT35.c3d", "--date", "2026-01-05", *common], capsys)
    assert code == 0 and out.count(": new (") == 2
    assert run(["import", d / "RBDS002runT45.c3d", "--date", "2026-02-05", *common], capsys)[0] == 0
    code, out, _ = run(["history", "RBDS002", "--json", "-", "--db", db], capsys)
    doc = json.loads(out)
    speeds = [s["metrics"]["speed_mps"] for s in doc["sessions"]]
    assert [round(v * 2) / 2 for v in speeds] == [2.5, 3.5, 4.5]
    assert doc["changes"] and all(not c["speed_matched"] and c["change"] is None and not c["beyond_noise"] for c in doc["changes"])
    code, out, _ = run(["history", "RBDS002", "--compare", "2026-01-05", "2026-02-05", "--metric", "gct_ms", "--db", db], capsys)
    assert code == 0 and "speeds do not match" in out and "\ngct_ms\t" in out
    for f in doc["flags"]:
        vals = [s["metrics"].get(f["metric"]) for s in doc["sessions"]]
        assert f["value"] in vals
        x = abs(f["value"]) if f["metric"].endswith("_symmetry_pct") else f["value"]
        beyond = x > f["threshold"] if f["direction"] == "above" else x < f["threshold"]
        assert beyond == (f["status"] != "resolved")


def test_watch_file_date_and_volume(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real FIT run: the session date comes from the watch's start time; distance and duration are stored."""
    fit = shared_data / "wearable" / "fit" / "activity-small-fenix2-run.fit"
    db = tmp_path / "r.sqlite"
    code, out, _ = run(["import", fit, "--runner", "W1", "--db", db], capsys)
    assert code == 0 and "2015-08-15, watch" in out
    doc = json.loads(run(["history", "W1", "--json", "-", "--db", db], capsys)[1])
    m = doc["sessions"][0]["metrics"]
    assert doc["sessions"][0]["source"] == "watch" and 8.5 < m["distance_km"] < 9.5 and 45 < m["duration_min"] < 50


@pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                    reason="Chromium is not installed (apt-get install chromium); the HTML checks above still ran")
def test_record_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """The browser lays out the report offline into the expected document: every chart and flag card."""
    import subprocess
    import tempfile

    from stridelab.report.record import render_record

    html = render_record(_synthetic_record(6))
    page = tmp_path / "r.html"
    page.write_text(html, encoding="utf-8")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe is not None
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    assert out.returncode == 0, out.stderr[-500:]
    dom = out.stdout
    assert dom.count("<svg") == html.count("<svg") > 5
    assert dom.count('class="card flag') == html.count('class="card flag') > 0 and "not a diagnosis" in dom


def test_history_skill_scores_with_mdc(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``history --skill``: the stored skill scores with the skill model's MDC95 (issue 17, item 5)."""
    from stridelab.skill.model import load_model

    code, out, _ = run(["history", "RBDS001", "--skill", "--json", "-", "--db", db], capsys)
    assert code == 0
    sk = json.loads(out)["skill"]
    model = load_model()
    assert sk["model"] == model.card["name"]
    assert sk["mdc95"] == pytest.approx({g: v["mdc95"] for g, v in model.reliability.items()})
    (s,) = sk["sessions"]
    assert s["date"] == "2026-01-05" and s["change_from_previous"] is None
    assert set(s["groups"]) == set(model.measured_groups) and all(0 <= v <= 100 for v in s["groups"].values())
    code, out, _ = run(["history", "RBDS001", "--skill", "--db", db], capsys)
    assert code == 0 and "skill scores over time" in out and "knee (MDC" in out

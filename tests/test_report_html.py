"""The HTML report on real recordings: structure, self-containment (nothing fetched from outside),
values consistent with the JSON result, reference ranges only at matching speeds, escaping, the
section extension point, and (when Chromium is installed) rendering in a headless browser.

Real data: the bundled example (RBDS001, treadmill, 3.5 m/s) and the 2.5 m/s text exports of the
same runner (../shared/data). SYNTHETIC: a forces-only running MOT (tests/_cli_inputs.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import stridelab as sl
from _cli_inputs import crop_text_export, edit_text_columns, synthetic_gait, write_mot
from stridelab.report import write_report
from stridelab.report.html import SECTIONS, render

SECTION_IDS = ["glance", "summary", "symmetry", "timeline", "forces", "variability", "quality", "about"]


class _Scan(HTMLParser):
    """Collects element ids, tags, every URL-like attribute, card values and table rows."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.urls: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for k, v in attrs:
            if k == "id" and v:
                self.ids.append(v)
            if k in ("src", "href", "xlink:href", "data", "action", "poster", "srcset", "background") and v is not None:
                self.urls.append((tag, k, v))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def scan(html: str) -> _Scan:
    s = _Scan()
    s.feed(html)
    return s


def card_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<div class="label">([^<]+)</div><div class="value">([^<]+)<span', html))


@pytest.fixture(scope="module")
def example(example_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    trial = sl.read(example_dir / "RBDS001runT35.c3d", static=example_dir / "RBDS001static.c3d")
    result = sl.analyze(trial, sl.AnalysisOptions(mass_kg=62, height_m=1.81))
    path = write_report(result, tmp_path_factory.mktemp("report") / "report.html")
    return {"result": result, "doc": result.to_json(), "html": path.read_text(encoding="utf-8"), "path": path}


def test_sections_and_disclaimer(example: dict[str, Any]) -> None:
    html = example["html"]
    s = scan(html)
    for sid in SECTION_IDS:
        assert sid in s.ids, sid
    order = [s.ids.index(i) for i in SECTION_IDS]
    assert order == sorted(order)
    assert "not a medical assessment or a diagnosis" in " ".join(html.split())
    text = " ".join(s.text)
    for phrase in ("At a glance", "Left vs right", "Contact timeline", "Vertical force", "Step-to-step variability", "Data quality", "References"):
        assert phrase in text
    assert html.count("<svg") >= 5  # range bar(s), timeline, force overlay, raw force, variability


def test_self_contained(example: dict[str, Any]) -> None:
    """Opens offline: no scripts, stylesheets, images, fonts or frames from anywhere; links are in-page."""
    html = example["html"]
    s = scan(html)
    assert not s.tags & {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base"}
    assert all(url.startswith("#") for _, _, url in s.urls), [u for u in s.urls if not u[2].startswith("#")][:5]
    assert "@import" not in html and "@font-face" not in html
    assert not re.search(r"url\((?!#)", html)  # only in-page references such as clip-path="url(#p1)"
    # the only absolute URLs are XML namespace names of the inline SVGs (never fetched)
    for m in re.finditer(r"https?://[^\s\"'<>]+", html):
        assert m.group(0).startswith(("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink")), m.group(0)
    assert len(html.encode()) < 1_500_000


def test_values_match_the_json(example: dict[str, Any]) -> None:
    doc, html = example["doc"], example["html"]
    cards = card_values(html)
    s = doc["summary"]
    assert cards["Cadence"] == f"{s['cadence_spm']:.0f}"
    assert cards["Ground contact time"] == f"{s['gct_ms']:.0f}"
    assert cards["Flight time"] == f"{s['flight_ms']:.0f}"
    assert cards["Duty factor"] == f"{s['duty_factor']:.2f}"
    assert cards["Step length"] == f"{s['step_length_m']:.2f}"
    assert cards["Vertical oscillation"] == f"{s['vertical_oscillation_cm']:.1f}"
    assert cards["Contact-time balance, left"] == f"{s['gct_balance_left_pct']:.1f}"
    assert f"{len(doc['contacts'])} foot contacts" in html
    # left vs right: the JSON's per-side medians and its symmetry index
    gl, gr = doc["by_side"]["left"]["gct_ms"], doc["by_side"]["right"]["gct_ms"]
    row = re.search(r'<td[^>]*><span data-lr="gct_ms">Ground contact time</span></td>(.*?)</tr>', html)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert f">{gl:.0f}<" in cells[0] and f">{gr:.0f}<" in cells[1]
    assert cells[3] == f"{doc['symmetry_pct']['gct_ms']:+.1f}"
    assert f"{doc['subject']['mass_kg']:.1f} kg" in html


def test_citations_resolve(example: dict[str, Any]) -> None:
    html = example["html"]
    s = scan(html)
    targets = {u[1:] for _, _, u in s.urls if u.startswith("#ref-")}
    listed = set(re.findall(r'<li id="(ref-[^"]+)"', html))
    assert targets and targets == listed
    assert all(t in s.ids for t in targets)


def test_ranges_only_at_matching_speeds(example: dict[str, Any], fukuchi: Path, tmp_path: Path) -> None:
    """3.5 m/s: cadence has a published range (de Ruiter 2014: trained runners at an easy pace), contact
    time has none in our sources at that speed. 2.5 m/s (real text export): the 2.7 m/s group of
    Karamanidis & Arampatzis (2005) applies, and its contact-time range appears."""
    cards = {c.split("</div>", 1)[0]: c for c in example["html"].split('<div class="card"><div class="label">')[1:]}
    assert "trained men at an easy treadmill pace: 158–179" in cards["Cadence"]
    assert "Published ranges" not in cards["Ground contact time"]
    assert "No published range in our sources was measured at 3.5 m/s" in example["html"]

    markers = crop_text_export(fukuchi / "RBDS001runT25markers.txt", tmp_path / "m.txt", 1500)
    forces = crop_text_export(fukuchi / "RBDS001runT25forces.txt", tmp_path / "f.txt", 3000)
    res = sl.analyze(sl.read(markers, forces=forces), sl.AnalysisOptions())
    assert 2.4 <= res.summary["speed_mps"] <= 3.0
    html = render(res)
    assert "young male endurance runners at 2.7 m/s: 248–294" in html  # 271 ± 23 ms


def test_forces_only_synthetic_trial_renders(tmp_path: Path) -> None:
    """SYNTHETIC per-foot forces, no markers, no mass: the report still renders, says what is missing,
    and shows forces in body weights of the mass estimated from the forces (with the estimate said)."""
    trial = sl.read(write_mot(tmp_path / "run_synthetic.mot", synthetic_gait("run")))
    res = sl.analyze(trial, sl.AnalysisOptions())
    html = render(res)
    assert res.trial.subject.sources.get("mass_kg", "").startswith("estimated from the mean vertical force")
    assert "vertical force (body weights)" in html and "estimated from the forces" in html
    assert "No marker data in this recording" in html
    assert "Not available from this recording" in html and "step length" in html
    assert 'id="forces"' in html and 'id="symmetry"' in html


def test_names_from_the_file_are_escaped(fukuchi: Path, tmp_path: Path) -> None:
    markers = crop_text_export(fukuchi / "RBDS001runT25markers.txt", tmp_path / "m.txt", 600)
    forces = crop_text_export(fukuchi / "RBDS001runT25forces.txt", tmp_path / "f.txt", 1200)
    evil = edit_text_columns(markers, tmp_path / "evil.txt", rename={"R.Thigh.Top.Lateral": "<script>alert(1)</script>"})
    html = render(sl.analyze(sl.read(evil, forces=forces), sl.AnalysisOptions()))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_registered_section_appears_before_the_tail(example: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("stridelab.report.html.SECTIONS", [*SECTIONS, "_report_extra:build", "_report_extra:build_none"])
    html = render(example["result"])
    ids = scan(html).ids
    assert ids.index("extra") < ids.index("quality") < ids.index("about")
    assert "An extra highlight from a registered section." in html
    assert 'id="ref-zifchock2008"' in html


@pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                    reason="Chromium is not installed (apt-get install chromium); the static checks above still ran")
def test_renders_in_headless_chromium(example: dict[str, Any]) -> None:
    """The browser parses the file into the expected document (its DOM after layout), offline."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe is not None
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", example["path"].as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    assert out.returncode == 0, out.stderr[-500:]
    dom = out.stdout
    for sid in SECTION_IDS:
        assert f'id="{sid}"' in dom
    assert dom.count("<svg") == example["html"].count("<svg")

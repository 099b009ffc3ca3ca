"""The bundled pose model on the REAL demo video (a few dozen frames), offline; the annotated video;
the clear error when the video extra is missing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cv2", reason="the video extra is not installed (scripts/setup.sh test,video installs it)")
pytest.importorskip("mediapipe", reason="the video extra is not installed (scripts/setup.sh test,video installs it)")


@pytest.fixture()
def demo(shared_data: Path) -> Path:
    return shared_data / "video" / "sports2d_demo.mp4"


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test: nothing may be downloaded."""

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("the pose pipeline tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_model_ships_in_the_wheel() -> None:
    import mediapipe

    root = Path(mediapipe.__file__).parent / "modules" / "pose_landmark"
    assert (root / "pose_landmark_full.tflite").is_file()


def test_pose_on_real_video_offline(demo: Path, no_network: None) -> None:
    from stridelab.video.pose import run_pose

    res = run_pose(demo, max_frames=36)
    assert res.xy_px.shape == (36, 33, 2)
    found = np.isfinite(res.xy_px[:, 23, 0])  # left hip
    assert found.mean() > 0.8
    assert np.all((res.confidence >= 0) & (res.confidence <= 1))
    # the keypoints lie inside the image
    ok = np.isfinite(res.xy_px[..., 0])
    assert (res.xy_px[ok][:, 0] > -50).all() and (res.xy_px[ok][:, 0] < res.info.width + 50).all()
    assert abs(res.time_s[1] - res.time_s[0] - 1 / 30) < 1e-3


def test_video_read_annotate_and_refuse_not_running(demo: Path, tmp_path: Path, no_network: None, capsys: pytest.CaptureFixture[str]) -> None:
    import cv2

    from stridelab.cli.main import main
    from stridelab.io import read_trial
    from stridelab.video.annotate import annotate_trial

    tr = read_trial(demo, end_s=1.0)
    assert tr.provenance.format == "video" and tr.keypoints is not None
    assert tr.provenance.extra["video"]["source_video"]["width"] == 1768
    out = annotate_trial(tr, None, tmp_path / "a.webm", max_frames=20)
    cap = cv2.VideoCapture(str(out))
    ok, frame = cap.read()
    assert ok and frame.shape[0] == 360 and out.stat().st_size > 1000
    av = pytest.importorskip("av")
    with av.open(str(out)) as container:  # WebM/VP9: plays in every current browser
        assert container.format.name.startswith("matroska") and container.streams.video[0].codec_context.name == "vp9"
    # the demo shows jumping and walking, not running: one line, exit 4 (too few steps) or 3 (not running)
    rc = main(["analyze", str(demo), "--end-s", "1.0", "-q"])
    err = capsys.readouterr().err
    assert rc in (3, 4) and err.startswith("stridelab: error:") and err.count("\n") == 1


def test_missing_extra_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from stridelab.errors import UsageError
    from stridelab.video import pose

    monkeypatch.setitem(sys.modules, "mediapipe", None)
    with pytest.raises(UsageError, match="scripts/setup.sh.*--no-deps mediapipe==0.10.14") as e:
        pose.require_mediapipe()
    assert e.value.exit_code == 2


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (apt-get install chromium)")
def test_annotated_video_plays_in_headless_chromium(demo: Path, tmp_path: Path) -> None:
    """The annotated WebM decodes in a real browser (loadeddata fires with the frame size)."""
    from stridelab.io import read_trial
    from stridelab.video.annotate import annotate_trial

    out = annotate_trial(read_trial(demo, end_s=0.7), None, tmp_path / "a.webm")
    page = tmp_path / "play.html"
    page.write_text(
        f"<html><body><video id=v src='{out.as_uri()}' muted></video><div id=o>pending</div><script>"
        "const v=document.getElementById('v');"
        "v.addEventListener('loadeddata',()=>{document.getElementById('o').textContent='decoded '+v.videoWidth+'x'+v.videoHeight;});"
        "v.addEventListener('error',()=>{document.getElementById('o').textContent='error';});"
        "</script></body></html>"
    )
    cmd = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
        "--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom", page.as_uri(),
    ]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    assert '<div id="o">decoded 640x360' in dom

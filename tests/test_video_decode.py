"""The decoder thread beside the pose model (stridelab.video.decode) on the REAL phone video
(../shared/data/video/male_side/male_side.mp4): the same frames and keypoints as a sequential read,
errors in the thread end the loop with one line, stopping early or Ctrl-C leaves no thread running,
and the progress bar still counts every frame."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2", reason="the video extra is not installed (scripts/setup.sh test,video installs it)")

from stridelab.errors import InvalidInputError  # noqa: E402
from stridelab.video.decode import FrameSource, frames  # noqa: E402


@pytest.fixture()
def video(shared_data: Path) -> Path:
    return shared_data / "video" / "male_side" / "male_side.mp4"


def _decoders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("stridelab-decode")]


def _no_decoder_left() -> bool:
    deadline = time.monotonic() + 5.0
    while _decoders() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not _decoders()


def test_threaded_recycled_frames_equal_a_sequential_read(video: Path) -> None:
    seq = [(i, t, f.copy()) for i, t, f in frames(video, rgb=True, threaded=False) if i < 40]
    got = []
    with FrameSource(video, rgb=True, prefetch=2, reuse=True) as src:
        for i, t, f in src:
            got.append((i, t, f.copy()))  # a recycled buffer: copied before the next frame
            time.sleep(0.002 if i % 7 == 0 else 0.0)  # a slow consumer: the queue fills and buffers come back
            if i == 39:
                break
    assert [g[0] for g in got] == list(range(40))
    assert [g[1] for g in got] == [s[1] for s in seq]
    assert all(np.array_equal(g[2], s[2]) for g, s in zip(got, seq, strict=True))
    plain = cv2.VideoCapture(str(video))
    ok, bgr = plain.read()
    plain.release()
    assert ok and np.array_equal(got[0][2], cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    assert _no_decoder_left()


def test_scaling_in_the_thread_keeps_the_aspect(video: Path) -> None:
    with FrameSource(video, rgb=True, scale_to_height=640, reuse=True) as src:
        i, _, f = next(iter(src))
    assert i == 0 and f.shape == (640, 360, 3)
    assert _no_decoder_left()


@pytest.mark.parametrize("exc", ["cv2", "other"])
def test_an_error_in_the_decoder_thread_is_one_line_and_leaves_no_thread(video: Path, monkeypatch: pytest.MonkeyPatch, exc: str) -> None:
    real = FrameSource._read

    def failing(self: FrameSource, k: int | None) -> np.ndarray | None:
        if self.cap.get(cv2.CAP_PROP_POS_FRAMES) >= 5:
            if exc == "cv2":
                raise cv2.error("OpenCV(4) error: (-215:Assertion failed)\n  in function 'cvtColor'")
            raise RuntimeError("a bug in the decoder thread")
        return real(self, k)

    monkeypatch.setattr(FrameSource, "_read", failing)
    seen = []
    expected: type[Exception] = InvalidInputError if exc == "cv2" else RuntimeError
    with pytest.raises(expected) as e:
        for i, _, _ in frames(video, rgb=True, threaded=True, reuse=True):
            seen.append(i)
    assert seen == [0, 1, 2, 3, 4]
    assert "\n" not in str(e.value)
    if exc == "cv2":
        assert str(e.value).startswith("male_side.mp4: frame 5 cannot be decoded (")
    assert _no_decoder_left()


def test_stopping_early_or_an_interrupt_joins_the_decoder(video: Path) -> None:
    src = FrameSource(video, rgb=True, prefetch=2, reuse=True)
    with pytest.raises(KeyboardInterrupt), src:
        for i, _, _ in src:
            if i == 3:
                raise KeyboardInterrupt  # as Ctrl-C arrives in the main thread
    assert src.cap is None and _no_decoder_left()
    with FrameSource(video, prefetch=1) as src2:
        for i, _, _ in src2:
            if i == 2:
                break
    assert src2.cap is None and _no_decoder_left()


def test_an_unopenable_video_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "x.mp4"
    p.write_bytes(b"not a video at all")
    with pytest.raises(InvalidInputError, match="cannot open the video"):
        with FrameSource(p):
            pass
    assert _no_decoder_left()


pytest.importorskip("mediapipe", reason="the video extra is not installed (scripts/setup.sh test,video installs it)")


def test_threaded_pose_equals_sequential_and_counts_progress(video: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stridelab.progress
    from stridelab.video.pose import run_pose

    calls: list[tuple[str, float | None, int]] = []

    @contextmanager
    def recording(description: str, total: float | None, unit: str = "frames") -> Iterator[Callable[[float], None]]:
        n = [0]

        def advance(k: float = 1) -> None:
            n[0] += int(k)

        yield advance
        calls.append((description, total, n[0]))

    monkeypatch.setattr(stridelab.progress, "progress", recording)
    thr = run_pose(video, max_frames=45)
    seq = run_pose(video, max_frames=45, threaded=False)
    assert calls == [("pose model: male_side.mp4", 45, 45)] * 2
    assert np.array_equal(thr.xy_px, seq.xy_px, equal_nan=True)
    assert np.array_equal(thr.confidence, seq.confidence) and np.array_equal(thr.depth, seq.depth, equal_nan=True)
    assert np.array_equal(thr.time_s, seq.time_s)
    assert np.isfinite(thr.xy_px[:, 23, 0]).mean() > 0.9  # the runner's left hip, found
    assert _no_decoder_left()


def test_a_failing_pose_model_stops_the_decoder(video: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stridelab.video.pose as pose_mod

    _, real = pose_mod.require_mediapipe()

    class Failing:
        def __init__(self, **kw: object) -> None:
            self.inner = real.Pose(**kw)
            self.n = 0

        def process(self, rgb: np.ndarray) -> object:
            self.n += 1
            if self.n == 4:
                raise RuntimeError("CalculatorGraph::Run() failed")
            return self.inner.process(rgb)

        def close(self) -> None:
            self.inner.close()

    class FakeModule:
        Pose = Failing

    monkeypatch.setattr(pose_mod, "require_mediapipe", lambda: (None, FakeModule))
    with pytest.raises(RuntimeError, match="CalculatorGraph"):
        pose_mod.run_pose(video, max_frames=30)
    assert _no_decoder_left()


#: The real CLI in a child, with a marker file written once the decoder thread runs beside the pose model.
_CHILD = """
import sys
from pathlib import Path
from stridelab.video.decode import FrameSource
enter = FrameSource.__enter__
def marked(self):
    r = enter(self)
    Path(sys.argv[1]).write_text("decoding")
    return r
FrameSource.__enter__ = marked
from stridelab.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def test_ctrl_c_during_the_pose_model_is_one_line(video: Path, tmp_path: Path) -> None:
    marker = tmp_path / "started"
    p = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(marker), "analyze", str(video), "--json", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists() and p.poll() is None, "the analysis ended before the pose model ran"
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert err.strip().splitlines() == ["stridelab: error: interrupted"]
    assert out == ""

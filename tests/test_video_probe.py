"""The video probe: container, codec and sizes checked in a limited child before any decoding here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import stridelab.video.probe as vprobe
from stridelab.errors import InvalidInputError, StridelabError, UsageError
from stridelab.video.probe import Probe, check_probe, probe_video

pytest.importorskip("cv2")


def _video(shared_data: Path) -> Path:
    p = shared_data / "video" / "male_side" / "male_side.mp4"
    if not p.is_file():
        pytest.skip(f"{p} is absent")
    return p


def test_real_phone_video(shared_data: Path) -> None:
    p = probe_video(_video(shared_data))
    assert (p.rate_hz, p.n_frames, p.width, p.height) == (30.0, 360, 720, 1280)
    assert p.streams >= 1
    if p.codec is not None:  # PyAV installed
        assert p.codec == "h264" and p.duration_s == pytest.approx(12.0, abs=0.1)


def test_probe_runs_in_the_limited_child(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    real = vprobe.start_limited

    def spy(fn: Any, *args: Any, **kw: Any) -> Any:
        calls.append(kw)
        return real(fn, *args, **kw)

    monkeypatch.setattr(vprobe, "start_limited", spy)
    probe_video(_video(shared_data))
    assert len(calls) == 1 and calls[0]["what"] == "video probe"


def test_a_started_probe_is_reaped_when_cancelled_or_failed(shared_data: Path, tmp_path: Path) -> None:
    """The pose model loads while the probe's child works (issue 12); the child never outlives the call."""
    before = _children()
    job = vprobe.start_probe(_video(shared_data))
    job.cancel()
    assert _children() <= before  # no child left, not even a zombie
    bad = tmp_path / "cut.mp4"
    bad.write_bytes(_video(shared_data).read_bytes()[:2000])
    pytest.importorskip("mediapipe")
    from stridelab.video.pose import run_pose

    with pytest.raises(InvalidInputError) as e:
        run_pose(bad)
    assert "\n" not in str(e.value) and str(e.value).startswith("cut.mp4: ")
    assert _children() <= before


def _children() -> set[int]:
    """Process ids whose parent is this process (zombies included), from /proc."""
    import os

    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            out.add(int(stat.parent.name))
    return out


@pytest.mark.parametrize("keep", [0, 48, 2000, 300_000])
def test_truncated_video_one_line(shared_data: Path, tmp_path: Path, keep: int) -> None:
    src = _video(shared_data).read_bytes()
    p = tmp_path / "cut.mp4"
    p.write_bytes(src[:keep])
    with pytest.raises(InvalidInputError) as e:
        probe_video(p)
    assert "\n" not in str(e.value) and str(tmp_path) not in str(e.value)


def test_not_a_video(tmp_path: Path) -> None:
    p = tmp_path / "x.mp4"
    p.write_text("time,x\n0,1\n" * 100)
    with pytest.raises(InvalidInputError):
        probe_video(p)


def _p(**kw: Any) -> Probe:
    base: dict[str, Any] = {"streams": 2, "codec": "h264", "rate_hz": 30.0, "n_frames": 360, "width": 720, "height": 1280, "duration_s": 12.0}
    return Probe(**{**base, **kw})


def test_checks_accept_a_phone_video() -> None:
    assert check_probe("v.mp4", _p()) == _p()


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"rate_hz": 0.0}, "no frame rate"),
        ({"rate_hz": float("nan")}, "no frame rate"),
        ({"width": 8192, "height": 8192}, "larger than"),
        ({"n_frames": 200_000, "duration_s": None}, "STRIDELAB_MAX_VIDEO_FRAMES"),
        ({"n_frames": 100_000, "width": 3840, "height": 2160, "duration_s": None}, "STRIDELAB_MAX_VIDEO_PIXELS"),
        ({"n_frames": 50_000}, "declares 50000 frames"),
    ],
)
def test_checks_refuse(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(StridelabError, match=match):
        check_probe("v.mp4", _p(**kw))


def test_frame_cap_override(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError):
        check_probe("v.mp4", _p(n_frames=120_000, width=64, height=64, duration_s=None))
    monkeypatch.setenv("STRIDELAB_MAX_VIDEO_FRAMES", "200000")
    assert check_probe("v.mp4", _p(n_frames=120_000, width=64, height=64, duration_s=None)).n_frames == 120_000

"""Decoding a video beside the pose model: a decoder thread, a bounded queue, recycled frame buffers.

Method: a two-stage producer/consumer pipeline (the bounded-buffer pattern; Dijkstra EW 1965,
"Cooperating sequential processes", EWD123). The decoder thread reads each frame with OpenCV
(FFmpeg; the decoder the video probe, :mod:`stridelab.video.probe`, checked in a limited child),
scales it (``scale_to_height``, INTER_AREA) and converts it to RGB (``rgb=True``) once, into buffers
that are recycled, and hands it over through a queue of at most ``prefetch`` frames; the consumer
(the pose model, in the calling thread) takes them in order. OpenCV and the pose model release the
GIL while they work, so on a machine with a free core decoding costs the pose model no time.

The frames are exactly those of a sequential read (``threaded=False`` decodes in the calling
thread, with the same code: the reference the tests compare against).

Stopping: when the consumer stops early (``max_frames``, an exception, Ctrl-C), the decoder is told
to stop and joined before the capture is released; no thread is left running. An error in the
decoder thread ends the iteration in the consumer with one line (:class:`InvalidInputError` for a
frame FFmpeg/OpenCV cannot decode or convert; other exceptions as they are), never a hang.

With ``reuse=True`` a yielded frame is valid until the next one is asked for (its buffer is then
refilled): the pose model copies its input, so the pipeline allocates no frame per frame.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InvalidInputError

#: Seconds between checks of the stop flag while a queue is full or empty.
POLL_S = 0.05
#: Seconds to wait for the decoder thread to finish one frame after being told to stop.
JOIN_S = 30.0


class _Failed:
    """An exception raised in the decoder thread, carried to the consumer."""

    def __init__(self, exc: BaseException, index: int) -> None:
        self.exc = exc
        self.index = index


_END = object()


class FrameSource:
    """Frames of one video: ``(index, time_ms, frame)``; see the module docstring.

    Use as a context manager (``with FrameSource(path) as src: for i, t_ms, f in src: ...``) so
    that the decoder thread is stopped and the capture released however the loop ends.
    """

    def __init__(
        self,
        path: Path,
        *,
        rgb: bool = False,
        scale_to_height: int | None = None,
        prefetch: int = 4,
        threaded: bool = True,
        reuse: bool = False,
    ) -> None:
        from stridelab.video.pose import require_cv2

        self.cv2 = require_cv2()
        self.path = Path(path)
        self.rgb = rgb
        self.scale_to_height = scale_to_height
        self.prefetch = max(1, int(prefetch))
        self.threaded = threaded
        self.reuse = reuse
        self.cap: Any = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._q: queue.Queue[Any] = queue.Queue(maxsize=self.prefetch)
        self._free: queue.Queue[int] = queue.Queue()
        n_slots = self.prefetch + 2 if reuse else 0  # the queue's frames, the one being decoded, the one in use
        self._raw: list[Any] = [None] * n_slots
        self._small: list[Any] = [None] * n_slots
        self._out: list[Any] = [None] * n_slots
        for k in range(n_slots):
            self._free.put(k)

    # --- one frame, the same code in both modes -------------------------------------------------
    def _read(self, k: int | None) -> np.ndarray | None:
        """The next frame, scaled and converted (into slot ``k``'s buffers when recycling), or None at the end."""
        cv2 = self.cv2
        ok, f = self.cap.read(self._raw[k]) if k is not None and self._raw[k] is not None else self.cap.read()
        if not ok or f is None:
            return None
        if k is not None:
            self._raw[k] = f
        h = self.scale_to_height
        if h and f.shape[0] > h:
            size = (int(round(f.shape[1] * h / f.shape[0])), h)
            dst = self._small[k] if k is not None and self._small[k] is not None and self._small[k].shape[:2] == size[::-1] else None
            f = cv2.resize(f, size, dst, interpolation=cv2.INTER_AREA)
            if k is not None:
                self._small[k] = f
        if self.rgb:
            dst = self._out[k] if k is not None and self._out[k] is not None and self._out[k].shape == f.shape else None
            f = cv2.cvtColor(f, cv2.COLOR_BGR2RGB, dst)
            if k is not None:
                self._out[k] = f
        return np.asarray(f)

    def _time_ms(self) -> float:
        return float(self.cap.get(self.cv2.CAP_PROP_POS_MSEC))

    # --- the decoder thread ---------------------------------------------------------------------
    def _put(self, item: Any) -> bool:
        """Put ``item`` in the bounded queue unless told to stop (False then)."""
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _slot(self) -> int | None:
        while not self._stop.is_set():
            try:
                return self._free.get(timeout=POLL_S)
            except queue.Empty:
                continue
        return None

    def _work(self) -> None:
        i = 0
        try:
            while not self._stop.is_set():
                k = self._slot() if self.reuse else None
                if self.reuse and k is None:
                    return
                f = self._read(k)
                if f is None:
                    break
                if not self._put((i, self._time_ms(), f, k)):
                    return
                i += 1
        except BaseException as e:  # noqa: BLE001 - carried to the consumer, which raises it
            self._put(_Failed(e, i))
            return
        self._put(_END)

    # --- the consumer ---------------------------------------------------------------------------
    def __enter__(self) -> FrameSource:
        self.cap = self.cv2.VideoCapture(str(self.path))
        if not self.cap.isOpened():
            self.cap.release()
            raise InvalidInputError(f"{self.path.name}: cannot open the video (corrupt or an unsupported codec)")
        if self.threaded:
            self._thread = threading.Thread(target=self._work, name=f"stridelab-decode {self.path.name}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop and join the decoder thread, then release the capture (safe to call twice)."""
        self._stop.set()
        th, self._thread = self._thread, None
        if th is not None:
            th.join(JOIN_S)
            if th.is_alive():  # a decoder stuck inside FFmpeg: leave the capture to it (a daemon thread)
                self.cap = None
                return
        if self.cap is not None:
            self.cap.release()
            self.cap = None

    def _get(self) -> Any:
        th = self._thread
        while True:
            try:
                return self._q.get(timeout=POLL_S)
            except queue.Empty:
                if th is None or not th.is_alive():
                    try:
                        return self._q.get_nowait()
                    except queue.Empty:
                        return _Failed(RuntimeError("the decoder thread ended without a result"), -1)

    def __iter__(self) -> Iterator[tuple[int, float, np.ndarray]]:
        if self.cap is None:
            raise RuntimeError("FrameSource is used inside a with block")
        if not self.threaded:
            i = 0
            k = 0 if self.reuse else None
            while True:
                try:
                    f = self._read(k)
                except self.cv2.error as e:
                    raise self._failure(e, i) from None
                if f is None:
                    return
                yield i, self._time_ms(), f
                i += 1
        while True:
            item = self._get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                if isinstance(item.exc, self.cv2.error):
                    raise self._failure(item.exc, item.index) from None
                raise item.exc
            i, t_ms, f, k = item
            yield i, t_ms, f
            if k is not None:
                self._free.put(k)

    def _failure(self, e: BaseException, i: int) -> InvalidInputError:
        said = " ".join(str(e).split())[:160]
        return InvalidInputError(f"{self.path.name}: frame {i} cannot be decoded ({said}); the video is damaged")


def frames(
    path: Path, prefetch: int = 8, scale_to_height: int | None = None, rgb: bool = False, *, threaded: bool = True, reuse: bool = False
) -> Iterator[tuple[int, float, np.ndarray]]:
    """(index, time_ms, frame) of ``path``, decoded in a background thread (see the module docstring)."""
    with FrameSource(path, rgb=rgb, scale_to_height=scale_to_height, prefetch=prefetch, threaded=threaded, reuse=reuse) as src:
        yield from src


__all__ = ["FrameSource", "frames"]

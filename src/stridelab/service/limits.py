"""Request limits and logging: body size (ASGI middleware), per-token rate limit, and a log that
holds neither health data nor tokens (method, route template, status and time only: no runner ids,
no query strings, no headers)."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

log = logging.getLogger("stridelab.service")


class BodyTooLarge(Exception):
    """The request body went over the limit while it was being read."""


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413: at once by Content-Length, else while
    streaming (the body is counted chunk by chunk, so it is never held whole to find out)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _too_large(send, self.max_bytes)
            return
        seen = 0
        started = exceeded = False

        async def limited_receive() -> Any:
            nonlocal seen, exceeded
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return msg

        async def tracking_send(msg: Any) -> None:
            nonlocal started
            if exceeded:  # the app turned the refused body into its own error: answer 413 instead
                if msg["type"] == "http.response.start" and not started:
                    started = True
                    await _too_large(send, self.max_bytes)
                return
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                started = True
                await _too_large(send, self.max_bytes)


async def _too_large(send: Any, max_bytes: int) -> None:
    body = json.dumps({"detail": f"request body larger than the limit of {max_bytes} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class AccessLog:
    """One log line per request: method, route template (``/runners/{runner_id}/history``), status, ms."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 500

        async def send_status(msg: Any) -> None:
            nonlocal status
            if msg["type"] == "http.response.start":
                status = msg["status"]
            await send(msg)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(no route)"
            log.info("%s %s %d %.0f ms", scope.get("method"), template, status, 1000 * (time.perf_counter() - t0))


class RateLimiter:
    """A token bucket per API token: ``rate_per_s`` requests per second on average, ``burst`` at once."""

    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate = rate_per_s
        self.burst = float(burst)
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: int) -> float:
        """0 when the request may go on, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0


__all__ = ["AccessLog", "BodyLimit", "BodyTooLarge", "RateLimiter"]

"""How much one caller may ask: requests a minute per token (or per signed-in browser, or per
address for requests that name nobody), a tighter allowance for the AI endpoints, and the
largest body a request may send.

The counts are kept in this process (a token bucket per caller, refilled continuously): with
several workers each holds its own, so a caller may get up to that many times the allowance;
the AI endpoints are also counted against the member's AI quota in the database, which every
worker shares (`services/ai/quotas.py`), exactly as the pages are.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigor_app.public_api.errors import ApiError, error_response
from vigor_app.settings import get_settings

MAX_CALLERS = 50_000  # buckets kept; the least recently used go first (a full one is the default)


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per key: `per_minute` requests a minute, up to a minute's worth at once."""

    def __init__(self, clock=time.monotonic) -> None:
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = Lock()
        self._clock = clock

    def wait_needed(self, key: str, per_minute: int) -> float:
        """0 when the request may go ahead (and it is counted), else the seconds to wait."""
        rate = per_minute / 60.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(tokens=float(per_minute), at=now)
            bucket.tokens = min(float(per_minute), bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            self._buckets[key] = bucket
            while len(self._buckets) > MAX_CALLERS:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / rate

    def check(self, key: str, per_minute: int, what: str) -> None:
        """ApiError 429 with Retry-After when `key` has used its allowance."""
        wait = self.wait_needed(key, per_minute)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, "rate_limited", f"Too many {what}: at most {per_minute} a minute. "
                           f"Try again in {seconds} s.", details={"retry_after": seconds, "per_minute": per_minute},
                           headers={"Retry-After": str(seconds)})

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


requests = RateLimiter()


def count_request(key: str) -> None:
    requests.check(key, get_settings().api_rate_per_minute, "requests")


def count_ai_request(key: str) -> None:
    requests.check("ai:" + key, get_settings().api_ai_rate_per_minute, "AI requests")


class BodyLimit:
    """ASGI middleware: a body larger than the limit is refused with 413 before the endpoint
    reads it (by Content-Length, or by counting as it arrives). `larger` names path endings that
    take more (the data import's file)."""

    def __init__(self, app: ASGIApp, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.larger = larger or {}

    def _limit(self, path: str) -> int:
        for ending, limit in self.larger.items():
            if path.endswith(ending):
                return limit
        return get_settings().api_max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(limit, scope, receive, send)
            return
        received = 0
        over = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _TooLarge()
            return message

        async def unless_over(message: Message) -> None:
            if not over:  # once over, whatever the endpoint answers is replaced by the 413
                await send(message)

        try:
            await self.app(scope, counted, unless_over)
        except _TooLarge:
            pass
        if over:
            await self._refuse(limit, scope, receive, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "too_large", f"The request body is larger than {limit:,} bytes.",
                                  details={"limit_bytes": limit}, headers={"Connection": "close"})
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass

"""The per-client rate limit (NEWSDESK_API_RATE_LIMIT): a moving window per client address.

Over the limit a client gets 429 with `Retry-After` (whole seconds until the window lets it in
again) and a JSON message saying which limit it hit: an opaque refusal is what users of other news
APIs complain about most. The counters live in the server process (one process per `serve`).
A pure ASGI middleware, so streamed responses pass through untouched.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from newsdesk.api.errors import error_response


def describe(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    return f"{item.amount} per {unit}" if item.multiples == 1 else f"{item.amount} per {item.multiples} {unit}s"


class RateLimit:
    def __init__(self, app: ASGIApp, limit: str) -> None:
        self.app = app
        self.items: list[RateLimitItem] = [] if limit == "off" else parse_many(limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.items:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        for item in self.items:
            if not self.limiter.test(item, "client", client):
                reset = self.limiter.get_window_stats(item, "client", client).reset_time
                retry = max(1, math.ceil(reset - time.time()))
                response = error_response(
                    429, "rate_limited",
                    f"too many requests from {client}: the limit is {describe(item)}; wait {retry} s and try "
                    "again (Retry-After)", {"Retry-After": str(retry)})
                await response(scope, receive, send)
                return
        for item in self.items:
            self.limiter.hit(item, "client", client)
        await self.app(scope, receive, send)

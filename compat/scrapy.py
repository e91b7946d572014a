"""Scrapy internals newsdesk relies on, each checked before it is used.

- The robots.txt middleware (crawlers/middlewares.py, UnreachableRobotsMiddleware) overrides
  RobotsTxtMiddleware's `_parse_robots`, `_robots_error` and `process_request_2` and uses its
  `_parsers` and `_stats`, to treat a robots.txt that fails (5xx, no answer) as "disallow all"
  (RFC 9309), where Scrapy crawls the site. `robots_internals_match()` checks their names, their
  signatures and that Scrapy's own code still calls them; when it does not, the middleware is
  Scrapy's own (no RFC 9309 treatment) and the skip is recorded.
- An idle engine is woken through `engine._slot.nextcall` (`wake_engine`), as Scrapy itself does:
  a distributed worker then sees requests another worker queued within 0.5 s, not 5 s.
- Scrapy says why it refused a request only in IgnoreRequest's message: `refusal_kind` reads the
  three we count. tests/test_faults_http.py drives the real middlewares to each of them.
"""

from __future__ import annotations

import functools
import inspect

from compat import record

LIBRARY = "scrapy"


@functools.cache
def robots_internals_match() -> bool:
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as Robots

    expected = {"_parse_robots": ["self", "response", "netloc", "request"],
                "_robots_error": ["self", "exc", "netloc"],
                "process_request_2": ["self", "rp", "request"]}
    try:
        for name, parameters in expected.items():
            if list(inspect.signature(getattr(Robots, name)).parameters) != parameters:
                return record(LIBRARY, "robots_unreachable", False, f"RobotsTxtMiddleware.{name} changed")
        if not inspect.iscoroutinefunction(Robots._parse_robots):
            return record(LIBRARY, "robots_unreachable", False, "_parse_robots is no longer a coroutine")
        calls = inspect.getsource(Robots.robot_parser) + inspect.getsource(Robots.process_request)
        init = inspect.getsource(Robots.__init__)
    except (AttributeError, OSError, TypeError) as exc:
        return record(LIBRARY, "robots_unreachable", False, f"RobotsTxtMiddleware: {exc}")
    for needed, where in (("self._parse_robots(", calls), ("self._robots_error(", calls),
                          ("self.process_request_2(", calls), ("self._parsers", init), ("self._stats", init)):
        if needed not in where:
            return record(LIBRARY, "robots_unreachable", False, f"RobotsTxtMiddleware no longer uses {needed.rstrip('(')}")
    return record(LIBRARY, "robots_unreachable", True)


@functools.cache
def _engine_has_next_call(engine_class: type) -> bool:
    source = inspect.getsource(engine_class) if hasattr(engine_class, "__module__") else ""
    found = "self._slot" in source and "nextcall" in source
    return record(LIBRARY, "wake_engine", found,
                  "" if found else "ExecutionEngine no longer has _slot.nextcall: idle workers look every 5 s")


def wake_engine(engine, delay: float) -> bool:
    """Have an idle engine look at its scheduler again after `delay` seconds, as Scrapy's own
    next-call does; False when it cannot (recorded once)."""
    try:
        if not _engine_has_next_call(type(engine)):
            return False
    except (OSError, TypeError):
        return record(LIBRARY, "wake_engine", False, "ExecutionEngine's source is not readable")
    slot = getattr(engine, "_slot", None)  # None while the engine opens or closes
    if slot is None:
        return False
    slot.nextcall.schedule(delay)
    return True


# Scrapy's messages (scrapy/downloadermiddlewares/: robotstxt, redirect, httpcompression).
_REFUSALS = (
    ("Forbidden by robots.txt", "robots_disallowed"),
    ("max redirections reached", "too_many_redirects"),
    ("during decompression", "too_large"),
)


def refusal_kind(message: str) -> str | None:
    """What a Scrapy IgnoreRequest was raised for, from its message: robots_disallowed,
    too_many_redirects, too_large; None for another refusal."""
    for text, kind in _REFUSALS:
        if text in message:
            return kind
    return None

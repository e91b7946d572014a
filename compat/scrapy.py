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
- `create_deprecated_class` (scrapy/utils/deprecate.py) names the module of a deprecated alias
  from `inspect.stack()[1]`, and inspect.stack() reads the source file of every frame on the stack
  and looks for the module of each among all loaded modules. Three such aliases are made while
  the HTTP download handler is imported (tls.py, contextfactory.py): 0.12-0.18 s of every crawl's
  start-up, before its first request. `install_caller_module()` gives that function an `inspect`
  whose stack() is the frames alone and whose getmodule() of a frame is the module named by its
  globals, which is the same module (tests/test_compat.py compares the aliases' `__module__`).
"""

from __future__ import annotations

import functools
import inspect
import sys
import types

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


class _CallerFrames(types.ModuleType):
    """`inspect` as create_deprecated_class uses it, without reading any source file."""

    def __init__(self):
        super().__init__("inspect")

    def __getattr__(self, name):
        return getattr(inspect, name)

    @staticmethod
    def stack(context: int = 1) -> list[tuple]:
        frame = sys._getframe(1)  # the caller of stack(): element 0, as in inspect.stack()
        frames = []
        while frame is not None:
            frames.append((frame,))
            frame = frame.f_back
        return frames

    @staticmethod
    def getmodule(obj, _filename=None):
        if inspect.isframe(obj):
            module = sys.modules.get(obj.f_globals.get("__name__", ""))
            if module is not None:
                return module
        return inspect.getmodule(obj, _filename)


def install_caller_module() -> bool:
    """Make scrapy.utils.deprecate find a deprecated alias's module cheaply; recorded either way."""
    from scrapy.utils import deprecate

    if isinstance(getattr(deprecate, "inspect", None), _CallerFrames):
        return True
    try:
        source = inspect.getsource(deprecate.create_deprecated_class)
    except (AttributeError, OSError, TypeError) as exc:
        return record(LIBRARY, "deprecated_class_module", False, f"create_deprecated_class: {exc}")
    if getattr(deprecate, "inspect", None) is not inspect or "inspect.stack()[1]" not in source \
            or "inspect.getmodule(frm[0])" not in source:
        return record(LIBRARY, "deprecated_class_module", False,
                      "create_deprecated_class no longer finds its caller with inspect.stack()[1]")
    deprecate.inspect = _CallerFrames()
    return record(LIBRARY, "deprecated_class_module", True)


def uninstall_caller_module() -> None:
    from scrapy.utils import deprecate

    if isinstance(getattr(deprecate, "inspect", None), _CallerFrames):
        deprecate.inspect = inspect

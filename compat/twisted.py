"""Twisted internals newsdesk relies on, each checked before it is used.

- A response body longer than its Content-Length. Twisted's HTTP client reads exactly the declared
  number of bytes and drops what follows in the same read (`HTTP11ClientProtocol._finishResponse`:
  "Currently the rest parameter is ignored"); with `Connection: close` the response then ends as a
  complete one, and a page cut short by a Content-Length that lies was stored truncated (issue 23).
  `install()` wraps `HTTPClientParser._finished` to notice such bytes, and `connectionLost` to end
  that body as data loss (a `ResponseFailed` wrapping `_DataLoss`, the way Twisted itself ends a
  body shorter than its Content-Length): Scrapy raises ResponseDataLossError, the request is
  retried and, if the server keeps lying, counted and never stored. Bytes that arrive in a later
  read than the body's end are not seen (Twisted has let go of the connection's parser by then).
  When the internals are not as expected, nothing is patched and the skip is recorded.
"""

from __future__ import annotations

import inspect

from compat import record

LIBRARY = "twisted"
_installed: dict[str, object] = {}


def _internals_match(parser_class) -> str:
    """'' when HTTPClientParser is the one this patch was written against, else why not."""
    expected = {"_finished": ["self", "rest"], "connectionLost": ["self", "reason"]}
    try:
        for name, parameters in expected.items():
            if list(inspect.signature(getattr(parser_class, name)).parameters) != parameters:
                return f"HTTPClientParser.{name} changed"
        finished = inspect.getsource(parser_class._finished)
        lost = inspect.getsource(parser_class.connectionLost)
    except (AttributeError, OSError, TypeError) as exc:
        return f"HTTPClientParser: {exc}"
    if "self.finisher(rest)" not in finished:
        return "HTTPClientParser._finished no longer hands the rest to its finisher"
    if "self.bodyDecoder" not in lost or "_bodyDataFinished" not in lost:
        return "HTTPClientParser.connectionLost no longer ends the body through its decoder"
    return ""


def install() -> bool:
    """Patch once per process; True when the check is in use."""
    if _installed:
        return record(LIBRARY, "excess_body", True)
    try:
        from twisted.python.failure import Failure
        from twisted.web import _newclient
        from twisted.web._newclient import BODY, HTTPClientParser, ResponseFailed, _DataLoss
    except ImportError as exc:
        return record(LIBRARY, "excess_body", False, f"twisted.web._newclient: {exc}")
    reason = _internals_match(HTTPClientParser)
    if reason:
        return record(LIBRARY, "excess_body", False, reason)
    original_finished, original_lost = HTTPClientParser._finished, HTTPClientParser.connectionLost

    def _finished(self, rest):
        # Whitespace after a body is harmless (some servers end with an extra CRLF); anything else
        # means the declared length was short of what the server sent.
        if self.state == BODY and rest and rest.strip():
            self._newsdesk_excess = len(rest)
        return original_finished(self, rest)

    def connectionLost(self, reason=None):
        if getattr(self, "_newsdesk_excess", 0) and self.bodyDecoder is not None:
            excess, self._newsdesk_excess = self._newsdesk_excess, 0
            self.bodyDecoder = None
            loss = Failure(_DataLoss(f"{excess} bytes past the declared Content-Length"))
            self.response._bodyDataFinished(Failure(ResponseFailed([reason or loss, loss], self.response)))
            return None
        return original_lost(self, reason)

    HTTPClientParser._finished = _finished
    HTTPClientParser.connectionLost = connectionLost
    _installed.update(module=_newclient, finished=original_finished, lost=original_lost)
    return record(LIBRARY, "excess_body", True)


def uninstall() -> None:
    if not _installed:
        return
    parser = _installed["module"].HTTPClientParser
    parser._finished, parser.connectionLost = _installed["finished"], _installed["lost"]
    _installed.clear()

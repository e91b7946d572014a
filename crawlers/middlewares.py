"""Downloader middlewares: the private-network guard and retries with backoff."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.utils.defer import maybe_deferred_to_future

from compat.scrapy import robots_internals_match
from compat.twisted import install as install_excess_body_check
from core.network import ALLOWED_SCHEMES, address_is_public
from core.network import literal_ip as _literal_ip
from core.outcomes import LIVE_PREFIX, failure_kind
from core.settings import from_scrapy

logger = logging.getLogger(__name__)
# Every downloader of a crawl loads this module: a body longer than its Content-Length is data loss.
install_excess_body_check()
__all__ = ["ALLOWED_SCHEMES", "address_is_public"]  # judged in core/network.py, shared with `newsdesk extract`


class PrivateNetworkGuardMiddleware:
    """Refuse requests to loopback, private, link-local or metadata addresses and non-http(s) URLs.

    Feeds, sitemaps and pages are written by others: a link to http://169.254.169.254/ or
    http://localhost:6379/ must not turn the crawler against our own network. Every request passes
    here, robots.txt fetches and redirect targets included. Hostnames are resolved through the
    crawler's caching resolver, so the address checked is the address then connected to.
    Allowed only by NEWSDESK_ALLOW_PRIVATE_NETWORKS=1 or `allow_private_networks: true` on a source.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.allow_all = from_scrapy(crawler.settings).allow_private_networks

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _refuse(self, request, reason: str, detail: str):
        self.crawler.stats.inc_value(f"newsdesk/skipped/{reason}")
        logger.warning("refused %s: %s", request.url, detail)
        raise IgnoreRequest(f"{reason}: {detail}")

    async def process_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ALLOWED_SCHEMES:
            self._refuse(request, "bad_scheme", f"scheme {parts.scheme!r} is not http(s)")
        spider = self.crawler.spider
        source = getattr(spider, "source", None)
        if self.allow_all or (source is not None and source.allow_private_networks):
            return None
        host = parts.hostname or ""
        address = _literal_ip(host)
        if address is None:
            from twisted.internet import reactor

            try:
                address = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 - unresolvable: let the download fail and be counted there
                return None
        if not address_is_public(address):
            self._refuse(request, "private_address", f"{host} resolves to non-public address {address}")
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, but waiting before each one: exponentially, and as long as Retry-After asks.

    Retrying a struggling server at once is what makes it struggle; a 429's Retry-After is the
    server telling us how long to wait. A Retry-After beyond NEWSDESK_RETRY_AFTER_MAX gives up.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = from_scrapy(settings).retry_backoff_seconds
        self.cap = settings.getfloat("NEWSDESK_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("NEWSDESK_RETRY_AFTER_MAX", 120.0)

    def _retry_request(self, request, reason):
        """Scrapy's own retry (counted in its retry/... stats), through its public function."""
        return get_retry_request(
            request, spider=self.crawler.spider, reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    async def _back_off(self, seconds: float) -> None:
        """Wait before a retry; counted while waiting, so `newsdesk crawl` can say what it waits for."""
        stats = self.crawler.stats
        stats.inc_value(LIVE_PREFIX + "backing_off")
        try:
            await asyncio.sleep(seconds)
        finally:
            stats.inc_value(LIVE_PREFIX + "backing_off", -1)

    def _delay(self, request, response=None) -> float | None:
        attempt = request.meta.get("retry_times", 0)
        if response is not None and response.status in (429, 503):
            header = response.headers.get(b"Retry-After")
            if header:
                wait = _retry_after_seconds(header.decode("latin-1"))
                if wait is not None:
                    return None if wait > self.retry_after_max else wait
        return min(self.cap, self.base * (2 ** attempt)) * random.uniform(0.8, 1.2)

    async def process_response(self, request, response):
        if request.meta.get("newsdesk_article") and _cut_short(response) and not request.meta.get("dont_retry"):
            # Without Content-Length a body ends when the connection closes, cleanly or by a reset:
            # Twisted cannot tell which, Scrapy only flags the response "partial", and half an
            # article was stored as a whole one (tests/test_faults_http.py). Treated as data loss.
            retry = self._retry_request(request, "partial response")
            if retry is None:
                raise ResponseDataLossError(f"{response.url}: the connection closed before </html>")
            await self._back_off(self._delay(request))
            return retry
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        delay = self._delay(request, response)
        if delay is None:
            self.crawler.stats.inc_value("newsdesk/errors/retry_after_too_long")
            return response
        retry = self._retry_request(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await self._back_off(delay)
        return retry

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry_request(request, exception)
        if retry is None:
            return None
        await self._back_off(self._delay(request))
        return retry


def _cut_short(response) -> bool:
    """A body that ended with the connection (no length to check) before the page's </html>."""
    return "partial" in response.flags and b"</html" not in response.body[-1024:].lower()


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true too, and float("²") raises (issue 23)
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class _Unreachable:
    """The robots.txt of a site that could not be read: nothing is allowed."""

    def allowed(self, url, user_agent) -> bool:
        return False


UNREACHABLE = _Unreachable()
UNRESOLVABLE = _Unreachable()  # the site's host name does not resolve: nothing there can be fetched


class UnreachableRobotsMiddleware(RobotsTxtMiddleware):
    """robots.txt as RFC 9309 says: a server error or no answer means "disallow everything".

    Scrapy treats a robots.txt that fails as "no rules" and crawls the site. A site whose
    robots.txt answers 5xx or times out is struggling or misconfigured; the standard asks
    crawlers to stay away until it answers again. A 4xx (no robots.txt) still means no rules.
    The run counts `newsdesk/skipped/robots_unreachable`, and a source with no other site fails.
    A host name that does not resolve is no robots.txt problem: its requests fail as `dns`
    (core/outcomes.py), each once, without asking the resolver again for every page.
    This relies on RobotsTxtMiddleware's internals: when compat/scrapy.py finds them changed, the
    middleware is Scrapy's own, as released.
    """

    @classmethod
    def from_crawler(cls, crawler):
        if not robots_internals_match():
            return RobotsTxtMiddleware.from_crawler(crawler)
        return super().from_crawler(crawler)

    async def _parse_robots(self, response, netloc, request) -> None:
        if response.status >= 500:
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._unreachable(netloc)
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc) -> None:
        if isinstance(exc, IgnoreRequest):  # refused by our own guard: that site is refused anyway
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unreachable(netloc, UNRESOLVABLE if failure_kind(exc) == "dns" else UNREACHABLE)

    def _unreachable(self, netloc, verdict: _Unreachable = UNREACHABLE) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = verdict
        if hasattr(waiting, "callback"):
            waiting.callback(verdict)

    def process_request_2(self, rp, request) -> None:
        if rp is UNRESOLVABLE:
            self._stats.inc_value("newsdesk/errors/dns")
            raise IgnoreRequest(f"dns: the host of {request.url} could not be resolved")
        if rp is UNREACHABLE:
            self._stats.inc_value("newsdesk/skipped/robots_unreachable")
            raise IgnoreRequest("robots.txt unreachable (server error or no answer): site not crawled, RFC 9309")
        super().process_request_2(rp, request)

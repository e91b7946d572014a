"""The base of every newsdesk spider: from candidate URLs to requests, from responses to items.

Concrete spiders are declarations: the loader (crawlers/loader.py) combines this base with the
feed, news-sitemap and section mixins a source needs and sets its `source` (a SourceSpec).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy.exc import SQLAlchemyError

from compat.scrapy import refusal_kind
from core.dates import utcnow
from core.outcomes import failure_kind, page_rejected
from core.records import KEPT_HEADERS, FetchedPage, run_context
from core.settings import Settings, from_scrapy
from core.urls import canonical_url, clean_url
from crawlers.feeds import Candidate
from crawlers.incremental import KnownUrls
from crawlers.sources import SourceSpec
from storage.db import get_engine, session_factory

# URL shapes that are listings, tags, media or utility pages, never articles.
NOT_ARTICLE_URL = re.compile(
    r"/(tags?|category|categories|topics?|section|sections|author|authors|search|video|videos|"
    r"gallery|galleries|photos?|podcasts?|live|newsletters?|subscribe|login|signup|account|"
    r"about|about-us|contact|contact-us|privacy|privacy-policy|terms|impressum|imprint|qui-sommes-nous)(/|$)"
    r"|/page/\d+/?$|[?&](page|p)=\d+",
    re.IGNORECASE,
)
MAX_URL_LENGTH = 2000


def max_age(source: SourceSpec, settings: Settings) -> timedelta:
    """How old an article may be and still be taken: the source's max_age_days, else the setting's."""
    return timedelta(days=source.max_age_days or settings.max_age_days)


@dataclass
class DiscoveryState:
    """What this process has decided in one pass of a run: URLs requested, known, seen under
    other forms, and what listings said about them. A distributed run that re-discovers after a
    worker died starts a new pass, so its requests are not mistaken for ones already made."""

    requested: set[str] = field(default_factory=set)
    known_unchanged: set[str] = field(default_factory=set)
    variants: dict[str, set[str]] = field(default_factory=dict)  # every URL met for one article
    hints: dict[str, dict] = field(default_factory=dict)          # what listings said about it
    sitemaps: int = 0                                             # sitemap fetches made (crawlers/sitemap_spider.py)


class NewsSpider(scrapy.Spider):
    source: SourceSpec

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = from_scrapy(crawler.settings)
        spider.known_urls = KnownUrls(
            # Read-only engine: a look-up in the reactor thread must never wait for a write lock.
            session_factory(get_engine(settings.resolved_database_url, readonly=True)),
            recheck_after=timedelta(hours=settings.recheck_after_hours),
            recheck_window=timedelta(days=settings.recheck_window_days),
        )
        spider.max_age = max_age(spider.source, settings)
        spider.max_requests = settings.max_requests_per_source
        spider.allow = [re.compile(p) for p in spider.source.allow]
        spider.deny = [re.compile(p) for p in spider.source.deny]
        spider.passes: dict[tuple, DiscoveryState] = {}
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.item_failed, signal=signals.item_error)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        return spider

    # --- discovery: mixins add their requests ---------------------------------------------------
    def discovery_requests(self) -> Iterator[scrapy.Request]:
        return iter(())

    async def start(self):
        if self.settings.get("NEWSDESK_ROLE") == "worker":
            return  # distributed: the coordinator seeds the shared queue; workers only take from it
        for request in self.discovery_requests():
            yield request

    def count(self, key: str, value: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsdesk/{key}", value)

    def discovery_failed(self, failure):
        """Errback of feed/sitemap/section requests: the listing failed, counted with its kind (a
        robots.txt block is a skip, not a failure); a run whose listings all failed ends `failed`."""
        self.count("listings_failed")
        outcome = self._count_failure(failure)
        self.logger.warning("listing %s %s: %s", outcome, failure.request.url, failure.getErrorMessage())

    def _count_failure(self, failure) -> str:
        """Count a request that ended in an errback in the vocabulary of outcomes; returns what
        was counted ("failed (http_404)", "skipped (robots_disallowed)") for the log line."""
        if failure.check(HttpError):  # (an IgnoreRequest subclass: test it first)
            kind = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            refusal = refusal_kind(failure.getErrorMessage())
            if refusal == "robots_disallowed":
                self.count("skipped/robots_disallowed")
                return "skipped (robots_disallowed)"
            if refusal == "too_large":
                self.count("dropped/too_large")
                return "dropped (too_large)"
            if refusal is None:
                # Refused by a middleware of ours, which counted it (robots.txt unreachable or
                # unresolvable, private address, bad scheme) and said why in its message.
                return "refused"
            kind = refusal
        else:
            kind = failure_kind(failure.type)
        self.count(f"errors/{kind}")
        return f"failed ({kind})"

    # --- candidates to requests ------------------------------------------------------------------
    def _skip_reason(self, candidate: Candidate, now) -> str | None:
        url = candidate.url
        if len(url) > MAX_URL_LENGTH or not url.startswith(("http://", "https://")):
            return "bad_url"
        if self.allow and not any(p.search(url) for p in self.allow):
            return "denied"
        if any(p.search(url) for p in self.deny):
            return "denied"
        parts = urlsplit(url)
        if NOT_ARTICLE_URL.search(parts.path + (f"?{parts.query}" if parts.query else "")):
            return "not_article_url"
        date = candidate.published or candidate.updated
        if date is not None and now - date > self.max_age:
            return "too_old"
        return None

    def state(self, response: Response | None = None) -> DiscoveryState:
        meta = response.meta if response is not None else {}
        scope = (meta.get("newsdesk_run"), meta.get("newsdesk_pass"))
        return self.passes.setdefault(scope, DiscoveryState())

    def article_requests(self, candidates: Iterable[Candidate], response: Response | None = None) -> Iterator[scrapy.Request]:
        now = utcnow()
        state = self.state(response)
        fresh: dict[str, Candidate] = {}
        key_of: dict[str, str] = {}  # candidate URL -> canonical URL (courlan is the costly part here)
        for candidate in candidates:
            self.count("candidates")
            reason = self._skip_reason(candidate, now)
            if reason:
                self.count(f"skipped/{reason}")
                continue
            key = key_of[candidate.url] = canonical_url(candidate.url)
            state.variants.setdefault(key, set()).add(candidate.url)
            # A URL found again in the same run is fetched once. One judged known and unchanged is
            # looked at again only if this listing says it was updated (a sitemap's lastmod after
            # a feed without dates).
            if key in state.requested or key in fresh or (key in state.known_unchanged and candidate.updated is None):
                self.count("skipped/seen_in_run")
                self._complete_hints(state, key, candidate)
                continue
            fresh[key] = candidate
        if fresh and len(state.requested) >= self.max_requests:
            self.count("skipped/run_bound", len(fresh))  # before looking them up: the bound is reached
            return
        try:
            to_fetch, known, rejected = self.known_urls.split(list(fresh.values()), now, keys=list(fresh))
        except SQLAlchemyError as exc:
            # The database is away (PostgreSQL restarting mid-crawl): which of these are stored
            # cannot be asked, so all are fetched; the store recognises the ones it has. Losing the
            # listing instead would lose its new articles until the next run.
            self.count("known_urls_unavailable", len(fresh))
            self.logger.warning("could not look up %d listed URLs (%s): fetching them all",
                                len(fresh), str(exc).splitlines()[0])
            to_fetch, known, rejected = list(fresh.values()), [], []
        self.count("skipped/rejected_before", len(rejected))
        state.known_unchanged.update(key_of[c.url] for c in rejected)
        for candidate in known:
            key = key_of[candidate.url]
            if key not in state.known_unchanged:
                state.known_unchanged.add(key)
                self.count("skipped/known")
        for candidate in to_fetch:
            if len(state.requested) >= self.max_requests:
                # A source that lists more than a night's news (a hostile or runaway sitemap, an
                # archive dump) is cut here: requests queued are memory, and 175,000 of them grew a
                # crawl to 864 MB (issue 23). Listings come newest first, so the news is kept.
                self.count("skipped/run_bound")
                continue
            key = key_of[candidate.url]
            state.requested.add(key)
            hints = state.hints[key] = {"title": candidate.title, "via": candidate.via,
                                       "published": candidate.published.isoformat() if candidate.published else None,
                                       "updated": candidate.updated.isoformat() if candidate.updated else None}
            yield scrapy.Request(
                clean_url(candidate.url),
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"hints": hints},
                meta={"requested_urls": [candidate.url], "newsdesk_article": True},
            )

    def _complete_hints(self, state: DiscoveryState, key: str, candidate: Candidate) -> None:
        """A URL met again (a listing first, the feed later): what the feed knows (its dates) goes
        into the hints of the request already queued, which its callback has not read yet."""
        hints = state.hints.get(key)
        if hints is None:
            return
        for name, value in (("title", candidate.title), ("published", candidate.published), ("updated", candidate.updated)):
            if hints.get(name) is None and value is not None:
                hints[name] = value.isoformat() if hasattr(value, "isoformat") else value

    # --- responses to items ----------------------------------------------------------------------
    def article_failed(self, failure):
        """Count why an article was not fetched: robots.txt, an HTTP error, or the network."""
        outcome = self._count_failure(failure)
        self.logger.info("article %s %s: %s", outcome, failure.request.url, failure.getErrorMessage())

    def request_dropped(self, request, spider):
        """A redirect back to a URL of the same chain: the scheduler drops it without an errback."""
        if spider is self and request.url in request.meta.get("redirect_urls", ()):
            self.count("errors/redirect_loop")

    # --- bugs: an exception nobody expected loses a page; count it, so the run cannot look clean ----
    def item_failed(self, item, response, spider, failure):
        if spider is self:
            self.count("errors/unexpected")
            self.count(f"dropped/unexpected_{failure.type.__name__}")

    def callback_failed(self, failure, response, spider):
        if spider is self:
            self.count("errors/unexpected")

    def parse_article(self, response: Response, hints: dict):
        self.count("pages_fetched")
        if not isinstance(response, TextResponse):
            self.count("dropped/non_html")
            self.crawler.signals.send_catch_log(page_rejected, url=response.url, reason="non_html")
            return
        headers = {}
        for name in KEPT_HEADERS:
            value = response.headers.get(name)
            if value:
                headers[name] = value.decode("latin-1")
        requested = list(response.meta.get("requested_urls", []))
        key = canonical_url(response.request.url)
        state = self.state(response)
        requested += sorted(state.variants.get(key, ()))
        state.hints.pop(key, None)
        requested += response.meta.get("redirect_urls", [])
        yield FetchedPage(
            source_key=self.source.key,
            url=response.url,
            status=response.status,
            body=response.body,
            headers=headers,
            requested_urls=[u for u in dict.fromkeys(requested) if u != response.url],
            hints=hints,
            fetched_at=utcnow(),
            # A distributed run's requests carry it; a crawl process records one run per spider.
            run_id=response.meta.get("newsdesk_run", run_context(self.crawler).run_id),
        )

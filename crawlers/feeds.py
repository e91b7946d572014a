"""Feeds: RSS 0.9x/1.0/2.0, Atom and RDF through feedparser, and feed discovery on home pages.

XML that declares entities is refused before it reaches a parser: no legitimate feed needs
`<!ENTITY>`, and refusing it outright shuts out both entity-expansion bombs and external-entity
(XXE) tricks, whatever a parser's defaults are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from parsel import Selector

from core.dates import plausible, utcnow

# "<!ENTITY" as the bytes of every encoding an XML parser detects by itself: a UTF-16 sitemap
# declaring entities was parsed when only the ASCII form was looked for (tests/test_faults_content.py).
_ENTITY_DECLARATION = re.compile(
    b"|".join(re.escape("<!ENTITY".encode(codec)) for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")),
    re.IGNORECASE,
)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
              "application/xml", "text/xml")
MAX_FEED_ENTRIES = 2000
MAX_DISCOVERED_FROM_LINKS = 5
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FEED_LINK = re.compile(r"(/rss(/|\.xml|-|$)|/feeds?(/|\.xml|$)|/atom(/|\.xml|$)|\.rss$|[-/]rss\b|/updates-rss$)", re.IGNORECASE)  # a feed of 10,000 items is a dump, not a feed: we read the newest 2,000


class UnsafeXml(ValueError):
    """XML with entity declarations: refused, never expanded or resolved."""


def refuse_entities(body: bytes) -> None:
    if _ENTITY_DECLARATION.search(body):
        raise UnsafeXml("the document declares XML entities")


@dataclass(frozen=True)
class Candidate:
    """An article URL found in a feed, sitemap or listing, with what that source said about it."""

    url: str
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    via: str = "feed"


def _entry_time(entry, *keys: str) -> datetime | None:
    for key in keys:
        # dict.get, not entry.get: feedparser's own lookup maps a missing updated_parsed to
        # published_parsed (with a warning), and "updated" must mean updated.
        parsed = dict.get(entry, key)
        if parsed:
            try:
                moment = datetime(*parsed[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
            # A placeholder (1970, 0001) or a date from the future is no date: the same rule as a
            # page's own dates (core/dates.py). Trusted, a 1970 pubDate made a fresh article
            # `too_old` without fetching it (issue 23).
            return plausible(moment, utcnow())
    return None


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) and b"<html" not in head[:512]


def parse_feed(body: bytes, base_url: str, *, limit: int = MAX_FEED_ENTRIES) -> tuple[list[Candidate], int]:
    """(article candidates, total entries) of a feed. Raises UnsafeXml for entity declarations."""
    refuse_entities(body)
    # sanitize_html/resolve_relative_uris cost time on content we never use: we only want links.
    parsed = feedparser.parse(body, response_headers={"content-location": base_url},
                              sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.entries
    if len(entries) > limit:
        # Cut to the newest `limit`, whatever the feed's order: a 10,000-item feed listed oldest
        # first lost its new articles behind 2,000 old ones (tests/test_faults_content.py).
        entries = sorted(entries, key=lambda entry: _entry_time(entry, "published_parsed", "created_parsed",
                                                               "updated_parsed") or _EPOCH, reverse=True)
    candidates = []
    for entry in entries[:limit]:
        link = entry.get("link") or next(
            (link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"), None
        )
        if not link:
            continue
        candidates.append(Candidate(
            url=urljoin(base_url, link.strip()),
            title=(entry.get("title") or "").strip() or None,
            published=_entry_time(entry, "published_parsed", "created_parsed", "updated_parsed"),
            updated=_entry_time(entry, "updated_parsed"),
            via="feed",
        ))
    return candidates, len(entries)


def discover_feeds(html: str | bytes, base_url: str) -> list[str]:
    """Feed URLs a page announces with `<link rel="alternate" type="application/rss+xml">`."""
    selector = Selector(text=html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
    feeds: list[str] = []
    for link in selector.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"):
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        href = (link.attrib.get("href") or "").strip()
        if href and kind in FEED_TYPES[:4]:
            url = urljoin(base_url, href)
            if url not in feeds and "comments" not in url.lower():
                feeds.append(url)
    if feeds:
        return feeds
    # No announced feed: fall back to visible links that look like feeds ("RSS" footers).
    for href in selector.xpath("//a/@href").getall():
        url = urljoin(base_url, href.strip())
        if _FEED_LINK.search(url) and url not in feeds and "comments" not in url.lower():
            feeds.append(url)
    return feeds[:MAX_DISCOVERED_FROM_LINKS]

"""Nights on the sample network: outlets that publish every night, and faults per outlet and night.

The bundled network (site.py) is one fixed moment; source health needs a history. A
``NightlyNetwork`` serves small outlets (a home page, an RSS feed, article pages) that publish a
few new stories each simulated night, through the same ``NetworkServer`` as the rest of the
sample network. ``next_night(faults)`` publishes the night's stories and applies the faults
chosen for it, one per outlet at most; an outlet without a fault is served exactly as on a normal
night, and a night without faults is a normal night for every outlet. The faults are the ways a
source breaks while every run still says "succeeded" (or, when blocked, fails for a reason
nobody looks at):

* ``teaser``: a template change hides the body; article pages show one sentence and a paywall line;
* ``stale``: the outlet publishes nothing; its feed answers 200 (then 304) with what it had;
* ``no_dates``: dates are gone from the pages (meta tags, JSON-LD, visible time) and the feed;
* ``blocked``: every URL answers 403 with a block page;
* ``captcha``: article pages answer 200 with a captcha page instead of the article.

Everything but publication times is a function of (outlet count, stories per night, seed,
night, faults); publication times follow the real clock, since the crawler judges age by it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from newsdesk.samplenet.generated import _rng, story_text
from newsdesk.samplenet.model import Page, html_page, text_page, xml_page
from newsdesk.samplenet.server import NetworkServer, OutletInfo

FAULTS = {
    "teaser": "a template change hides the body: article pages show one sentence and a paywall line",
    "stale": "the outlet publishes nothing new: its feed answers 200 (then 304) with what it had",
    "no_dates": "dates are gone from the pages (meta tags, JSON-LD, visible time) and from the feed",
    "blocked": "every URL answers 403 with a block page",
    "captcha": "article pages answer 200 with a captcha page instead of the article",
}
REPORTERS = ["Amina Qureshi", "Daniel Okafor", "Lena Fischer", "Rafael Ortiz", "Mei Lin", "Tomas Novak",
             "Sara Haddad", "Jonas Berg", "Priya Raman", "Youssef Amrani"]
FEED_ITEMS = 40
BLOCK_PAGE = ("<!doctype html><html><head><title>403 Forbidden</title></head><body><h1>Access denied</h1>"
              "<p>Your request was blocked by our security service.</p><p>Reference #18.4f2a9c</p></body></html>")
CAPTCHA_PAGE = ("<!doctype html><html><head><title>Just a moment...</title></head><body>"
                "<h1>Checking your browser before accessing the site</h1>"
                "<p>Please complete the security check to continue.</p>"
                '<form action="/cdn-cgi/challenge" method="post"><input type="hidden" name="r" value="x">'
                '<button type="submit">Verify</button></form></body></html>')


@dataclass(frozen=True)
class Published:
    number: int
    night: int
    published_at: datetime


class NightlyNetwork(NetworkServer):
    """N outlets publishing about ``per_night`` stories a night (one more or one fewer, at random)."""

    def __init__(self, outlets: int = 6, per_night: int = 6, *, seed: int = 1, host: str = "127.0.0.1"):
        if not 1 <= outlets <= 26:
            raise ValueError("a nightly network has 1 to 26 outlets")
        self.per_night, self.seed = per_night, seed
        self.keys = [f"nightly_{chr(ord('a') + n)}" for n in range(outlets)]
        self.night = 0
        self.faults: dict[str, str] = {}
        self.published: dict[str, list[Published]] = {key: [] for key in self.keys}
        infos = [OutletInfo(key, f"Nightly {key[-1].upper()} Times", "INT", "en", ["/feed.xml"], [], [])
                 for key in self.keys]
        super().__init__(infos, self._build, host=host)

    def next_night(self, faults: dict[str, str] | None = None, *, now: datetime | None = None) -> dict[str, int]:
        """Start the next night: every outlet not ``stale`` publishes its stories, faults apply
        until the next call. Returns how many stories each outlet published."""
        faults = dict(faults or {})
        unknown = {key: fault for key, fault in faults.items() if key not in self.keys or fault not in FAULTS}
        if unknown:
            raise ValueError(f"unknown outlet or fault in {unknown} (outlets {self.keys}; faults {sorted(FAULTS)})")
        self.night += 1
        self.faults = faults
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        counts = {}
        for key in self.keys:
            count = 0 if faults.get(key) == "stale" else self.stories_tonight(key)
            numbers = len(self.published[key])
            # Seconds apart, all before `moment`: simulated nights follow each other within seconds,
            # and a night's stories must still come after the last night's.
            self.published[key] += [Published(numbers + i, self.night, moment - timedelta(seconds=count - i))
                                    for i in range(count)]
            counts[key] = count
        if self.base_urls:
            self._rebuild()
        return counts

    def stories_tonight(self, key: str) -> int:
        return max(1, self.per_night + _rng("night", self.seed, key, self.night).choice((-1, 0, 1)))

    def start(self) -> NightlyNetwork:
        super().start()
        return self

    # --- pages ------------------------------------------------------------------------------
    def story(self, key: str, number: int) -> tuple[str, list[str], str]:
        title, paragraphs = story_text(f"nightly:{self.seed}:{key}:{number}")
        return title, paragraphs, REPORTERS[_rng("reporter", self.seed, key, number).randrange(len(REPORTERS))]

    @staticmethod
    def path(number: int) -> str:
        # No date in the path: a date-less night must leave nothing a date guesser could use.
        return f"/story/{number:05d}/"

    def _build(self, key: str, base_url: str, version: int, advanced_at) -> dict[str, Page]:
        fault = self.faults.get(key)
        name = next(o.name for o in self.outlets if o.key == key)
        if fault == "blocked":
            return {"/robots.txt": html_page(BLOCK_PAGE, status=403), "/": html_page(BLOCK_PAGE, status=403),
                    "/feed.xml": html_page(BLOCK_PAGE, status=403),
                    **{self.path(p.number): html_page(BLOCK_PAGE, status=403) for p in self.published[key]}}
        dated = fault != "no_dates"
        pages = {
            "/robots.txt": text_page("User-agent: *\nDisallow: /private/\n"),
            "/": html_page(f'<!doctype html><html><head><title>{name}</title><link rel="alternate" '
                           f'type="application/rss+xml" href="/feed.xml"></head><body><h1>{name}</h1></body></html>'),
            "/feed.xml": xml_page(self._feed(key, name, base_url, dated), "application/rss+xml"),
        }
        for story in self.published[key]:
            if fault == "captcha":
                pages[self.path(story.number)] = html_page(CAPTCHA_PAGE)
            else:
                pages[self.path(story.number)] = html_page(
                    self._article(key, name, base_url, story, dated=dated, teaser=fault == "teaser"))
        return pages

    def _feed(self, key: str, name: str, base_url: str, dated: bool) -> str:
        items = []
        newest = sorted(self.published[key], key=lambda p: p.number, reverse=True)[:FEED_ITEMS]
        for story in newest:
            title, paragraphs, reporter = self.story(key, story.number)
            date = f"<pubDate>{format_datetime(story.published_at)}</pubDate>" if dated else ""
            items.append(f"<item><title>{html.escape(title)}</title><link>{base_url}{self.path(story.number)}</link>"
                         f"<guid>{base_url}{self.path(story.number)}</guid>{date}"
                         f"<description>{html.escape(paragraphs[0][:200])}</description></item>")
        build = f"<lastBuildDate>{format_datetime(newest[0].published_at)}</lastBuildDate>" if newest and dated else ""
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{html.escape(name)}</title>'
                f"<link>{base_url}/</link><description>News from {html.escape(name)}</description>{build}"
                + "".join(items) + "</channel></rss>")

    def _article(self, key: str, name: str, base_url: str, story: Published, *, dated: bool, teaser: bool) -> str:
        title, paragraphs, reporter = self.story(key, story.number)
        when = story.published_at.isoformat()
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
              "author": {"@type": "Person", "name": reporter}, "publisher": {"@type": "Organization", "name": name}}
        if dated:
            ld["datePublished"] = when
        head_dates = f'<meta property="article:published_time" content="{when}">' if dated else ""
        visible_date = f'<time datetime="{when}">{story.published_at:%d %B %Y, %H:%M} UTC</time>' if dated else ""
        if teaser:
            body = (f"<p>{html.escape(paragraphs[0].split('. ')[0])}.</p>"
                    '<p class="paywall">Subscribe to read the full story.</p>')
        else:
            body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
        nav = "".join(f'<li><a href="/">{section}</a></li>' for section in ("World", "Politics", "Business", "Opinion"))
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {name}</title>'
                f'<meta property="og:type" content="article"><meta property="og:title" content="{html.escape(title)}">'
                f'<meta name="author" content="{reporter}">{head_dates}'
                f'<link rel="canonical" href="{base_url}{self.path(story.number)}">'
                f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
                f'<body><header><a href="/">{name}</a><nav><ul>{nav}</ul></nav></header><main><article>'
                f'<h1>{html.escape(title)}</h1><p class="byline">By {reporter}</p>{visible_date}{body}'
                f"</article></main><footer><p>&copy; {name}. All rights reserved.</p></footer></body></html>")

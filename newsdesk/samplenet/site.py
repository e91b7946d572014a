"""The sample network's interface: its outlets, every page of each, and a manifest of special cases.

The HTTP server (``server.py``) calls ``build_site`` once per outlet, each on its own port, and
serves the pages by exact path+query, falling back to the path without its query. Tests and the
demo read ``manifest`` to know which URL is meant to show which behaviour.

Pages depend only on the arguments: the same ``now`` (to the minute) gives byte-identical pages.
Version 2 differs from version 1 only on the international site: the changing article itself, and
the feed, sitemap, listings and related-story boxes that show its headline or modification time.
Pass the same ``now`` for both versions, or every publication time moves with it.
"""

from __future__ import annotations

from datetime import datetime

from newsdesk.samplenet.model import Outlet, Page
from newsdesk.samplenet.outlet_site import OutletSite
from newsdesk.samplenet.outlets import SITE_CLASSES
from newsdesk.samplenet.stories import SEED_SECTION_LABEL, Story

__all__ = ["OUTLETS", "Outlet", "Page", "build_site", "manifest", "outlet_site"]

OUTLETS: list[Outlet] = [site_class.outlet for site_class in SITE_CLASSES]
_SITE_CLASSES = {site_class.outlet.key: site_class for site_class in SITE_CLASSES}


def build_site(outlet_key: str, base_url: str, now: datetime, version: int = 1,
               advanced_at: datetime | None = None) -> dict[str, Page]:
    """Every page of one outlet, keyed by path (+ query where the outlet links with one).

    base_url is like "http://127.0.0.1:8741" (no trailing slash); publication times are relative
    to ``now``; version 2 is the network after it has been "advanced" (the changing article changed).
    """
    return outlet_site(outlet_key, base_url, now, version, advanced_at).build()


def manifest(base_urls: dict[str, str]) -> dict:
    """The special cases as absolute URLs, from base_urls (outlet key -> base URL, every outlet)."""
    missing = [outlet.key for outlet in OUTLETS if outlet.key not in base_urls]
    if missing:
        raise ValueError(f"manifest needs a base URL for every outlet; missing: {', '.join(missing)}")
    sites = {key: outlet_site(key, base_urls[key]) for key in _SITE_CLASSES}

    def located(role: str) -> list[tuple[OutletSite, Story]]:
        return [(site, story) for site in sites.values() for story in site.with_role(role)]

    def url_of(role: str) -> str:
        (site, story), = located(role)
        return site.story_url(story)

    seed_site, seed = located("seed")[0]
    tracking_site, tracked = located("tracking_variants")[0]
    listings = [(site, listing) for site in sites.values() for listing in site.listings()]
    articles = {key: [site.story_url(story) for story in site.articles()] for key, site in sites.items()}
    too_old = url_of("too_old")
    return {
        "outlets": {key: _describe(site) for key, site in sites.items()},
        "seed_story": seed_site.story_url(seed),
        "seed_expected": {
            "title": seed.title,
            "section": SEED_SECTION_LABEL,
            "dateline": "BEIJING",
            "paragraphs": len(seed.paragraphs),
        },
        "syndicated": {
            "original": url_of("syndicated_original"),
            "copies": [site.story_url(story) for site, story in located("syndicated_copy")],
        },
        "tracking_variants": {
            "article": tracking_site.story_url(tracked),
            "variants": [tracking_site.url(path) for path in tracking_site.tracking_variant_paths(tracked)],
            "amp": tracking_site.url(tracking_site.amp_path(tracked)),
        },
        "changing_article": url_of("changing"),
        "listing_pages": [site.url(listing.path) for site, listing in listings if listing.kind != "tag"],
        "tag_pages": [site.url(listing.path) for site, listing in listings if listing.kind == "tag"],
        "non_article_pages": [site.url(path) for site in sites.values() for path in site.non_article_paths()],
        "video": url_of("video"),
        "gallery": url_of("gallery"),
        "malformed_html": url_of("malformed"),
        "windows_1252": url_of("windows_1252"),
        "not_found": url_of("not_found"),
        "server_error": url_of("server_error"),
        "slow": url_of("slow"),
        "robots_disallowed": url_of("robots_disallowed"),
        "too_old": too_old,
        "briefs": [site.story_url(story) for site, story in located("brief")],
        "amp_pages": [site.url(site.amp_path(story)) for site in sites.values()
                      for story in site.articles() if site.amp_path(story)],
        # Every real article, canonical URL (too_old included; 404/500/video/gallery/private not).
        "articles": articles,
        # What a first crawl limited to the last 7 days should store: every article but too_old.
        "recent_articles": {key: [url for url in urls if url != too_old] for key, urls in articles.items()},
    }


def outlet_site(outlet_key: str, base_url: str, now: datetime | None = None, version: int = 1,
                advanced_at: datetime | None = None) -> OutletSite:
    """The object behind build_site, for tests and tools that need a story's URL or dates."""
    try:
        site_class = _SITE_CLASSES[outlet_key]
    except KeyError:
        known = ", ".join(_SITE_CLASSES)
        raise ValueError(f"unknown sample outlet {outlet_key!r}; known outlets: {known}") from None
    return site_class(base_url, now, version, advanced_at)


def _describe(site: OutletSite) -> dict:
    outlet = site.outlet
    return {
        "name": outlet.name,
        "country": outlet.country,
        "language": outlet.language,
        "homepage": site.url("/"),
        "robots": site.url("/robots.txt"),
        "feeds": [site.url(path) for path in outlet.feeds],
        "sitemaps": [site.url(path) for path in outlet.sitemaps],
        "sections": [{"url": site.url(path), "follow": follow} for path, follow in outlet.sections],
    }

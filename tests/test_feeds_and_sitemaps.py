"""Feed and sitemap parsing of real captured feeds, and feed discovery on real home pages."""

from __future__ import annotations

import gzip

import pytest

from crawlers.feeds import UnsafeXml, discover_feeds, parse_feed
from crawlers.sitemaps import SitemapTooLarge, parse_sitemap
from tests.conftest import shared_path

REAL_FEEDS = ["rss_2.0_bbc.xml", "rss_2.0_nbcny.xml", "rss_2.0_spiegel.xml", "atom_mediarss_newscred_1.xml"]
SITE_FEEDS = [
    ("golem.de", "main.atom.xml", 40), ("lto.de", "main.rss.xml", 30), ("n-tv.de", "main.rss.xml", 50),
    ("techcrunch.com", "main.rss.xml", 20), ("tagesschau.de", "index.atom.xml", 54),
    ("faz.net", "aktuell.rss.xml", 66), ("sueddeutsche.de", "alles.rss.xml", 15),
    ("rnd.de", "wirtschaft-category.rss.xml", 23),
]


@pytest.mark.parametrize("name", REAL_FEEDS)
def test_real_feeds_give_links_titles_and_dates(name):
    body = shared_path("fixtures", "real-feeds", name).read_bytes()
    candidates, total = parse_feed(body, "https://example.org/")
    assert total >= 1 and candidates
    for candidate in candidates:
        assert candidate.url.startswith("http") and candidate.title
        assert candidate.published is not None and candidate.published.tzinfo is not None


@pytest.mark.parametrize(("site", "name", "entries"), SITE_FEEDS)
def test_real_site_feeds_rss_and_atom(site, name, entries):
    body = shared_path("fixtures", "real-sites", site, "feeds", name).read_bytes()
    candidates, total = parse_feed(body, f"https://{site}/")
    assert total == entries and len(candidates) == entries
    assert all(c.published is not None for c in candidates)
    assert len({c.url for c in candidates}) == entries


def test_google_news_sitemap_in_latin1_gives_publication_dates_and_titles():
    body = shared_path("fixtures", "real-sites", "genickbruch.com", "feeds", "googlenews.xml").read_bytes()
    sitemap = parse_sitemap(body)
    assert sitemap.kind == "urlset" and sitemap.total == len(sitemap.entries) == 7
    first = sitemap.entries[0]
    assert first.published is not None and first.published.tzinfo is not None
    assert "Showbericht" in first.title  # news:title, decoded from ISO-8859-1
    assert all(c.published for c in sitemap.entries)
    dates = [c.published for c in sitemap.entries]
    assert dates == sorted(dates, reverse=True)


def test_gzipped_sitemap_and_sitemap_index():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://ex.org/news.xml.gz</loc><lastmod>2026-11-27T10:00:00Z</lastmod></sitemap></sitemapindex>"""
    parsed = parse_sitemap(gzip.compress(index))
    assert parsed.kind == "sitemapindex" and [e.url for e in parsed.entries] == ["https://ex.org/news.xml.gz"]


def test_sitemap_is_bounded():
    urls = "".join(f"<url><loc>https://ex.org/a/{n}</loc></url>" for n in range(50_000))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    parsed = parse_sitemap(body, max_urls=1000)
    assert parsed.total == 50_000 and len(parsed.entries) == 1000


def test_gzip_bomb_is_refused():
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 200_000
    with pytest.raises(SitemapTooLarge):
        parse_sitemap(bomb)


ENTITY_BOMB = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><title>&c;</title>
<item><title>x</title><link>https://ex.org/x</link></item></channel></rss>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.org/&secret;</loc></url></urlset>"""


def test_entity_declarations_are_refused_in_feeds_and_sitemaps():
    with pytest.raises(UnsafeXml):
        parse_feed(ENTITY_BOMB, "https://ex.org/")
    with pytest.raises(UnsafeXml):
        parse_sitemap(XXE)
    with pytest.raises(UnsafeXml):
        parse_feed(XXE.replace(b"urlset", b"rss"), "https://ex.org/")


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("techcrunch.com", "https://techcrunch.com/feed/"),
        ("n-tv.de", "https://www.n-tv.de/rss"),
        ("faz.net", "https://www.faz.net/rss/aktuell/"),
        ("lto.de", "https://lto.de/rss/nachrichten-rss/feed.xml"),  # no <link rel>: visible RSS links
        ("sueddeutsche.de", "https://www.sueddeutsche.de/updates-rss"),
    ],
)
def test_feed_discovery_on_real_home_pages(site, expected):
    html = shared_path("fixtures", "real-sites", site, "homepage.html").read_bytes()
    feeds = discover_feeds(html, f"https://{site}/")
    assert feeds and feeds[0] == expected

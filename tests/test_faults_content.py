"""Content faults: pages too big to read, bombs, broken encodings, binary pretending to be HTML,
hostile XML, feeds and sitemaps too long to take whole, dates from the end of time.

As in test_faults_http.py, one crawl process crawls every scenario (one source each, its feed
listing the fault URL(s) and a good article), and each test reads that source's outcome. The page
size cap is 2 MiB here (NEWSDESK_MAX_PAGE_BYTES, tests.faults.FAULT_ENV). No fault here is about
time, so downloads get 10 s rather than 2: on a busy two-core machine, moving megabytes of bombs
and oversized pages while parsing a 10,000-item feed can take a loaded crawler over 2 s, and a
spurious retry would blur what these tests count.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import EARLIEST
from core.urls import canonical_url
from crawlers.feeds import MAX_FEED_ENTRIES
from crawlers.sitemap_spider import MAX_CHILD_SITEMAPS
from storage.db import make_engine
from storage.models import Article, RawPage
from tests.crawl_helpers import crawl_environment
from tests.faults import FAULT_ENV, MIB, FaultCrawl, canonical, crawl_sources
from tests.faults.server import (
    Entry,
    FaultServer,
    Newsroom,
    article_html,
    gzip_bomb,
    huge,
    respond,
    sitemap_index,
    source_entry,
    urlset,
)

pytestmark = pytest.mark.slow

CONTENT_ENV = {**FAULT_ENV, "NEWSDESK_DOWNLOAD_TIMEOUT": "10"}

# Accented names that mojibake would mangle ("ZÃ¼rich"): each decoding test looks for them intact.
PLACES = ("Zürich", "Tromsø", "São Paulo", "Kraków")
MARKER = "<p>Delegates from Zürich, Tromsø, São Paulo and Kraków signed the final communiqué.</p>"
SITEMAP_CHILDREN = 50_000
FEED_ITEMS = 10_000


@dataclass
class Crawled:
    crawl: FaultCrawl
    site: FaultServer
    good: dict[str, str]      # scenario -> URL of its good article
    secret: str               # content of a local file an XXE entity points at


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    tmp = tmp_path_factory.mktemp("faults-content")
    database_url = f"sqlite:///{tmp / 'newsdesk.db'}"
    secret_file = tmp / "secret.txt"
    secret = "XXE-CANARY-7f3a9c local file content"
    secret_file.write_text(secret)
    newsroom = Newsroom()
    with crawl_environment(tmp, database_url, **CONTENT_ENV), FaultServer(newsroom) as site:
        entries, good = [], {}

        def scenario(key: str, faults: dict, *, feeds: tuple[str, ...] = (), sitemaps: tuple[str, ...] = ()) -> None:
            fault_urls = [site.route(f"/{key}/{name}", handler) for name, handler in faults.items()]
            good[key] = site.article(f"/{key}/good")
            feed = site.feed(f"/{key}/feed.xml", [*fault_urls, good[key]])
            entries.append(source_entry(key, feeds=[*feeds, feed], sitemaps=list(sitemaps)))

        def page(path: str, **options) -> str:
            item = newsroom.next_story()
            site.stories[path] = item
            published = options.pop("published", site.now - timedelta(hours=1))
            return article_html(item, url=site.url(path), published=published, **options)

        scenario("huge_page", {"declared": huge(50 * MIB, declare_length=True),
                               "streamed": huge(50 * MIB, declare_length=False)})
        scenario("gzip_bomb", {"bomb": gzip_bomb()})
        stray = page("/invalid_utf8/stray-bytes", inside=MARKER).encode().replace(
            b"</h1>", b"</h1><p>Price: 12\xff\xfe\xc3 euros.</p>", 1)
        scenario("invalid_utf8", {"stray-bytes": respond(stray)})
        scenario("wrong_charset", {
            "says-utf8-sends-1252": respond(page("/wrong_charset/says-utf8-sends-1252", inside=MARKER.replace("São", "Sao")
                                                 .replace("Kraków", "Krakau")).encode("cp1252")),
            "says-latin1-sends-utf8": respond(page("/wrong_charset/says-latin1-sends-utf8", inside=MARKER, charset="iso-8859-1")
                                              .encode(), "text/html; charset=iso-8859-1"),
        })
        scenario("nul_bytes", {
            "stray": respond(page("/nul_bytes/stray", inside=MARKER).replace("<p>", "<p>\x00", 3).encode()),
            "utf-16": respond(page("/nul_bytes/utf-16", inside=MARKER, charset="utf-16").encode("utf-16"),
                              "text/html; charset=utf-16"),
        })
        scenario("deep_nesting", {
            "after": respond(page("/deep_nesting/after", after="<div>" * 10_000 + "deep" + "</div>" * 10_000).encode()),
            "inside": respond(page("/deep_nesting/inside", before="<div>" * 10_000, after="</div>" * 10_000).encode()),
        })
        scenario("empty_page", {"empty": respond(b"")})
        scenario("binary_as_html", {
            "pdf": respond(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 64),
            "png": respond(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64),
        })

        # Hostile XML. The entities point at a URL of this server and at a local file: neither
        # may ever be read, and the URL listed in each hostile document may never be fetched.
        canary = site.route("/xxe/canary", respond(b"XXE-CANARY-REMOTE", "text/plain"))

        def xxe_prolog(encoding: str, root: str) -> str:
            return (f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE {root} [\n'
                    f'<!ENTITY remote SYSTEM "{canary}">\n<!ENTITY local SYSTEM "file://{secret_file}">\n]>\n')

        laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
        bomb = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{laughs}]>\n'
                f'<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
                f'<link>{site.url("/entity_bomb/never-fetched")}</link></item></channel></rss>')
        scenario("entity_bomb", {}, feeds=(site.route("/entity_bomb/bomb.xml", respond(bomb.encode(), "application/rss+xml")),))
        xxe_feed = (xxe_prolog("UTF-8", "rss") + '<rss version="2.0"><channel><title>&local;</title><item>'
                    f'<title>&local;&remote;</title><link>{site.url("/xxe_feed/never-fetched")}?q=&remote;</link>'
                    '<description>&local;</description></item></channel></rss>')
        scenario("xxe_feed", {}, feeds=(
            site.route("/xxe_feed/utf-8.xml", respond(xxe_feed.encode(), "application/rss+xml")),
            site.route("/xxe_feed/utf-16.xml", respond(xxe_feed.replace("UTF-8", "UTF-16").encode("utf-16"), "application/rss+xml")),
        ))
        xxe_sitemap = (xxe_prolog("UTF-8", "urlset") + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       f'<url><loc>{site.url("/xxe_sitemap/never-fetched")}?q=&local;&remote;</loc></url></urlset>')
        scenario("xxe_sitemap", {}, sitemaps=(
            site.route("/xxe_sitemap/utf-8.xml", respond(xxe_sitemap.encode(), "application/xml")),
            site.route("/xxe_sitemap/utf-16.xml", respond(xxe_sitemap.replace("UTF-8", "UTF-16").encode("utf-16"), "application/xml")),
        ))

        # An index of 50,000 sitemaps (gzipped, as large indexes are served); every child lists
        # the good article, so whatever children are read, it is fetched once and stored once.
        good["sitemap_index"] = site.article("/sitemap_index/good")
        site.route_prefix("/sitemap_index/child-", respond(urlset([Entry(good["sitemap_index"], published=site.now)]),
                                                           "application/xml"))
        children = [Entry(site.url(f"/sitemap_index/child-{i}.xml"), published=site.now - timedelta(minutes=i))
                    for i in range(SITEMAP_CHILDREN)]
        index = site.route("/sitemap_index/index.xml.gz", respond(gzip.compress(sitemap_index(children)), "application/x-gzip"))
        entries.append(source_entry("sitemap_index", sitemaps=[index]))

        # 10,000 items, oldest first, the one new article last.
        good["long_feed"] = site.article("/long_feed/good")
        items = [Entry(site.url(f"/long_feed/old-{i}"), published=site.now - timedelta(days=400, minutes=-i))
                 for i in range(FEED_ITEMS - 1)]
        entries.append(source_entry("long_feed", feeds=[site.feed("/long_feed/feed.xml", [*items, Entry(good["long_feed"], published=site.now)])]))

        # Dates from the end of time and from the epoch, in the page and in the feed.
        site.route("/impossible_dates/year-9999", respond(page("/impossible_dates/year-9999", published="9999-12-31T23:59:59-05:00").encode()))
        site.route("/impossible_dates/year-1970", respond(page("/impossible_dates/year-1970", published="1970-01-01T00:00:00Z").encode()))
        good["impossible_dates"] = site.article("/impossible_dates/good")
        entries.append(source_entry("impossible_dates", feeds=[site.feed("/impossible_dates/feed.xml", [
            Entry(site.url("/impossible_dates/year-9999"), published="Fri, 31 Dec 9999 23:59:59 -0500"),
            Entry(site.url("/impossible_dates/year-1970")),
            good["impossible_dates"],
        ])]))

        result = crawl_sources(tmp, database_url, entries)
    return Crawled(result, site, good, secret)


def test_every_run_ends_and_succeeds(crawled):
    """No content fault fails a run or the crawl: each source ends `succeeded`, in bounded time."""
    runs = crawled.crawl.outcome.runs
    assert len(runs) == 14
    assert {run.spider: run.status for run in runs if run.status != "succeeded"} == {}
    assert crawled.crawl.outcome.code == 0, crawled.crawl.outcome.log
    assert crawled.crawl.seconds < 90


def test_a_50_mb_page_is_refused_at_the_size_cap_and_counted(crawled):
    """50 MB, announced by Content-Length or streamed without one: the download is cancelled at the
    2 MiB cap (before reading, or once past it), not retried, counted; the crawler reads a few MB
    at most; the good article is stored."""
    site = crawled.site
    assert site.count("/huge_page/declared") == site.count("/huge_page/streamed") == 1
    assert crawled.crawl.counted("huge_page") == {"newsdesk/errors/too_large": 2}
    for path in ("/huge_page/declared", "/huge_page/streamed"):
        assert site.bytes_sent[path] < 16 * MIB, path  # socket buffers, not 50 MB
    assert set(crawled.crawl.stored("huge_page")) == canonical(crawled.good["huge_page"])


def test_a_gzip_bomb_is_refused_by_the_decompressed_size_cap(crawled):
    """About 1 MB of gzip inflating to 1 GiB: decompression stops at the 2 MiB cap, the page is
    refused (Scrapy logs it), not retried, nothing of it stored; the good article is stored."""
    site = crawled.site
    assert site.count("/gzip_bomb/bomb") == 1
    assert site.bytes_sent["/gzip_bomb/bomb"] < 2 * MIB
    log = Path(crawled.crawl.run("gzip_bomb").log_path).read_text()
    assert "exceeded DOWNLOAD_MAXSIZE" in log and "during decompression" in log
    assert set(crawled.crawl.stored("gzip_bomb")) == canonical(crawled.good["gzip_bomb"])


def test_a_gzip_bomb_refusal_is_counted(crawled):
    assert crawled.crawl.counted("gzip_bomb") == {"newsdesk/dropped/too_large": 1}


def test_the_crawl_never_holds_a_bomb_in_memory(crawled):
    """Peak memory of the crawl process stays far below the gigabyte the bomb inflates to (its own
    high-water mark, read from the kernel while it ran)."""
    assert 0 < crawled.crawl.outcome.peak_rss_kib < 768 * 1024


def test_invalid_utf8_bytes_do_not_turn_the_page_into_mojibake(crawled):
    """A UTF-8 page with three stray invalid bytes is still read as UTF-8: the stray bytes become
    U+FFFD, every accented name stays intact, and the page is stored with the good article."""
    site = crawled.site
    stored = crawled.crawl.stored("invalid_utf8")
    assert set(stored) == canonical(site.url("/invalid_utf8/stray-bytes"), crawled.good["invalid_utf8"])
    text = stored[canonical_url(site.url("/invalid_utf8/stray-bytes"))].text
    assert all(place in text for place in PLACES) and "Ã" not in text
    assert "Price: 12\ufffd\ufffd\ufffd euros." in text


def test_a_page_declaring_one_charset_and_sending_another_is_decoded_by_its_bytes(crawled):
    """Declares UTF-8 but sends windows-1252, or declares ISO-8859-1 but sends UTF-8: both are
    stored with their accented letters right."""
    site = crawled.site
    stored = crawled.crawl.stored("wrong_charset")
    says_utf8 = site.url("/wrong_charset/says-utf8-sends-1252")
    says_latin1 = site.url("/wrong_charset/says-latin1-sends-utf8")
    assert set(stored) == canonical(says_utf8, says_latin1, crawled.good["wrong_charset"])
    assert "Delegates from Zürich, Tromsø, Sao Paulo and Krakau signed the final communiqué." in stored[canonical_url(says_utf8)].text
    assert MARKER.removeprefix("<p>").removesuffix("</p>") in stored[canonical_url(says_latin1)].text


def test_nul_bytes_are_removed_and_a_utf16_page_is_not_taken_for_binary(crawled):
    """Stray NUL bytes in a page: stored without them. A UTF-16 page (half its bytes are NUL):
    decoded by its BOM and stored, not refused as binary."""
    site = crawled.site
    stored = crawled.crawl.stored("nul_bytes")
    assert set(stored) == canonical(site.url("/nul_bytes/stray"), site.url("/nul_bytes/utf-16"), crawled.good["nul_bytes"])
    for path in ("/nul_bytes/stray", "/nul_bytes/utf-16"):
        article = stored[canonical_url(site.url(path))]
        assert "\x00" not in article.text and "\x00" not in article.title
        assert all(place in article.text for place in PLACES), path
        assert article.title == site.stories[path].title
    assert crawled.crawl.counted("nul_bytes") == {}


def test_ten_thousand_nested_tags_neither_crash_nor_stall_the_crawl(crawled):
    """10,000 nested <div>s after the article: the page is stored. The article inside 10,000 nested
    <div>s: the parser's depth limit (libxml2, 256) cuts the tree, the page is dropped and counted.
    Either way the crawl goes on and the good article is stored."""
    site = crawled.site
    stored = crawled.crawl.stored("deep_nesting")
    assert set(stored) == canonical(site.url("/deep_nesting/after"), crawled.good["deep_nesting"])
    assert crawled.crawl.counted("deep_nesting") == {"newsdesk/dropped/too_short": 1}


def test_an_empty_200_is_dropped_and_counted(crawled):
    assert crawled.site.count("/empty_page/empty") == 1
    assert crawled.crawl.counted("empty_page") == {"newsdesk/dropped/empty": 1}
    assert set(crawled.crawl.stored("empty_page")) == canonical(crawled.good["empty_page"])


def test_a_pdf_and_a_png_served_as_html_are_dropped_as_non_html(crawled):
    """Content-Type says text/html, the bytes say PDF and PNG: recognised by their signatures,
    dropped and counted, never handed to the HTML extractor as text."""
    assert crawled.crawl.counted("binary_as_html") == {"newsdesk/dropped/non_html": 2}
    assert set(crawled.crawl.stored("binary_as_html")) == canonical(crawled.good["binary_as_html"])


def test_an_entity_expansion_bomb_feed_is_refused_unexpanded(crawled):
    """A billion-laughs feed is refused before any parser sees it (counted unsafe_xml), the URL it
    lists is never fetched, and the source's other feed is read: its good article is stored."""
    site = crawled.site
    assert site.count("/entity_bomb/bomb.xml") == 1
    assert site.count("/entity_bomb/never-fetched") == 0
    assert crawled.crawl.counted("entity_bomb") == {"newsdesk/errors/unsafe_xml": 1}
    assert set(crawled.crawl.stored("entity_bomb")) == canonical(crawled.good["entity_bomb"])


def _everything_stored(crawled) -> str:
    engine = make_engine(crawled.crawl.database_url)
    try:
        with Session(engine) as session:
            texts = [f"{a.title}\n{a.text}\n{a.description}" for a in session.scalars(select(Article))]
            bodies = [gzip.decompress(page.body_gzip).decode("utf-8", "replace") for page in session.scalars(select(RawPage))]
    finally:
        engine.dispose()
    return "\n".join(texts + bodies)


def test_external_entity_feeds_are_refused_and_never_resolved(crawled):
    """XXE feeds (UTF-8, and UTF-16 which slips past a byte search for "<!ENTITY"): refused and
    counted; the entity URL is never requested, the local file's content is nowhere in the
    database, the listed URL is never fetched; the good article is stored."""
    site = crawled.site
    assert site.count("/xxe/canary") == 0
    assert site.count_prefix("/xxe_feed/never-fetched") == 0
    assert crawled.crawl.counted("xxe_feed") == {"newsdesk/errors/unsafe_xml": 1, "newsdesk/errors/feed_not_xml": 1}
    assert crawled.secret not in _everything_stored(crawled)
    assert set(crawled.crawl.stored("xxe_feed")) == canonical(crawled.good["xxe_feed"])


def test_external_entity_sitemaps_are_refused_and_never_resolved(crawled):
    """XXE sitemaps, in UTF-8 and UTF-16: both refused before parsing and counted; nothing they
    point at is requested; the source's feed still gives its good article."""
    site = crawled.site
    assert site.count("/xxe/canary") == 0
    assert site.count_prefix("/xxe_sitemap/never-fetched") == 0
    assert crawled.crawl.counted("xxe_sitemap") == {"newsdesk/errors/unsafe_xml": 2}
    assert crawled.secret not in _everything_stored(crawled)
    assert set(crawled.crawl.stored("xxe_sitemap")) == canonical(crawled.good["xxe_sitemap"])


def test_a_sitemap_index_of_50000_sitemaps_is_read_to_a_bound(crawled):
    """50,000 child sitemaps: the newest MAX_CHILD_SITEMAPS (20) are fetched, the rest counted as
    skipped by the bound; the article they list is fetched once and stored once."""
    site = crawled.site
    fetched = {hit.path for hit in site.hits if hit.path.startswith("/sitemap_index/child-")}
    assert site.count_prefix("/sitemap_index/child-") == MAX_CHILD_SITEMAPS
    assert fetched == {f"/sitemap_index/child-{i}.xml" for i in range(MAX_CHILD_SITEMAPS)}
    assert site.count("/sitemap_index/good") == 1
    assert crawled.crawl.stat("sitemap_index", "newsdesk/sitemap_entries") == SITEMAP_CHILDREN + MAX_CHILD_SITEMAPS
    assert crawled.crawl.counted("sitemap_index") == {
        "newsdesk/skipped/sitemap_bound": SITEMAP_CHILDREN - 5000,  # crawlers/sitemaps.py MAX_SITEMAP_URLS
        "newsdesk/skipped/seen_in_run": MAX_CHILD_SITEMAPS - 1,
    }
    assert set(crawled.crawl.stored("sitemap_index")) == canonical(crawled.good["sitemap_index"])


def test_a_feed_of_10000_items_is_read_to_its_newest_2000(crawled):
    """10,000 items listed oldest first: the newest MAX_FEED_ENTRIES are taken, whatever the
    order, so the one new article is stored; old items are skipped without a request."""
    site = crawled.site
    assert crawled.crawl.stat("long_feed", "newsdesk/feed_entries") == FEED_ITEMS
    assert crawled.crawl.stat("long_feed", "newsdesk/candidates") == MAX_FEED_ENTRIES
    assert crawled.crawl.counted("long_feed") == {"newsdesk/skipped/too_old": MAX_FEED_ENTRIES - 1}
    assert site.count_prefix("/long_feed/old-") == 0
    assert set(crawled.crawl.stored("long_feed")) == canonical(crawled.good["long_feed"])


def test_dates_in_the_year_9999_and_1970_are_not_stored(crawled):
    """A page (and its feed item) dated 9999, a page dated 1970: both stored, neither with that
    date; the good article keeps its real date."""
    site = crawled.site
    now = datetime.now(UTC)
    stored = crawled.crawl.stored("impossible_dates")
    assert set(stored) == canonical(site.url("/impossible_dates/year-9999"), site.url("/impossible_dates/year-1970"),
                                    crawled.good["impossible_dates"])
    for path in ("/impossible_dates/year-9999", "/impossible_dates/year-1970"):
        published = stored[canonical_url(site.url(path))].published_at
        assert published is None or EARLIEST <= published <= now, (path, published)
    good = stored[canonical_url(crawled.good["impossible_dates"])]
    assert good.published_at is not None and now - timedelta(days=3) < good.published_at <= now

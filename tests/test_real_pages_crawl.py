"""A crawl of real pages of many publishers, served from loopback (issue 23): every page that
extracts is stored, with 0 storage errors and no page lost to an unexpected error, on SQLite and
PostgreSQL. The pages are ../shared's (the real-site fixtures and the WCXB development split's 711
article pages); the test skips where that folder is absent. Slow: two crawls of about 720 pages."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.outcomes import REASONS
from storage.db import make_engine
from storage.models import Article, ArticleUrl, RejectedUrl
from tests.conftest import shared_path
from tests.crawl_helpers import crawl_environment
from tests.faults import FAULT_ENV, crawl_sources
from tests.faults.server import Entry, FaultServer, respond, rss, source_entry

pytestmark = pytest.mark.slow


def real_pages() -> dict[str, bytes]:
    pages = {}
    for path in sorted(shared_path("benchmarks", "wcxb-dev-articles", "html").glob("*.html.gz")):
        pages[f"/wcxb/{path.name.removesuffix('.html.gz')}"] = gzip.decompress(path.read_bytes())
    for path in sorted(shared_path("fixtures", "real-sites").glob("*/articles/*.html")):
        pages[f"/sites/{path.parent.parent.name}/{path.stem}"] = path.read_bytes()
    return pages


def test_real_pages_of_many_publishers_are_stored_without_a_storage_error(tmp_path, db_url):
    pages = real_pages()
    env = {**FAULT_ENV, "NEWSDESK_DOWNLOAD_TIMEOUT": "20", "NEWSDESK_MAX_PAGE_BYTES": str(20 * 1024 * 1024),
           "NEWSDESK_MAX_AGE_DAYS": "36500"}  # the pages are months or years old: their age is not the test
    with crawl_environment(tmp_path, db_url, **env), FaultServer() as site:
        for path, body in pages.items():
            site.route(path, respond(body, "text/html"))
        entries = [Entry(site.url(path), published=site.now - timedelta(minutes=n)) for n, path in enumerate(pages)]
        feed = site.route("/real/feed.xml", respond(rss(entries), "application/rss+xml"))
        result = crawl_sources(tmp_path, db_url, [source_entry("real_pages", feeds=[feed])], timeout=900)
    run = result.run("real_pages")
    counted = result.counted("real_pages")
    assert run.status == "succeeded", run.error
    assert not counted.get("newsdesk/errors/storage") and not counted.get("newsdesk/dropped/storage_error")
    assert not counted.get("newsdesk/errors/unexpected")
    assert run.stats["newsdesk/pages_fetched"] == len(pages)
    # Every page fetched is stored (as an article or another URL of one) or refused by extraction
    # for a reason of its own: none is lost between extraction and storage.
    dropped = {key.removeprefix("newsdesk/dropped/"): value for key, value in counted.items()
               if key.startswith("newsdesk/dropped/")}
    assert set(dropped) <= set(REASONS) - {"storage_error"}, dropped
    engine = make_engine(db_url)
    with Session(engine) as session:
        stored_urls = set(session.scalars(select(ArticleUrl.url)))
        refused = set(session.scalars(select(RejectedUrl.url)))
        articles = session.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    unaccounted = [path for path in pages if site.url(path) not in stored_urls and site.url(path) not in refused]
    assert len(unaccounted) <= dropped.get("too_old", 0), unaccounted[:10]
    assert articles >= 0.8 * len(pages)

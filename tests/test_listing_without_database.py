"""A listing read while the database is away (PostgreSQL restarting mid-crawl): its articles are
all fetched, not lost with it, and the run is not failed for it (crawlers/news_spider.py)."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from crawlers.feeds import Candidate
from crawlers.loader import spider_class
from crawlers.sources import SourceSpec

URLS = [f"https://courier.example/world/2026/12/08/story-{n}" for n in range(3)]


def spider_on(database_url: str):
    source = SourceSpec(key="courier", name="The Border Courier", feeds=["https://courier.example/feed.xml"])
    cls = spider_class(source)
    crawler = get_crawler(cls, settings_dict={"DATABASE_URL": database_url})
    crawler.spider = cls.from_crawler(crawler)
    return crawler.spider


def test_a_listing_read_while_the_database_is_away_fetches_every_candidate(tmp_path):
    # A real SQLite file that cannot be opened: the look-up of stored URLs fails as a database
    # that dropped out does (OperationalError).
    spider = spider_on(f"sqlite:///{tmp_path / 'gone' / 'newsdesk.db'}")
    requests = list(spider.article_requests([Candidate(url) for url in URLS]))
    assert [request.url for request in requests] == URLS
    stats = spider.crawler.stats.get_stats()
    assert stats["newsdesk/known_urls_unavailable"] == len(URLS)
    assert "newsdesk/errors/unexpected" not in stats


def test_with_the_database_there_stored_urls_are_still_looked_up(tmp_path):
    from storage.db import make_engine
    from storage.models import Base

    database_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    engine.dispose()
    spider = spider_on(database_url)
    assert [request.url for request in spider.article_requests([Candidate(url) for url in URLS])] == URLS
    assert "newsdesk/known_urls_unavailable" not in spider.crawler.stats.get_stats()

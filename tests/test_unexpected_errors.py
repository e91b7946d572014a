"""A page lost to an exception nobody expected (a bug) is counted, and its run is not a success."""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from core.records import FetchedPage
from crawlers.loader import spider_class
from crawlers.runs.recorder import run_status
from crawlers.sources import SourceSpec
from storage import migrate
from storage.db import get_engine


def test_an_exception_in_a_pipeline_or_callback_is_counted_and_fails_the_run(env, sqlite_url):
    env(DATABASE_URL=sqlite_url)
    migrate.upgrade(get_engine())
    source = SourceSpec(key="wire", name="Wire", feeds=["http://127.0.0.1:1/feed.xml"])
    spidercls = spider_class(source)
    crawler = get_crawler(spidercls)
    crawler.spider = spider = spidercls.from_crawler(crawler)
    response = HtmlResponse("http://127.0.0.1:1/news/a", body=b"<html></html>", request=Request("http://127.0.0.1:1/news/a"))
    try:
        raise AttributeError("'WireSpider' object has no attribute 'source_id'")
    except AttributeError:
        failure = Failure()
    # Sent through Scrapy's own signals, as its scraper does when a pipeline or a callback raises.
    crawler.signals.send_catch_log(signals.item_error, item=FetchedPage(url=response.url, source_key="wire", status=200, body=response.body),
                                   response=response,
                                   spider=spider, failure=failure)
    crawler.signals.send_catch_log(signals.spider_error, failure=failure, response=response, spider=spider)
    stats = crawler.stats.get_stats()
    assert stats["newsdesk/errors/unexpected"] == 2
    assert stats["newsdesk/dropped/unexpected_AttributeError"] == 1
    status, error = run_status("finished", stats)
    assert status == "failed" and "2 pages lost to an unexpected error" in error

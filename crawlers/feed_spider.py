"""Sources read through RSS/Atom feeds, or through the feeds their home page announces."""

from __future__ import annotations

import asyncio

import scrapy

from core.settings import from_scrapy
from crawlers.conditional_get import FeedValidators
from crawlers.feeds import UnsafeXml, discover_feeds, looks_like_feed, parse_feed
from crawlers.news_spider import NewsSpider
from storage.db import get_engine, session_factory


class FeedSpider(NewsSpider):
    """Feeds fetched with conditional GET: an unchanged feed costs a 304 and nothing more."""

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        database = from_scrapy(crawler.settings).resolved_database_url
        spider.validators = FeedValidators(session_factory(get_engine(database)),
                                           session_factory(get_engine(database, readonly=True)))
        return spider

    def closed(self, reason: str) -> None:
        if reason == "finished":
            self.validators.save()

    def discovery_requests(self):
        yield from super().discovery_requests()
        feeds = list(self.source.feeds)
        if not feeds and not self.source.sitemaps and not self.source.sections and self.source.homepage:
            yield scrapy.Request(self.source.homepage, callback=self.parse_homepage, errback=self.discovery_failed)
        for url in feeds:
            yield self.feed_request(url)

    def feed_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_feed, errback=self.discovery_failed,
            headers=self.validators.conditional_headers(url),
            meta={"handle_httpstatus_list": [304], "newsdesk_listing": True},
        )

    def parse_homepage(self, response):
        feeds = discover_feeds(response.body, response.url)
        self.count("feeds_discovered", len(feeds))
        if not feeds:
            self.logger.warning("no feed announced on %s; add `feeds:` to source %s", response.url, self.source.key)
        for url in feeds:
            yield self.feed_request(url)

    async def parse_feed(self, response):
        if response.status == 304:
            self.count("feeds_not_modified")
            return
        if not looks_like_feed(response.body):
            self.count("errors/feed_not_xml")
            self.logger.warning("%s is not a feed (an HTML page?)", response.url)
            return
        try:
            # In a thread: feedparser takes seconds over thousands of items, and meanwhile the
            # reactor (every download of every spider in this process) must go on; parsed in
            # place, a 10,000-item feed stalled other downloads into timeouts (test_faults_content).
            candidates, total = await asyncio.to_thread(parse_feed, response.body, response.url)
        except UnsafeXml as exc:
            self.count("errors/unsafe_xml")
            self.logger.warning("refused feed %s: %s", response.url, exc)
            return
        self.count("feed_entries", total)
        self.validators.remember(response)
        for request in self.article_requests(candidates, response):
            yield request

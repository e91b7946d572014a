"""Sources read through Google News sitemaps, sitemap indexes and plain urlsets (gzip too)."""

from __future__ import annotations

import asyncio

import scrapy

from crawlers.feeds import UnsafeXml
from crawlers.news_spider import NewsSpider
from crawlers.sitemaps import SitemapTooLarge, parse_sitemap

MAX_CHILD_SITEMAPS = 20  # an index of a site's whole archive: the newest 20 are the news


class NewsSitemapSpider(NewsSpider):
    def discovery_requests(self):
        yield from super().discovery_requests()
        for url in self.source.sitemaps:
            yield self.sitemap_request(url)

    def sitemap_request(self, url: str, depth: int = 0) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.discovery_failed,
                              cb_kwargs={"depth": depth}, meta={"newsdesk_listing": True})

    async def parse_sitemap(self, response, depth: int = 0):
        try:
            # In a thread, as feeds are (crawlers/feed_spider.py): 50,000 entries take a second or two.
            sitemap = await asyncio.to_thread(parse_sitemap, response.body)
        except UnsafeXml as exc:
            self.count("errors/unsafe_xml")
            self.logger.warning("refused sitemap %s: %s", response.url, exc)
            return
        except SitemapTooLarge as exc:
            self.count("errors/sitemap_too_large")
            self.logger.warning("refused sitemap %s: %s", response.url, exc)
            return
        self.count("sitemap_entries", sitemap.total)
        if sitemap.total > len(sitemap.entries):
            self.count("skipped/sitemap_bound", sitemap.total - len(sitemap.entries))
        if sitemap.kind == "sitemapindex":
            if depth >= 2:
                return  # indexes of indexes of indexes: not a news sitemap
            for child in sitemap.entries[:MAX_CHILD_SITEMAPS]:
                yield self.sitemap_request(response.urljoin(child.url), depth + 1)
        elif sitemap.kind == "urlset":
            for request in self.article_requests(sitemap.entries, response):
                yield request
        else:
            self.count("errors/sitemap_not_xml")
            self.logger.warning("%s is not a sitemap", response.url)

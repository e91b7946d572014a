"""Sources read through Google News sitemaps, sitemap indexes and plain urlsets (gzip too)."""

from __future__ import annotations

import asyncio

import scrapy

from crawlers.feeds import UnsafeXml
from crawlers.news_spider import NewsSpider
from crawlers.sitemaps import SitemapTooLarge, parse_sitemap

MAX_CHILD_SITEMAPS = 20  # an index of a site's whole archive: the newest 20 are the news
MAX_SITEMAP_DEPTH = 2    # an index of indexes, at most: deeper is not a news sitemap
MAX_SITEMAPS_PER_RUN = 50  # sitemap fetches of one source in one run, whatever indexes list


class NewsSitemapSpider(NewsSpider):
    def discovery_requests(self):
        yield from super().discovery_requests()
        state = self.state()
        for url in self.source.sitemaps:
            state.sitemaps += 1
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
            if depth >= MAX_SITEMAP_DEPTH:
                self.count("skipped/sitemap_depth")
                return  # indexes of indexes of indexes: not a news sitemap
            state = self.state(response)
            for child in sitemap.entries[:MAX_CHILD_SITEMAPS]:
                if state.sitemaps >= MAX_SITEMAPS_PER_RUN:
                    # 20 children of 20 children of 5,000 URLs each allowed 2 million requests.
                    self.count("skipped/sitemap_run_bound")
                    continue
                state.sitemaps += 1
                yield self.sitemap_request(response.urljoin(child.url), depth + 1)
        elif sitemap.kind == "urlset":
            for request in self.article_requests(sitemap.entries, response):
                yield request
        else:
            self.count("errors/sitemap_not_xml")
            self.logger.warning("%s is not a sitemap", response.url)

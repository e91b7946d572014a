"""Sources read through listing pages (a section front), following links that look like articles."""

from __future__ import annotations

import re

import scrapy
from scrapy.linkextractors import LinkExtractor

from crawlers.feeds import Candidate
from crawlers.news_spider import NewsSpider
from crawlers.sources import Section


class SectionSpider(NewsSpider):
    def discovery_requests(self):
        yield from super().discovery_requests()
        for section in self.source.sections:
            yield scrapy.Request(section.url, callback=self.parse_section, errback=self.discovery_failed,
                                 cb_kwargs={"section": section, "page": 1}, meta={"newsdesk_listing": True})

    def parse_section(self, response, section: Section, page: int):
        extractor = LinkExtractor(allow=re.compile(section.follow), unique=True)
        links = extractor.extract_links(response)
        self.count("section_links", len(links))
        yield from self.article_requests(
            (Candidate(url=link.url, title=link.text.strip() or None, via="section") for link in links), response
        )
        if page < section.pages:
            next_href = response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href)').get()
            if next_href:
                yield scrapy.Request(response.urljoin(next_href), callback=self.parse_section,
                                     errback=self.discovery_failed, cb_kwargs={"section": section, "page": page + 1},
                                     meta={"newsdesk_listing": True})

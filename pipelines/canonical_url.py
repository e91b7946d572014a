"""Stage 300, dedup pass 1: the article's canonical URL and the set of its other URLs.

The rules (courlan's normalisation, `rel=canonical` and `amphtml` only on the page's own site) are
core/urls.py; spiders use the same functions to recognise a URL they have stored before.
"""

from __future__ import annotations

from core.records import ArticleData
from core.urls import canonical_url, resolve_page_urls


class CanonicalUrlPipeline:
    """Scrapy stage: give the extracted article its canonical URL and the set of its other URLs."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        article: ArticleData = item.article
        canonical, others = resolve_page_urls(
            item.url, canonical_link=article.canonical_link, amp_link=article.amp_link,
            requested_urls=item.requested_urls,
        )
        if canonical != canonical_url(item.url):
            self.stats.inc_value("newsdesk/urls/canonical_link_followed")
        article.canonical_url = canonical
        article.fetched_url = item.url
        article.other_urls = others
        self.stats.inc_value("newsdesk/urls/variants", len(others))
        return item

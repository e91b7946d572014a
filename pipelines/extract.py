"""Stage 200: extraction and cleaning (pipelines/extraction.py) of each fetched page."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawlers.items import FetchedPage
from pipelines.article_writer import DedupSettings
from pipelines.extraction import extract_page
from pipelines.rejections import Rejected
from pipelines.signatures import signature
from storage.records import ArticleData
from storage.types import utcnow


def article_from(page: FetchedPage, extracted) -> ArticleData:
    return ArticleData(
        canonical_url=page.url, fetched_url=page.url, title=extracted.title, text=extracted.text,
        authors=extracted.authors, published_at=extracted.published_at, updated_at=extracted.updated_at,
        language=extracted.language, section=extracted.section, dateline=extracted.dateline,
        description=extracted.description, image_url=extracted.image_url,
    )


class ExtractPipeline:
    def __init__(self, crawler):
        from newsdesk.config import get_settings

        self.crawler = crawler
        self.stats = crawler.stats
        self.min_text_chars = crawler.settings.getint("NEWSDESK_MIN_TEXT_CHARS")
        self.params = DedupSettings.from_settings(get_settings()).params

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        try:
            extracted = extract_page(item.body, url=item.url, content_type=item.headers.get("content-type"),
                                     hints=item.hints, min_text_chars=self.min_text_chars)
        except Rejected as rejected:
            self.stats.inc_value(f"newsdesk/dropped/{rejected.reason}")
            self.crawler.spider.note_rejection(item.url, rejected.reason)
            raise DropItem(str(rejected)) from None
        max_age = getattr(self.crawler.spider, "max_age", None)
        if max_age is not None and extracted.published_at is not None and utcnow() - extracted.published_at > max_age:
            # Found through a listing that gave no date: only the page itself told its age.
            self.stats.inc_value("newsdesk/dropped/too_old")
            self.crawler.spider.note_rejection(item.url, "too_old")
            raise DropItem(f"too_old: published {extracted.published_at:%Y-%m-%d}")
        item.extracted = extracted
        item.article = article_from(item, extracted)
        item.signature = signature(extracted.text, self.params)
        return item

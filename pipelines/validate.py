"""Stage 100: refuse items that cannot be articles before any work is spent on them."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from core.records import FetchedPage


class ValidatePipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.max_bytes = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _drop(self, reason: str, detail: str):
        self.stats.inc_value(f"newsdesk/dropped/{reason}")
        raise DropItem(f"{reason}: {detail}")

    def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        if item.status != 200:
            self._drop("non_html", f"HTTP {item.status}")
        if not item.body or not item.body.strip():
            self._drop("empty", "empty body")
        if self.max_bytes and len(item.body) > self.max_bytes:
            self._drop("too_large", f"{len(item.body)} bytes")
        return item

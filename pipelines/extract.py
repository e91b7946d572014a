"""Stage 200: extraction and cleaning of each fetched page, in the extraction worker processes.

The work itself is pipelines/extraction/extractor.py (via pipelines/extraction/job.py); this stage
sends it to the process pool (pipelines/extraction/worker_pool.py), turns refusals into counted
drops, and applies the age limit once the page has told its date.
"""

from __future__ import annotations

import time
from datetime import timedelta

from scrapy.exceptions import DropItem

from core.dates import utcnow
from core.outcomes import Rejected, page_rejected
from core.records import FetchedPage
from core.settings import from_scrapy
from pipelines.dedup.writer import DedupSettings
from pipelines.extraction import worker_pool
from pipelines.extraction.job import ExtractionJob


class ExtractPipeline:
    def __init__(self, crawler):
        settings = from_scrapy(crawler.settings)
        self.crawler = crawler
        self.stats = crawler.stats
        self.min_text_chars = settings.min_text_chars
        self.params = DedupSettings.from_settings(settings).params
        self.workers = settings.effective_extract_workers
        self.default_max_age_days = settings.max_age_days
        self.pool: worker_pool.ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.pool = worker_pool.acquire(self.workers)

    def close_spider(self):
        if self.pool is not None:
            for key in sorted(self.pool.skipped_patches()):
                self.stats.set_value(f"newsdesk/compat_skipped/{key}", 1)
            worker_pool.release(self.pool)
            self.pool = None

    def _drop(self, item: FetchedPage, reason: str, detail: str):
        self.stats.inc_value(f"newsdesk/dropped/{reason}")
        self.crawler.signals.send_catch_log(page_rejected, url=item.url, reason=reason)
        raise DropItem(f"{reason}: {detail}" if detail else reason)

    async def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        source = getattr(self.crawler.spider, "source", None)  # the spider's declaration (crawlers/loader.py)
        job = ExtractionJob(item.body, item.url, item.headers.get("content-type"), item.hints,
                            self.min_text_chars, self.params, publisher_country=getattr(source, "country", None))
        started = time.perf_counter()
        try:
            result = await self.pool.run(job)
        except Rejected as rejected:
            self._drop(item, rejected.reason, rejected.detail)
        except worker_pool.WorkerCrashed:
            self._drop(item, "extraction_crash", "")
        finally:
            self.stats.inc_value("newsdesk/time/extract_ms", int((time.perf_counter() - started) * 1000))
        article = result.article
        max_age = timedelta(days=getattr(source, "max_age_days", None) or self.default_max_age_days)
        if article.published_at is not None and utcnow() - article.published_at > max_age:
            # Found through a listing that gave no date: only the page itself told its age.
            self._drop(item, "too_old", f"published {article.published_at:%Y-%m-%d}")
        item.article = article.precomputed(word_count=result.word_count, content_hash=result.content_hash)
        item.signature = result.signature
        item.body_gzip = result.body_gzip
        return item

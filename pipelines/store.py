"""Stage 700: the dedup passes and the write of one article, in one transaction (pipelines/dedup/writer.py).

A database that refuses or drops out is retried a few times with a pause (PostgreSQL restarting
mid-crawl); an article that still cannot be stored is dropped with the reason `storage_error`,
counted, and the crawl goes on. Nothing half-written stays: the transaction is all or nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from scrapy.exceptions import DropItem
from sqlalchemy.exc import SQLAlchemyError

from core.records import FetchedPage, RawPageData, run_context
from core.settings import from_scrapy
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import articles as repo
from storage.change_log import prune_change_log
from storage.db import get_engine, session_factory, with_retries

logger = logging.getLogger(__name__)
_database_threads: ThreadPoolExecutor | None = None


def database_threads(writers: int) -> ThreadPoolExecutor:
    """The process's article writers, shared by its crawlers (NEWSDESK_DATABASE_WRITERS).

    One on SQLite: it takes one writer at a time, and a process should not queue behind itself for
    the lock. Several on PostgreSQL, where a writer spends most of its time waiting on round trips
    and its commit: concurrent writers are kept correct by the dedup index's advisory locks
    (storage/dedup_index.py) exactly as writers in different processes are, and a deadlock or
    unique-key race between them is retried below.
    """
    global _database_threads
    if _database_threads is None:
        _database_threads = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="newsdesk-db")
    return _database_threads


class StorePipeline:
    def __init__(self, crawler):
        settings = from_scrapy(crawler.settings)
        self.crawler = crawler
        self.stats = crawler.stats
        self.raw_retention_days = settings.raw_page_retention_days
        self.change_log_retention_days = settings.change_log_retention_days
        self.writers = settings.effective_database_writers
        self.writer = ArticleWriter(DedupSettings.from_settings(settings), crawler.stats,
                                    keep_raw_pages=settings.raw_pages_per_article)
        self.sessions = session_factory(get_engine(settings.resolved_database_url))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def store(self, item: FetchedPage, source_id: int, run_id: int | None) -> repo.ArticleWrite:
        raw = RawPageData(url=item.url, status=item.status, body=item.body, body_gzip=item.body_gzip, headers=item.headers,
                          context={"source": item.source_key, **item.hints}, fetched_at=item.fetched_at)
        started = time.perf_counter()

        def write_article() -> repo.ArticleWrite:
            with self.sessions.begin() as session:
                return self.writer.write(session, item.article, source_id=source_id, run_id=run_id,
                                         sig=item.signature, raw=raw)

        def retrying(exc: Exception) -> None:
            self.stats.inc_value("newsdesk/storage_retries")
            logger.warning("storing %s failed (%s), retrying", item.url, str(exc).splitlines()[0])

        write = with_retries(write_article, on_retry=retrying)
        self.stats.inc_value("newsdesk/time/store_ms", int((time.perf_counter() - started) * 1000))
        return write

    async def process_item(self, item):
        if not isinstance(item, FetchedPage) or item.article is None:
            return item
        try:
            # Off the reactor thread, in the process's database writers: downloads go on while
            # the article is written.
            write = await asyncio.get_running_loop().run_in_executor(
                database_threads(self.writers), self.store, item, run_context(self.crawler).source_id, item.run_id)
        except SQLAlchemyError as exc:
            self.stats.inc_value("newsdesk/errors/storage")
            self.stats.inc_value("newsdesk/dropped/storage_error")
            logger.error("could not store %s: %s", item.url, str(exc).splitlines()[0])
            raise DropItem(f"storage_error: {exc.__class__.__name__}") from None
        item.outcome = write.outcome
        self.stats.inc_value(f"newsdesk/articles_{write.outcome}")
        return item

    def close_spider(self):
        self._prune("old raw pages", repo.prune_raw_pages, self.raw_retention_days, "newsdesk/raw_pages_pruned")
        self._prune("the change log", prune_change_log, self.change_log_retention_days, "newsdesk/changes_pruned")

    def _prune(self, what: str, prune, days: int, stat: str) -> None:
        """One retention pass in its own transaction, counted; a failure is logged, never the crawl's."""
        try:
            with self.sessions.begin() as session:
                pruned = prune(session, days)
            if pruned:
                self.stats.set_value(stat, pruned)
        except SQLAlchemyError:
            logger.warning("pruning %s failed", what, exc_info=True)

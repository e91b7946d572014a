"""Stage 700: store the article, its URLs and its raw page in one transaction."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem
from sqlalchemy.exc import SQLAlchemyError

from crawlers.items import FetchedPage
from storage import articles as repo
from storage.db import session_factory
from storage.records import RawPageData

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        from newsdesk.config import get_settings

        self.crawler = crawler
        self.stats = crawler.stats
        self.keep_raw = get_settings().raw_pages_per_article
        self.raw_retention_days = get_settings().raw_page_retention_days
        self.sessions = session_factory()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, FetchedPage) or item.article is None:
            return item
        spider = self.crawler.spider
        run_id = getattr(spider, "run_id", None)
        try:
            with self.sessions.begin() as session:
                write = repo.upsert_article(session, item.article, source_id=spider.source_id, run_id=run_id)
                if write.outcome != repo.UNCHANGED:
                    repo.store_raw_page(session, write.article_id, RawPageData(
                        url=item.url, status=item.status, body=item.body, headers=item.headers,
                        context={"source": item.source_key, **item.hints}, fetched_at=item.fetched_at,
                    ), run_id=run_id, keep=self.keep_raw)
        except SQLAlchemyError as exc:
            self.stats.inc_value("newsdesk/errors/storage")
            logger.error("could not store %s: %s", item.url, str(exc).splitlines()[0])
            raise DropItem(f"storage_error: {exc.__class__.__name__}") from None
        item.outcome = write.outcome
        self.stats.inc_value(f"newsdesk/articles_{write.outcome}")
        return item

    def close_spider(self):
        try:
            with self.sessions.begin() as session:
                pruned = repo.prune_raw_pages(session, self.raw_retention_days)
            if pruned:
                self.stats.set_value("newsdesk/raw_pages_pruned", pruned)
        except SQLAlchemyError:
            logger.warning("pruning old raw pages failed", exc_info=True)

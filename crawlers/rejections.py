"""Pages that are not articles, remembered so that the next runs do not fetch them again.

Whatever refuses a fetched page (the spider for a non-HTML response, a pipeline for a listing, a
page too old or too short) sends the `page_rejected` signal; this extension keeps the verdicts
that last (storage/rejected.py says for how long each does) and saves them in batches, and at the
end of the run. Transient failures (HTTP errors, a storage error) are not remembered: the page is
tried again next time.
"""

from __future__ import annotations

import logging

from scrapy import signals
from sqlalchemy.exc import SQLAlchemyError

from core.outcomes import page_rejected
from core.records import run_context
from core.settings import from_scrapy
from core.urls import canonical_url
from storage.db import get_engine, session_factory
from storage.rejected import RECHECK_AFTER, remember

logger = logging.getLogger(__name__)
SAVE_EVERY = 50


class RejectedPages:
    def __init__(self, crawler):
        self.crawler = crawler
        self.sessions = session_factory(get_engine(from_scrapy(crawler.settings).resolved_database_url))
        self.pending: dict[str, tuple[int | None, str]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.rejected, signal=page_rejected)
        crawler.signals.connect(extension.save, signal=signals.spider_closed)
        return extension

    def rejected(self, url: str, reason: str) -> None:
        if reason not in RECHECK_AFTER:
            return  # transient (an HTTP error, a storage error): try again next time
        self.pending[canonical_url(url)] = (run_context(self.crawler).source_id, reason)
        if len(self.pending) >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        if not self.pending or run_context(self.crawler).source_id is None:
            return
        try:
            with self.sessions.begin() as session:
                remember(session, self.pending)
            self.pending.clear()
        except SQLAlchemyError:
            logger.warning("could not save %s page verdicts", len(self.pending), exc_info=True)

"""The run record of a `newsdesk worker`: its share of each distributed run it took part in.

Runs are opened and closed by the coordinator (crawlers/distributed/coordinator.py), which seeds them; a
worker only keeps a `crawl_run_workers` row per run with its own counters, refreshed by a
heartbeat and at close. The coordinator sums them into the run's row.
"""

from __future__ import annotations

import logging
import os
import socket

from scrapy import signals
from sqlalchemy import select
from twisted.internet import task

from core.dates import utcnow
from core.outcomes import LIVE_PREFIX
from core.records import run_context
from core.settings import from_scrapy
from crawlers.distributed.queue import RUN_META, worker_id
from crawlers.runs.recorder import json_safe
from storage import sources
from storage.db import get_engine, session_factory
from storage.models import CrawlRunWorker

logger = logging.getLogger(__name__)


class WorkerRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = from_scrapy(crawler.settings)
        self.sessions = session_factory(get_engine(self.settings.resolved_database_url))
        self.runs: set[int] = set()
        self.saved: dict | None = None  # the counters as last written
        self.beat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        crawler.signals.connect(recorder.opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.response, signal=signals.response_received)
        crawler.signals.connect(recorder.idle, signal=signals.spider_idle)
        crawler.signals.connect(recorder.closed, signal=signals.spider_closed)
        return recorder

    def opened(self, spider):
        with self.sessions.begin() as session:
            source_id = sources.sync_sources(session, [spider.source], disable_missing=False)[spider.source.key]
        # The run comes with each request (its meta), not with the worker.
        run_context(self.crawler).source_id = source_id
        self.beat = task.LoopingCall(self.save)
        self.beat.start(self.settings.heartbeat_seconds, now=False)

    def response(self, response, request, spider):
        run = request.meta.get(RUN_META)
        if run is not None:
            self.runs.add(run)

    def idle(self, spider):
        # Saved before WorkerPresence (a later extension) clears this worker's busy mark: the
        # coordinator closes a run once no worker is busy with it, and sums what is saved then.
        # Compared with what was last written, not flagged by responses: counters keep changing
        # after a response arrives (its callback, the pipelines), and a heartbeat in between
        # would have cleared a flag while the run's last pages were still being counted.
        self.save(only_if_changed=True)

    def save(self, finished: bool = False, only_if_changed: bool = False) -> None:
        if not self.runs:
            return
        # Gauges of what is in flight (core/outcomes.py LIVE_PREFIX) are no counts to sum.
        stats = {k: v for k, v in json_safe(self.crawler.stats.get_stats()).items() if not k.startswith(LIVE_PREFIX)}
        if only_if_changed and stats == self.saved:
            return
        now = utcnow()
        try:
            with self.sessions.begin() as session:
                for run_id in self.runs:
                    row = session.scalar(select(CrawlRunWorker).where(CrawlRunWorker.run_id == run_id,
                                                                      CrawlRunWorker.worker == worker_id()))
                    if row is None:
                        row = CrawlRunWorker(run_id=run_id, worker=worker_id(), host=socket.gethostname(),
                                             pid=os.getpid(), started_at=now)
                        session.add(row)
                    row.stats, row.heartbeat_at = stats, now
                    if finished:
                        row.finished_at = now
            self.saved = stats
        except Exception:  # noqa: BLE001 - a missed report must not stop the worker
            logger.warning("could not record this worker's share of runs %s", sorted(self.runs), exc_info=True)

    def closed(self, spider, reason):
        if self.beat is not None and self.beat.running:
            self.beat.stop()
        self.save(finished=True)

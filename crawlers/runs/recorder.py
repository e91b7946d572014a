"""The run record: every crawl of a source, however started, gets one `crawl_runs` row.

Opened when the spider opens (after checking the schema and syncing the source), refreshed by a
heartbeat with the live stats (which is how `newsdesk crawl` shows progress and how a dead crawl
is recognised), and closed with Scrapy's stats and ours when the spider closes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

import compat
from core.errors import SchemaOutOfDate
from core.outcomes import LISTINGS_FAILED, LIVE_PREFIX
from core.records import run_context
from core.settings import from_scrapy
from crawlers.runs.counters import failed_by_kind, summary
from crawlers.runs.logs import RunLogHandler
from storage import runs, schema_version, sources
from storage.db import get_engine, session_factory, with_retries

logger = logging.getLogger(__name__)

# Scrapy's close reasons, as run statuses.
STATUS_BY_REASON = {
    "finished": "succeeded",
    "shutdown": "interrupted",
    "closespider_timeout": "timeout",
}


def json_safe(stats: dict) -> dict:
    """Stats as JSON values (Scrapy keeps datetimes in them)."""
    def convert(value):
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, (int, float, str, bool)) or value is None:
            return value
        return str(value)

    return {str(key): convert(value) for key, value in sorted(stats.items())}


def run_status(reason: str, stats: dict) -> tuple[str, str | None]:
    """(status, error) of a closed run: a finished run that stored nothing because everything
    failed (feeds unreachable, database refusing writes) is a failed run, not a success. The
    error speaks the vocabulary of outcomes (core/outcomes.py), naming the kinds that failed."""
    status = STATUS_BY_REASON.get(reason, "failed")
    if reason == "memusage_exceeded":
        return "failed", "stopped at the memory ceiling (NEWSDESK_MEMORY_LIMIT_MB): see the run log for what grew"
    if status != "succeeded":
        return status, None if status != "failed" else f"closed: {reason}"
    failed = failed_by_kind(stats)
    if failed.get("storage"):
        return "failed", f"{failed['storage']} articles could not be stored (failed: storage)"
    if failed.get("unexpected"):
        return "failed", f"{failed['unexpected']} pages lost to an unexpected error (a bug: see the run log)"
    # Runs recorded before the vocabulary counted failed listings as errors/discovery.
    listings_failed = int(stats.get(LISTINGS_FAILED, 0) or failed.get("discovery", 0))
    nothing_found = not stats.get("newsdesk/candidates") and not stats.get("newsdesk/feeds_not_modified")
    if listings_failed and nothing_found:
        if failed.get("dns"):
            return "failed", (f"no article found: the host of its listings could not be resolved "
                              f"(failed: dns {failed['dns']})")
        if stats.get("newsdesk/skipped/robots_unreachable"):
            return "failed", "robots.txt unreachable (server error or no answer): the site was not crawled"
        causes = {kind: count for kind, count in failed.items() if kind != "discovery"}
        because = f" (failed: {', '.join(f'{k} {v}' for k, v in causes.items())})" if causes else ""
        return "failed", f"no article found: {listings_failed} feed/sitemap/section fetches failed{because}"
    # A listing that answered but was not one (an HTML page where the feed was, XML refused as
    # unsafe, a sitemap too large): as useless as one that did not answer (issue 23).
    unusable = sum(failed.get(kind, 0) for kind in UNUSABLE_LISTINGS)
    if unusable and nothing_found:
        return "failed", f"no article found: {unusable} feeds/sitemaps were not feeds or sitemaps (HTML, unsafe XML, too large)"
    return "succeeded", None


UNUSABLE_LISTINGS = ("feed_not_xml", "unsafe_xml", "sitemap_not_xml", "sitemap_too_large")


class RunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.sessions = session_factory(get_engine(from_scrapy(crawler.settings).resolved_database_url))
        self.run_id: int | None = None
        self.heartbeat: task.LoopingCall | None = None
        self.log_handler: RunLogHandler | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider):
        settings = from_scrapy(self.settings)
        engine = get_engine(settings.resolved_database_url)
        try:
            schema_version.ensure_current(engine)
        except SchemaOutOfDate as exc:
            logger.critical("%s", exc)
            self.crawler.stats.set_value("newsdesk/refused", str(exc))
            self._close_now("schema_out_of_date")
            return
        sessions = self.sessions
        try:
            with sessions.begin() as session:
                source_ids = sources.sync_sources(session, [spider.source], disable_missing=False)
                run = runs.start_run(
                    session, source_id=source_ids[spider.source.key], spider=spider.name,
                    trigger=self.settings.get("NEWSDESK_TRIGGER", "manual"),
                    stale_after=timedelta(minutes=settings.stale_lock_minutes),
                )
                self.run_id = run.id
                self.log_handler = RunLogHandler.open(settings, spider, run.id)
                run.log_path = str(self.log_handler.path) if self.log_handler else None
        except runs.SourceLocked as exc:
            logger.error("refused: %s", exc)
            self.crawler.stats.set_value("newsdesk/refused", str(exc))
            self._close_now("locked")
            return
        context = run_context(self.crawler)
        context.run_id, context.source_id = self.run_id, source_ids[spider.source.key]
        logger.info("run %s of %s started (%s)", self.run_id, spider.name, self.settings.get("NEWSDESK_TRIGGER"))
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(settings.heartbeat_seconds, now=False)

    def _close_now(self, reason: str) -> None:
        from twisted.internet import reactor

        # Not from inside the spider_opened signal: let the engine finish opening first.
        reactor.callLater(0, lambda: deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason)))

    def live(self) -> dict[str, int]:
        """What the crawl is doing right now, saved with the heartbeat (core/outcomes.py LIVE_GAUGES)."""
        stats = self.crawler.stats
        downloader = getattr(self.crawler.engine, "downloader", None)
        active = list(getattr(downloader, "active", ()))
        queued = (stats.get_value("scheduler/enqueued", 0) or 0) - (stats.get_value("scheduler/dequeued", 0) or 0)
        return {
            LIVE_PREFIX + "downloading": len(active),
            LIVE_PREFIX + "queued": max(0, queued),
            LIVE_PREFIX + "backing_off": max(0, stats.get_value(LIVE_PREFIX + "backing_off", 0) or 0),
            LIVE_PREFIX + "robots_txt": sum(1 for request in active if urlsplit(request.url).path == "/robots.txt"),
        }

    def beat(self):
        try:
            with self.sessions.begin() as session:
                runs.heartbeat(session, self.run_id, {**json_safe(self.crawler.stats.get_stats()), **self.live()})
        except Exception:  # noqa: BLE001 - a missed heartbeat must not kill the crawl
            logger.warning("heartbeat of run %s failed", self.run_id, exc_info=True)

    def spider_closed(self, spider, reason):
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        if self.run_id is None:
            return
        for patch in compat.skipped():  # upstream internals this process ran without (compat/)
            self.crawler.stats.set_value(f"newsdesk/compat_skipped/{patch.key}", 1)
        stats = {k: v for k, v in json_safe(self.crawler.stats.get_stats()).items() if not k.startswith(LIVE_PREFIX)}
        status, error = run_status(reason, stats)

        def finish() -> None:
            with self.sessions.begin() as session:
                runs.finish_run(session, self.run_id, status, stats=stats, error=error)

        # A run ending while the database restarts must still be closed, not left `running`.
        with_retries(finish, on_retry=lambda exc: logger.warning("closing run %s failed (%s), retrying",
                                                                  self.run_id, str(exc).splitlines()[0]))
        logger.info("run %s of %s ended: %s (%s); %s", self.run_id, spider.name, status, reason, summary(stats))
        # Its health against the source's usual runs (and alerts), logged into the run's own log.
        from crawlers.runs.after_run import assess_finished_run

        assess_finished_run(self.run_id)
        if self.log_handler is not None:
            self.log_handler.close_run()


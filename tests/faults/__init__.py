"""Fault injection for crawl tests: a misbehaving HTTP server (server.py) and a crawl's outcome.

A fault test builds scenarios on a FaultServer, one source each (its feed lists the fault URLs and
at least one good article), crawls them all in one process with `crawl_sources`, and asserts per
source: the run's status, its counted drop/skip/error reasons, what the server was asked for, and
exactly which articles were stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.urls import canonical_url
from storage.db import make_engine
from storage.models import Article, CrawlRun, Source
from tests.crawl_helpers import CrawlOutcome, crawl
from tests.faults.server import write_sources

MIB = 1024 * 1024
# Short timeouts and few retries: every fault resolves in seconds (see docs/reliability.md).
FAULT_ENV = {
    "NEWSDESK_DOWNLOAD_TIMEOUT": "2",
    "NEWSDESK_RETRY_TIMES": "2",
    "NEWSDESK_RETRY_BACKOFF_SECONDS": "0.05",
    "NEWSDESK_MAX_PAGE_BYTES": str(2 * MIB),
}
COUNTED_PREFIXES = ("newsdesk/dropped/", "newsdesk/skipped/", "newsdesk/errors/")


@dataclass
class FaultCrawl:
    outcome: CrawlOutcome
    database_url: str
    seconds: float

    def run(self, key: str) -> CrawlRun:
        return next(run for run in self.outcome.runs if run.spider == key)

    def stat(self, key: str, name: str) -> int:
        return int(self.run(key).stats.get(name, 0))

    def counted(self, key: str) -> dict[str, int]:
        """The run's drop, skip and error counters that are not zero."""
        return {name: int(value) for name, value in self.run(key).stats.items()
                if name.startswith(COUNTED_PREFIXES) and value}

    def stored(self, key: str) -> dict[str, Article]:
        """The articles stored for a source, by canonical URL."""
        engine = make_engine(self.database_url)
        try:
            with Session(engine) as session:
                articles = session.scalars(select(Article).join(Source).where(Source.key == key)).all()
                return {article.canonical_url: article for article in articles}
        finally:
            engine.dispose()


def canonical(*urls: str) -> set[str]:
    return {canonical_url(url) for url in urls}


def crawl_sources(tmp: Path, database_url: str, entries: list[dict], *, timeout: float = 120,
                  env: dict[str, str] | None = None) -> FaultCrawl:
    """Crawl these sources-file entries in one crawl process (inside a `crawl_environment`)."""
    sources = write_sources(tmp / "sources.yaml", entries)
    started = time.monotonic()
    outcome = crawl([entry["key"] for entry in entries], sources, timeout=timeout, env=env)
    return FaultCrawl(outcome, database_url, time.monotonic() - started)

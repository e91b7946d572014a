"""Running real crawls in tests: a test's own database and settings, the sample network, results."""

from __future__ import annotations

import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.settings import reset_settings
from crawlers.runs import runner
from storage import migrate
from storage.db import dispose_engines, get_engine
from storage.models import CrawlRun

# Crawling a loopback network needs no politeness delays; tests are bounded in time.
FAST_CRAWL_ENV = {
    "NEWSDESK_DOWNLOAD_DELAY": "0",
    "NEWSDESK_RETRY_BACKOFF_SECONDS": "0.05",
    "NEWSDESK_HEARTBEAT_SECONDS": "1",
    "NEWSDESK_AUTOTHROTTLE_TARGET_CONCURRENCY": "8",
}


@contextmanager
def crawl_environment(tmp: Path, database_url: str, **extra: str):
    """Settings for a test's crawls: its own database, data folder, no config file, fast crawling."""
    values = {
        "DATABASE_URL": database_url,
        "NEWSDESK_DATA_DIR": str(tmp / "data"),
        "NEWSDESK_CONFIG": str(tmp / "absent.toml"),
        **FAST_CRAWL_ENV,
        **extra,
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            patch.setenv(key, value)
        reset_settings()
        dispose_engines()
        migrate.upgrade(get_engine())
        try:
            yield values
        finally:
            dispose_engines()
            reset_settings()


@dataclass
class CrawlOutcome:
    code: int
    runs: list[CrawlRun]
    log: str = ""
    requests: Counter = field(default_factory=Counter)

    def stat(self, source: str, key: str) -> int:
        run = next(r for r in self.runs if r.spider == source)
        return int(run.stats.get(key, 0))

    def total(self, key: str) -> int:
        return sum(int(r.stats.get(key, 0)) for r in self.runs)


def crawl(keys: list[str], sources: Path, *, trigger: str = "cli", timeout: float = 120,
          env: dict[str, str] | None = None) -> CrawlOutcome:
    """One real crawl process (the same path as `newsdesk crawl`), waited for."""
    process = runner.launch(keys, trigger=trigger, sources_path=sources, env=env)
    code = runner.follow(process, timeout_seconds=timeout, grace_seconds=10)
    return CrawlOutcome(code, process.runs(), process.stderr_tail(40))


def environ_copy() -> dict[str, str]:
    return dict(os.environ)

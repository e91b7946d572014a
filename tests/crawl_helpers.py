"""Running real crawls in tests: a test's own database and settings, the sample network, results."""

from __future__ import annotations

import os
import threading
import time
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
    peak_rss_kib: int = 0  # the crawl process's own high-water mark of resident memory (VmHWM)

    def stat(self, source: str, key: str) -> int:
        run = next(r for r in self.runs if r.spider == source)
        return int(run.stats.get(key, 0))

    def total(self, key: str) -> int:
        return sum(int(r.stats.get(key, 0)) for r in self.runs)


def crawl(keys: list[str], sources: Path, *, trigger: str = "cli", timeout: float = 120,
          env: dict[str, str] | None = None) -> CrawlOutcome:
    """One real crawl process (the same path as `newsdesk crawl`), waited for."""
    process = runner.launch(keys, trigger=trigger, sources_path=sources, env=env)
    with PeakMemory(process.popen.pid) as peak:
        code = runner.follow(process, timeout_seconds=timeout, grace_seconds=10)
    return CrawlOutcome(code, process.runs(), process.stderr_tail(40), peak_rss_kib=peak.kib)


class PeakMemory:
    """The high-water mark of one process's resident memory, read from the kernel (VmHWM in
    /proc/PID/status) every 0.1 s while it lives. Unlike ru_maxrss of children, it is this crawl's
    own peak, whatever other processes the test session ran before."""

    def __init__(self, pid: int):
        self.pid, self.kib = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self._done.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.kib = max(self.kib, int(line.split()[1]))
            except (OSError, ValueError):  # gone (or a zombie without memory): the last reading stands
                pass
            self._done.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


def environ_copy() -> dict[str, str]:
    return dict(os.environ)


def wait_for(condition, timeout: float, what: str):
    """condition()'s first true value, polled every 0.2 s; an AssertionError naming `what` past timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")

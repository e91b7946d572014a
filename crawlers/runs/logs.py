"""One log file per run: data/logs/<source>/<run id>-<start>.log (or .jsonl), old files pruned.

Records of the run's spider go to its file, and so do process-wide records (reactor, engine), which
concern every run of the process. Passwords in URLs are masked in every line.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from core.logs import JsonLinesFormatter, MaskingFormatter
from core.settings import Settings


class _ThisRun(logging.Filter):
    def __init__(self, spider):
        super().__init__()
        self.spider = spider

    def filter(self, record: logging.LogRecord) -> bool:
        owner = getattr(record, "spider", None)
        return owner is None or owner is self.spider


def prune_old_logs(log_dir: Path, retention_days: int) -> int:
    if retention_days <= 0 or not log_dir.exists():
        return 0
    cutoff = time.time() - retention_days * 86400
    removed = 0
    for path in log_dir.rglob("*.log*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


class RunLogHandler(logging.FileHandler):
    @classmethod
    def open(cls, settings: Settings, spider, run_id: int) -> RunLogHandler | None:
        directory = settings.log_path / spider.name
        suffix = "jsonl" if settings.log_json else "log"
        # The start time in the name too: run IDs restart with every new database.
        path = directory / f"{run_id}-{datetime.now(UTC):%Y%m%dT%H%M%S}.{suffix}"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            prune_old_logs(settings.log_path, settings.log_retention_days)
            handler = cls(path, encoding="utf-8", delay=False)
        except OSError as exc:
            # A full or read-only disk must not stop the crawl: the run goes on, logging to stderr.
            logging.getLogger(__name__).error("cannot write run log %s: %s", path, exc)
            return None
        handler.path = path
        handler.setLevel(settings.log_level)
        handler.setFormatter(JsonLinesFormatter() if settings.log_json
                             else MaskingFormatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
        handler.addFilter(_ThisRun(spider))
        logging.getLogger().addHandler(handler)
        return handler

    def handleError(self, record: logging.LogRecord) -> None:
        # Disk full mid-run: stop writing this file, keep crawling (and say so once, on stderr).
        if not getattr(self, "_failed", False):
            self._failed = True
            logging.getLogger().removeHandler(self)
            import sys

            # stderr may sit on the same full disk; an error raised here would surface in whatever
            # was logging (a download, a pipeline) and fail that page instead.
            with contextlib.suppress(OSError):
                print(f"newsdesk: run log {getattr(self, 'path', '?')} is no longer writable; "
                      "the crawl continues without it", file=sys.stderr)

    def close_run(self) -> None:
        logging.getLogger().removeHandler(self)
        self.close()

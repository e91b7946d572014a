"""Log formatting with secrets masked, and logging for long-running commands (the scheduler, workers):
stderr and a daily file."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from logging.handlers import TimedRotatingFileHandler

from core.masking import mask_secrets
from core.settings import get_settings

FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_secrets(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = mask_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(name: str) -> None:
    """Log to stderr and to data/logs/<name>.log (rotated daily, kept NEWSDESK_LOG_RETENTION_DAYS)."""
    settings = get_settings()
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    formatter = JsonLinesFormatter() if settings.log_json else MaskingFormatter(FORMAT)
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(formatter)
    root.addHandler(stream)
    try:
        settings.log_path.mkdir(parents=True, exist_ok=True)
        file_handler = TimedRotatingFileHandler(settings.log_path / f"{name}.log", when="midnight", utc=True,
                                                backupCount=settings.log_retention_days or 0, encoding="utf-8")
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    except OSError as exc:
        root.warning("cannot write %s log under %s: %s", name, settings.log_path, exc)
    logging.getLogger("apscheduler").setLevel(max(logging.INFO, root.level))

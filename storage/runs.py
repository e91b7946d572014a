"""Repository functions for crawl runs: one row per source per run, whatever triggered it."""

from __future__ import annotations

import os
import socket
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, Source
from storage.types import utcnow

FINISHED_STATUSES = ("succeeded", "failed", "interrupted", "timeout")


def start_run(session: Session, *, source_id: int, spider: str, trigger: str,
              log_path: str | None = None, host: str | None = None, pid: int | None = None) -> CrawlRun:
    now = utcnow()
    run = CrawlRun(
        source_id=source_id, spider=spider, trigger=trigger, status="running", started_at=now,
        heartbeat_at=now, stats={}, host=host or socket.gethostname(), pid=pid or os.getpid(),
        log_path=log_path,
    )
    session.add(run)
    session.flush()
    return run


def heartbeat(session: Session, run_id: int, stats: dict | None = None) -> None:
    run = session.get(CrawlRun, run_id)
    if run is None or run.status != "running":
        return
    run.heartbeat_at = utcnow()
    if stats is not None:
        run.stats = stats
    session.flush()


def finish_run(session: Session, run_id: int, status: str, *, stats: dict | None = None,
               error: str | None = None, finished_at: datetime | None = None) -> CrawlRun:
    if status not in FINISHED_STATUSES:
        raise ValueError(f"not a final run status: {status!r}")
    run = session.get(CrawlRun, run_id)
    run.status = status
    run.finished_at = finished_at or utcnow()
    if stats is not None:
        run.stats = stats
    if error:
        run.error = error
    session.flush()
    return run


def recent_runs(session: Session, *, source_key: str | None = None, status: str | None = None,
                limit: int = 20) -> list[CrawlRun]:
    query = select(CrawlRun).join(Source).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    if source_key:
        query = query.where(Source.key == source_key)
    if status:
        query = query.where(CrawlRun.status == status)
    return list(session.scalars(query))

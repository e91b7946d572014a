"""Repository functions for crawl runs: one row per source per run, whatever triggered it."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

import psutil
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.dates import utcnow
from core.errors import UserError
from storage.models import CrawlRun, Source

FINISHED_STATUSES = ("succeeded", "failed", "interrupted", "timeout")
DEFAULT_STALE_AFTER = timedelta(minutes=5)


class SourceLocked(UserError):
    """Another run of the source is going: the second one is refused, in one line."""

    def __init__(self, run: CrawlRun, key: str):
        super().__init__(
            f"source {key} is already being crawled by run {run.id} ({run.trigger}, pid {run.pid} on {run.host}, "
            f"started {run.started_at:%Y-%m-%d %H:%M:%S} UTC); wait for it or see `newsdesk runs show {run.id}`"
        )
        self.run_id = run.id


def holder_is_alive(run: CrawlRun, *, stale_after: timedelta = DEFAULT_STALE_AFTER) -> bool:
    """Whether the process holding a running run is still there.

    On this host we can ask the OS: the pid must exist and be older than the run (a new process
    that inherited a recycled pid is not the holder). Elsewhere only the heartbeat tells.
    """
    if run.heartbeat_at is not None and utcnow() - run.heartbeat_at > stale_after:
        return False
    if run.host != socket.gethostname():
        return True
    try:
        process = psutil.Process(run.pid)
        return process.create_time() <= run.started_at.timestamp() + 1 and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def running_run(session: Session, source_id: int) -> CrawlRun | None:
    return session.scalar(select(CrawlRun).where(CrawlRun.source_id == source_id, CrawlRun.status == "running"))


def check_not_locked(session: Session, source_id: int, key: str, *,
                     stale_after: timedelta = DEFAULT_STALE_AFTER) -> None:
    """Raise SourceLocked if a live run of the source is going; a dead holder's run is closed."""
    current = running_run(session, source_id)
    if current is None:
        return
    if holder_is_alive(current, stale_after=stale_after):
        raise SourceLocked(current, key)
    current.status = "interrupted"
    current.finished_at = utcnow()
    current.error = (f"its process (pid {current.pid} on {current.host}) died or stopped answering; "
                     "taken over by a new run")
    session.flush()


def start_run(session: Session, *, source_id: int, spider: str, trigger: str,
              log_path: str | None = None, host: str | None = None, pid: int | None = None,
              stale_after: timedelta = DEFAULT_STALE_AFTER) -> CrawlRun:
    """Open a run, taking the source's lock (refused with SourceLocked while another run lives)."""
    check_not_locked(session, source_id, spider, stale_after=stale_after)
    now = utcnow()
    run = CrawlRun(
        source_id=source_id, spider=spider, trigger=trigger, status="running", started_at=now,
        heartbeat_at=now, stats={}, host=host or socket.gethostname(), pid=pid or os.getpid(),
        log_path=log_path,
    )
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        # Another process opened a run between our check and our insert: the index refused ours.
        session.expunge(run) if run in session else None
        current = running_run(session, source_id)
        if current is None:
            raise
        raise SourceLocked(current, spider) from None
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

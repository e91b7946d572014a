"""GET /sources (each with its latest run) and GET /runs (v_crawl_runs, newest first)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import Connection, text

from newsdesk.api import cursors
from newsdesk.api.articles import SourceKey
from newsdesk.api.errors import ERROR_RESPONSES
from newsdesk.api.rows import record
from newsdesk.api.schemas import RunPage, Source
from storage.models import RUN_STATUSES

router = APIRouter(tags=["operations"])

RUN_COLUMNS = ["run_id", "source_key", "trigger", "status", "started_at", "finished_at", "duration_seconds",
               "pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "articles_duplicate",
               "articles_alias", "pages_dropped", "errors", "error", "host", "pid", "log_path"]
SOURCE_COLUMNS = ["key", "name", "homepage", "country", "language", "discovery", "enabled"]
RunStatus = Literal[RUN_STATUSES]  # type: ignore[valid-type]


def latest_runs(connection: Connection) -> dict[str, dict]:
    """The most recent run of every source that has one, by source key."""
    rows = connection.execute(text(
        f"SELECT {', '.join(RUN_COLUMNS)} FROM v_crawl_runs "
        "WHERE run_id IN (SELECT MAX(id) FROM crawl_runs GROUP BY source_id)"))
    return {run["source_key"]: run for run in (record(RUN_COLUMNS, row) for row in rows)}


def health_by_source(connection: Connection) -> dict[str, dict]:
    """Each source's health as `newsdesk health` tells it: its last verdict, and runs missed per its
    schedule (the schedule needs the sources file: without a readable one, verdicts only)."""
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from core.dates import utcnow
    from core.errors import UserError
    from core.settings import get_settings
    from crawlers.runs.overview import source_health
    from crawlers.sources import load_sources, sources_file

    settings = get_settings()
    try:
        specs = load_sources(sources_file())
    except UserError:
        specs = []
    grace = timedelta(seconds=settings.schedule_jitter_seconds, minutes=settings.misfire_grace_minutes)
    with Session(bind=connection) as session:
        rows = source_health(session, specs, now=utcnow(), nightly_cron=settings.nightly_cron,
                             timezone=settings.timezone, grace=grace)
    return {row.source: {"status": row.status, "findings": row.findings, "judged_run": row.judged_run}
            for row in rows}


def all_sources(connection: Connection) -> list[dict]:
    last = latest_runs(connection)
    health = health_by_source(connection)
    rows = connection.execute(text(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY key"))
    sources = []
    for row in rows:
        source = record(SOURCE_COLUMNS, row)
        source["last_run"] = last.get(source["key"])
        source["health"] = health.get(source["key"])
        sources.append(source)
    return sources


def recent_runs(connection: Connection, *, source=None, status=None, before: int | None = None,
                limit: int = 100) -> list[dict]:
    filters, params = [], {"limit": limit}
    if source:
        filters.append("source_key = :source")
        params["source"] = source
    if status:
        filters.append("status = :status")
        params["status"] = status
    if before is not None:
        filters.append("run_id < :before")
        params["before"] = before
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    rows = connection.execute(text(
        f"SELECT {', '.join(RUN_COLUMNS)} FROM v_crawl_runs{where} ORDER BY run_id DESC LIMIT :limit"), params)
    return [record(RUN_COLUMNS, row) for row in rows]


@router.get("/sources", response_model=list[Source], responses=ERROR_RESPONSES,
            summary="Every source with its latest run")
def list_sources(request: Request):
    """Every source (enabled or not), by key, with its most recent crawl run."""
    with request.app.state.engine.connect() as connection:
        return all_sources(connection)


@router.get("/runs", response_model=RunPage, responses=ERROR_RESPONSES, summary="Crawl runs, newest first")
def list_runs(
    request: Request,
    source: SourceKey | None = Query(None, description="Only runs of this source."),
    status: RunStatus | None = Query(None, description="Only runs with this status."),
    limit: int = Query(100, ge=1, le=1000),
    cursor: str | None = Query(None, max_length=cursors.MAX_CURSOR_CHARS, description="The `next` of the previous page."),
):
    """Crawl runs (v_crawl_runs), newest first, with their main counters."""
    before = cursors.decode(cursor, "runs", {"id": int})["id"] if cursor is not None else None
    with request.app.state.engine.connect() as connection:
        runs = recent_runs(connection, source=source, status=status, before=before, limit=limit + 1)
    more = len(runs) > limit
    runs = runs[:limit]
    return {"items": runs, "next": cursors.encode("runs", id=runs[-1]["run_id"]) if more else None}

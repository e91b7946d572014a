"""Run records and the articles they stored, written straight into a database: a source's history of
nights for the health tests, without crawling each night."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, Source

START = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def add_source(session: Session, key: str = "wire", *, created_at: datetime | None = None) -> int:
    source = Source(key=key, name=key.title(), discovery="feeds", created_at=created_at or START)
    session.add(source)
    session.flush()
    return source.id


def night_stats(*, pages: int = 8, new: int = 8, statuses: dict[int, int] | None = None, dropped: dict[str, int] | None = None,
                robots_refused: int = 0, exceptions: int = 0, feed_not_xml: int = 0,
                retries: dict[str, int] | None = None) -> dict:
    """Stats as a crawl of one night leaves them: robots.txt + one feed + the article pages.
    ``statuses`` counts every response, retries included; ``retries`` is {reason: retries}."""
    statuses = statuses if statuses is not None else {200: pages + 2}
    stats = {
        "downloader/request_count": sum(statuses.values()) + exceptions,
        "downloader/response_count": sum(statuses.values()),
        "newsdesk/pages_fetched": pages,
        "newsdesk/articles_new": new,
        "newsdesk/candidates": pages,
        "finish_reason": "finished",
    }
    stats.update({f"downloader/response_status_count/{code}": count for code, count in statuses.items()})
    stats.update({f"newsdesk/dropped/{reason}": count for reason, count in (dropped or {}).items()})
    if retries:
        stats["retry/count"] = sum(retries.values())
        stats.update({f"retry/reason_count/{reason}": count for reason, count in retries.items()})
    if robots_refused:
        stats["newsdesk/skipped/robots_disallowed"] = robots_refused
    if exceptions:
        stats["downloader/exception_count"] = exceptions
    if feed_not_xml:
        stats["newsdesk/errors/feed_not_xml"] = feed_not_xml
    return stats


def add_run(session: Session, source_id: int, night: int, *, stats: dict, status: str = "succeeded",
            articles: int = 8, dated: int | None = None, with_authors: int | None = None, words: int = 600,
            error: str | None = None, start: datetime = START) -> int:
    """One finished run on night ``night`` (a day apart from START) and the articles it stored."""
    started = start + timedelta(days=night)
    run = CrawlRun(source_id=source_id, spider=f"s{source_id}", trigger="scheduled", status=status,
                   started_at=started, finished_at=started + timedelta(minutes=3), heartbeat_at=started,
                   stats=stats, error=error, host="test", pid=1)
    session.add(run)
    session.flush()
    dated = articles if dated is None else dated
    with_authors = articles if with_authors is None else with_authors
    rows = []
    for n in range(articles):
        url = f"https://s{source_id}.example/{night}/{n}"
        rows.append({
            "source_id": source_id, "canonical_url": url, "title": f"Story {night}-{n}",
            "authors": ["A. Reporter"] if n < with_authors else [],
            "published_at": started - timedelta(hours=1) if n < dated else None,
            "text": "word " * words, "word_count": words,
            "content_hash": hashlib.sha256(url.encode()).hexdigest(),
            "first_seen_at": started, "last_seen_at": started, "created_by_run_id": run.id,
        })
    if rows:
        session.execute(insert(Article), rows)
    return run.id


def add_normal_nights(session: Session, source_id: int, nights: int, *, first: int = 0, start: datetime = START) -> list[int]:
    """Nights of ordinary variation: 7 to 9 new articles, everything fetched and stored."""
    ids = []
    for night in range(first, first + nights):
        new = 7 + night % 3
        ids.append(add_run(session, source_id, night, stats=night_stats(pages=new, new=new), articles=new,
                           words=560 + 20 * (night % 4), start=start))
    return ids

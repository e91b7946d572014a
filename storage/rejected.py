"""Repository functions for URLs that were fetched but did not become articles.

A listing page, a page published before the age limit or a PDF will be the same tomorrow:
remembering the verdict keeps the next night's crawl from fetching it again (politeness, and the
run's numbers stay about news). Each reason has its own memory: a too-old page never gets
younger; a page too short today may carry the full story tomorrow.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import utcnow
from storage.db import insert_missing
from storage.models import RejectedUrl

RECHECK_AFTER = {
    "too_old": None,  # never
    "not_article": timedelta(days=30),
    "non_html": timedelta(days=30),
    "undecodable": timedelta(days=7),
    "too_short": timedelta(days=1),
    "empty": timedelta(days=1),
    "no_text": timedelta(days=1),
}


def remember(session: Session, verdicts: dict[str, tuple[int | None, str]], now: datetime | None = None) -> None:
    """Record {canonical url: (source id, reason)}; URLs seen before get their count and time bumped."""
    now = now or utcnow()
    existing = {row.url: row for row in session.scalars(select(RejectedUrl).where(RejectedUrl.url.in_(list(verdicts))))}
    # New ones whatever another worker records at the same moment (its row wins; nothing fails).
    insert_missing(session, RejectedUrl, [
        {"url": url, "source_id": source_id, "reason": reason, "first_seen_at": now, "last_checked_at": now, "times": 1}
        for url, (source_id, reason) in verdicts.items() if url not in existing], key="url")
    for url, row in existing.items():
        row.reason, row.last_checked_at, row.times = verdicts[url][1], now, row.times + 1
    session.flush()


def still_rejected(session: Session, urls: list[str], now: datetime | None = None) -> dict[str, str]:
    """{url: reason} for the URLs whose verdict still holds."""
    now = now or utcnow()
    if not urls:
        return {}
    found = {}
    for row in session.scalars(select(RejectedUrl).where(RejectedUrl.url.in_(urls))):
        window = RECHECK_AFTER.get(row.reason, timedelta(days=1))
        if window is None or now - row.last_checked_at < window:
            found[row.url] = row.reason
    return found

"""Conditional GET for feeds: ETag / Last-Modified remembered between runs.

Validators are saved only when a run finishes normally: if a run dies after a feed answered 200
but before its articles were fetched, the next run must get the feed again, not a 304.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core import sanitise
from core.dates import utcnow
from storage.db import insert_missing
from storage.models import FeedValidator


class FeedValidators:
    def __init__(self, sessions: sessionmaker[Session], readers: sessionmaker[Session] | None = None):
        self.sessions = sessions
        self.readers = readers or sessions
        self.pending: dict[str, tuple[str | None, str | None]] = {}

    def conditional_headers(self, url: str) -> dict[str, str]:
        with self.readers() as session:
            row = session.scalar(select(FeedValidator).where(FeedValidator.url == url))
        headers = {}
        if row is not None and row.etag:
            headers["If-None-Match"] = row.etag
        if row is not None and row.last_modified:
            headers["If-Modified-Since"] = row.last_modified
        return headers

    def remember(self, response) -> None:
        etag = _validator(response.headers.get(b"ETag"), sanitise.ETAG_MAX)
        last_modified = _validator(response.headers.get(b"Last-Modified"), sanitise.LAST_MODIFIED_MAX)
        if etag or last_modified:
            url = response.request.url if response.request else response.url
            self.pending[url] = (etag, last_modified)

    def save(self) -> int:
        if not self.pending:
            return 0
        with self.sessions.begin() as session:
            # Rows first (a feed fetched by two distributed workers, after a re-seed, is saved by both), then values.
            insert_missing(session, FeedValidator, [{"url": url, "updated_at": utcnow()} for url in self.pending], key="url")
            rows = session.scalars(select(FeedValidator).where(FeedValidator.url.in_(list(self.pending))))
            for row in rows:
                row.etag, row.last_modified = self.pending[row.url]
                row.updated_at = utcnow()
        saved = len(self.pending)
        self.pending.clear()
        return saved


def _validator(raw: bytes | None, max_chars: int) -> str | None:
    """A validator worth sending back: one with a control character (a NUL lost every feed's
    validators at the run's end, issue 23) or longer than its column is no validator at all."""
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if not value or sanitise.header_value(value, max_chars) != value:
        return None
    return value

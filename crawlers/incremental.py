"""Incremental crawling: an article already stored is not fetched again, unless it may have changed.

A stored article is fetched again when its feed or sitemap says it was updated after we last saw
it, or while it is young (NEWSDESK_RECHECK_WINDOW_DAYS) and we have not looked for a while
(NEWSDESK_RECHECK_AFTER_HOURS): fresh news gets corrected; a week-old story rarely does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.dates import utcnow
from core.urls import canonical_url
from crawlers.feeds import Candidate
from storage.models import Article, ArticleUrl
from storage.rejected import still_rejected

LOOKUP_BATCH = 500


@dataclass(frozen=True)
class StoredArticle:
    last_seen_at: datetime
    first_seen_at: datetime
    published_at: datetime | None


class KnownUrls:
    def __init__(self, sessions: sessionmaker[Session], *, recheck_after: timedelta, recheck_window: timedelta):
        self.sessions = sessions
        self.recheck_after = recheck_after
        self.recheck_window = recheck_window

    def lookup(self, urls: Iterable[str]) -> dict[str, StoredArticle]:
        """Stored articles by canonical URL, for the URLs (in canonical form) that are known."""
        keys = sorted(set(urls))
        found: dict[str, StoredArticle] = {}
        with self.sessions() as session:
            for start in range(0, len(keys), LOOKUP_BATCH):
                batch = keys[start:start + LOOKUP_BATCH]
                columns = (Article.last_seen_at, Article.first_seen_at, Article.published_at)
                rows = session.execute(
                    select(ArticleUrl.url, *columns).join(Article, Article.id == ArticleUrl.article_id)
                    .where(ArticleUrl.url.in_(batch))
                ).all()
                rows += session.execute(
                    select(Article.canonical_url, *columns).where(Article.canonical_url.in_(batch))
                ).all()
                for url, last_seen, first_seen, published in rows:
                    found[url] = StoredArticle(last_seen, first_seen, published)
        return found

    def needs_fetch(self, candidate: Candidate, stored: StoredArticle, now: datetime) -> bool:
        if candidate.updated is not None and candidate.updated > stored.last_seen_at:
            return True  # the feed or sitemap says it changed since we last saw it
        born = stored.published_at or stored.first_seen_at
        young = now - born < self.recheck_window
        return young and now - stored.last_seen_at >= self.recheck_after

    def split(self, candidates: list[Candidate], now: datetime | None = None, *,
              keys: list[str] | None = None) -> tuple[list[Candidate], list[Candidate], list[Candidate]]:
        """(to fetch, known and unchanged, rejected before and still not worth fetching).

        keys: the candidates' canonical URLs, when the caller has them already."""
        now = now or utcnow()
        keys = keys if keys is not None else [canonical_url(c.url) for c in candidates]
        stored = self.lookup(keys)
        with self.sessions() as session:
            rejected_before = still_rejected(session, [k for k in keys if k not in stored], now)
        fetch, known, rejected = [], [], []
        for key, candidate in zip(keys, candidates, strict=True):
            article = stored.get(key)
            if key in rejected_before:
                rejected.append(candidate)
            elif article is None or self.needs_fetch(candidate, article, now):
                fetch.append(candidate)
            else:
                known.append(candidate)
        return fetch, known, rejected

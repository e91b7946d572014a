"""Re-extraction of stored raw pages after the cleaner improves, without re-crawling.

Each article's newest raw page goes through exactly the crawl's extraction; a changed title or
body is stored as a revision (the old version kept), exactly as a re-crawl would store it.
Pages the improved cleaner would now refuse leave their article untouched: reprocessing never
deletes what downstream readers may already use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipelines.article_writer import ArticleWriter
from pipelines.extraction import extract_page
from pipelines.rejections import Rejected
from storage.articles import read_raw_page
from storage.models import Article, RawPage, Source
from storage.records import ArticleData

BATCH = 200


@dataclass(frozen=True)
class StoredPage:
    article_id: int
    raw_id: int


def _newest_pages(session: Session, source_key: str | None, since: datetime | None):
    newest = (
        select(RawPage.article_id, func.max(RawPage.id).label("raw_id"))
        .group_by(RawPage.article_id)
        .subquery()
    )
    query = select(newest.c.article_id, newest.c.raw_id).join(Article, Article.id == newest.c.article_id)
    if source_key:
        query = query.join(Source, Source.id == Article.source_id).where(Source.key == source_key)
    if since:
        query = query.where(Article.last_seen_at >= since)
    return query.order_by(newest.c.article_id)


def count_pages(sessions: sessionmaker[Session], source_key: str | None, since: datetime | None) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(_newest_pages(session, source_key, since).subquery()))


def _pages(sessions: sessionmaker[Session], source_key: str | None, since: datetime | None) -> Iterator[StoredPage]:
    """Page references in batches (ids only: bodies are loaded one at a time, memory stays flat)."""
    last = 0
    while True:
        with sessions() as session:
            rows = session.execute(
                _newest_pages(session, source_key, since).where(Article.id > last).limit(BATCH)
            ).all()
        if not rows:
            return
        for row in rows:
            yield StoredPage(row.article_id, row.raw_id)
        last = rows[-1].article_id


def reprocess(sessions: sessionmaker[Session], writer: ArticleWriter, *, source_key: str | None = None,
              since: datetime | None = None, min_text_chars: int = 1,
              advance: Callable[[], None] = lambda: None) -> Counter:
    outcomes: Counter = Counter()
    for page in _pages(sessions, source_key, since):
        with sessions.begin() as session:
            raw = session.get(RawPage, page.raw_id)
            article = session.get(Article, page.article_id)
            try:
                extracted = extract_page(read_raw_page(raw), url=raw.url, content_type=raw.headers.get("content-type"),
                                         hints=raw.context, min_text_chars=min_text_chars)
            except Rejected as rejected:
                outcomes[f"now_rejected_{rejected.reason}"] += 1
                advance()
                continue
            data = ArticleData(
                canonical_url=article.canonical_url, fetched_url=raw.url, title=extracted.title,
                text=extracted.text, authors=extracted.authors, published_at=extracted.published_at,
                updated_at=extracted.updated_at, language=extracted.language, section=extracted.section,
                dateline=extracted.dateline, description=extracted.description, image_url=extracted.image_url,
            )
            write = writer.revise(session, article.id, data)
            outcomes[write.outcome] += 1
        advance()
    return outcomes

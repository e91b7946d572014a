"""Dedup pass 4, revisions: a stored article fetched again.

Changed title or body: the old version goes to `article_revisions` and the article is updated.
Unchanged: only `last_seen_at` moves (no new row for a mere re-download).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.records import ArticleData
from storage import articles as repo
from storage.models import Article


class RevisionPass:
    name = "revision"

    def __init__(self, stats):
        self.stats = stats

    def apply(self, session: Session, article_id: int, data: ArticleData, *, run_id: int | None) -> repo.ArticleWrite:
        article = session.get(Article, article_id, with_for_update=True)
        write = repo.revise_article(session, article, data, run_id=run_id)
        self.stats.inc_value(f"newsdesk/revisions/{write.outcome}")
        return write

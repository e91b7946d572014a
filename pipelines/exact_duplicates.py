"""Dedup pass 2, exact copies: the same normalised body (content hash) stored before.

Same source, other URL: an alias of the stored article. Another source: a syndicated copy
(similarity 1.0), stored and joined to the stored article's story.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.dedup_types import ALIAS, COPY, Match
from storage.models import Article


class ExactDuplicatePass:
    name = "exact"

    def __init__(self, stats):
        self.stats = stats

    def find(self, session: Session, content_hash: str, source_id: int) -> Match | None:
        rows = session.execute(
            select(Article.id, Article.source_id, Article.story_id)
            .where(Article.content_hash == content_hash)
            .order_by(Article.first_seen_at, Article.id)
        ).all()
        if not rows:
            return None
        same_source = next((row for row in rows if row.source_id == source_id), None)
        if same_source is not None:
            self.stats.inc_value("newsdesk/dedup/exact_alias")
            return Match(ALIAS, same_source.id, same_source.story_id, 1.0, self.name)
        self.stats.inc_value("newsdesk/dedup/exact_copy")
        return Match(COPY, rows[0].id, rows[0].story_id, 1.0, self.name)

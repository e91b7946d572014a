"""Dedup pass 2, exact copies: the same normalised body (content hash) stored before.

Same source, other URL: an alias of the stored article. Another source: a syndicated copy
(similarity 1.0), stored and joined to the stored article's story.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from pipelines.dedup.matches import ALIAS, COPY, Match
from storage.models import Article

_ARTICLES = Article.__table__
# Built once, on the table: run for every new article (see storage/articles.py's _FIND_BY_URLS).
_BY_CONTENT_HASH = (
    select(_ARTICLES.c.id, _ARTICLES.c.source_id, _ARTICLES.c.story_id)
    .where(_ARTICLES.c.content_hash == bindparam("content_hash"))
    .order_by(_ARTICLES.c.first_seen_at, _ARTICLES.c.id)
)


class ExactDuplicatePass:
    name = "exact"

    def __init__(self, stats):
        self.stats = stats

    def find(self, session: Session, content_hash: str, source_id: int) -> Match | None:
        rows = session.execute(_BY_CONTENT_HASH, {"content_hash": content_hash}).all()
        if not rows:
            return None
        same_source = next((row for row in rows if row.source_id == source_id), None)
        if same_source is not None:
            self.stats.inc_value("newsdesk/dedup/exact_alias")
            return Match(ALIAS, same_source.id, same_source.story_id, 1.0, self.name)
        self.stats.inc_value("newsdesk/dedup/exact_copy")
        return Match(COPY, rows[0].id, rows[0].story_id, 1.0, self.name)

"""Full-text search over titles and bodies: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

The user's words are searched as words (all of them, in any order); quotes keep a phrase together.
Nothing the user types is passed to the engine as query syntax, so `NEAR(`, `-` or `:*` in a
search can neither fail nor change the meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import UserError
from storage.tags import tag_filters
from storage.types import UTCDateTime

_TERMS = re.compile(r'"([^"]+)"|(\w+)', re.UNICODE)
# A query is a few words. PostgreSQL parses a tsquery recursively: 20,000 words failed with "stack
# depth limit exceeded" and a traceback (issue 23).
MAX_SEARCH_WORDS = 64


@dataclass(frozen=True)
class Hit:
    article_id: int
    story_id: int | None
    source_key: str
    title: str
    url: str
    published_at: datetime | None
    snippet: str
    rank: float
    story_members: int = 1


def terms(query: str) -> list[str]:
    """Words and quoted phrases of a query ("SCO summit" -> [SCO, summit])."""
    return [phrase or word for phrase, word in _TERMS.findall(query)]


def _fts5_query(query: str) -> str:
    quoted = []
    for term in terms(query):
        words = re.findall(r"\w+", term)
        if words:
            quoted.append('"' + " ".join(words) + '"')  # a phrase of bare words: no operators survive
    return " ".join(quoted)


def _to_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return UTCDateTime().process_result_value(datetime.fromisoformat(value), None)


def search(session: Session, query: str, *, since: datetime | None = None, source_key: str | None = None,
           limit: int = 20, stories: bool = False, countries: list[str] | None = None,
           organisations: list[str] | None = None) -> list[Hit]:
    """Ranked articles matching every word of ``query`` (best first); with ``stories``, the best
    article of each story only, with the story's member count. ``countries`` / ``organisations``:
    only articles that name one of them (storage/tags.py)."""
    words = sum(len(re.findall(r"\w+", term)) for term in terms(query))
    if words > MAX_SEARCH_WORDS:
        raise UserError(f"a search of {words} words: at most {MAX_SEARCH_WORDS} are searched; use fewer, rarer words")
    dialect = session.get_bind().dialect.name
    filters, params = [], {"limit": limit}
    if since is not None:
        filters.append("a.published_at >= :since")
        params["since"] = since  # (SQLite: written as stored, storage/db.py)
    if source_key:
        filters.append("s.key = :source")
        params["source"] = source_key
    filters += tag_filters("a.id", params, countries=countries, organisations=organisations)
    where = "".join(f" AND {f}" for f in filters)
    if dialect == "sqlite":
        params["match"] = _fts5_query(query)
        if not params["match"]:
            return []
        # bm25: lower is better; the title column weighs 4 times the body.
        matched = f"""
            SELECT a.id, a.story_id, s.key AS source_key, a.title, a.canonical_url AS url, a.published_at,
                   snippet(articles_fts, 1, '[', ']', ' … ', 16) AS snippet,
                   -bm25(articles_fts, 4.0, 1.0) AS rank
            FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid JOIN sources s ON s.id = a.source_id
            WHERE articles_fts MATCH :match{where}"""
    else:
        params["query"] = " ".join(f'"{t}"' if " " in t else t for t in terms(query))
        if not params["query"]:
            return []
        matched = f"""
            SELECT a.id, a.story_id, s.key AS source_key, a.title, a.canonical_url AS url, a.published_at,
                   ts_headline('simple', a.text, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8') AS snippet,
                   ts_rank_cd(f.document, q) AS rank
            FROM articles_fts f JOIN articles a ON a.id = f.article_id JOIN sources s ON s.id = a.source_id,
                 websearch_to_tsquery('simple', :query) q
            WHERE f.document @@ q{where}"""
    if stories:
        sql = f"""
            SELECT ranked.*, COALESCE(st.member_count, 1) AS members FROM (
                SELECT m.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(m.story_id, -m.id) ORDER BY m.rank DESC) AS pick
                FROM ({matched}) m) ranked
            LEFT JOIN stories st ON st.id = ranked.story_id
            WHERE pick = 1 ORDER BY rank DESC LIMIT :limit"""
    else:
        sql = f"SELECT m.*, 1 AS members FROM ({matched}) m ORDER BY rank DESC LIMIT :limit"
    rows = session.execute(text(sql), params).mappings().all()
    return [
        Hit(row["id"], row["story_id"], row["source_key"], row["title"], row["url"],
            _to_datetime(row["published_at"]), row["snippet"] or "", float(row["rank"]), int(row["members"]))
        for row in rows
    ]

"""reader views (v_articles, v_stories, v_crawl_runs) and full-text search over title and body

The views are the contract with downstream readers: same columns and meaning on SQLite and
PostgreSQL, documented in docs/schema.md. A later migration may add columns to them; it must
never drop or rename one (tests/test_views.py): an incompatible change creates a versioned view
beside the old one (v_articles_v2).

Search: FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL; both named
articles_fts and kept in sync with articles by triggers, so every writer (crawl, reprocess,
a downstream fix-up script) keeps the index right.

Revision ID: 20261128_06
Revises: 20261128_05
Create Date: 2026-11-28 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261128_06"
down_revision: str | Sequence[str] | None = "20261128_05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

V_ARTICLES = """
CREATE VIEW v_articles AS
SELECT a.id, s.key AS source_key, s.name AS source_name, a.canonical_url AS url, a.title, a.authors,
       a.published_at, a.updated_at, a.language, a.section, a.dateline, a.text, a.word_count,
       a.story_id, a.duplicate_of, (a.duplicate_of IS NULL) AS is_canonical,
       a.first_seen_at, a.last_seen_at
FROM articles a JOIN sources s ON s.id = a.source_id
"""

V_STORIES = """
CREATE VIEW v_stories AS
SELECT st.id AS story_id, st.canonical_article_id, st.title, st.first_published_at, st.last_published_at,
       st.member_count, st.source_count, st.sources
FROM stories st
"""

# Run stats are JSON; the view lifts the numbers readers ask for into columns.
STAT_COLUMNS = {
    "pages_fetched": "newsdesk/pages_fetched",
    "articles_new": "newsdesk/articles_new",
    "articles_updated": "newsdesk/articles_updated",
    "articles_unchanged": "newsdesk/articles_unchanged",
    "articles_duplicate": "newsdesk/articles_duplicate",
    "articles_alias": "newsdesk/articles_alias",
}


def _crawl_runs_view(dialect: str) -> str:
    if dialect == "sqlite":
        stat = "COALESCE(CAST(json_extract(r.stats, '$.\"{key}\"') AS INTEGER), 0)"
        total = ("COALESCE((SELECT SUM(CAST(value AS INTEGER)) FROM json_each(r.stats) "
                 "WHERE key LIKE '{prefix}%'), 0)")
        duration = "CAST(ROUND((julianday(r.finished_at) - julianday(r.started_at)) * 86400) AS INTEGER)"
    else:
        stat = "COALESCE((r.stats ->> '{key}')::integer, 0)"
        total = ("COALESCE((SELECT SUM(value::numeric)::integer FROM jsonb_each_text(r.stats) "
                 "WHERE key LIKE '{prefix}%'), 0)")
        duration = "CAST(ROUND(EXTRACT(EPOCH FROM (r.finished_at - r.started_at))) AS INTEGER)"
    stats = ",\n       ".join(f"{stat.format(key=key)} AS {name}" for name, key in STAT_COLUMNS.items())
    return f"""
CREATE VIEW v_crawl_runs AS
SELECT r.id AS run_id, s.key AS source_key, r.trigger, r.status, r.started_at, r.finished_at,
       {duration} AS duration_seconds,
       {stats},
       {total.format(prefix='newsdesk/dropped/')} AS pages_dropped,
       {total.format(prefix='newsdesk/errors/')} AS errors,
       r.error, r.host, r.pid, r.log_path
FROM crawl_runs r JOIN sources s ON s.id = r.source_id
"""


SQLITE_FTS = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]

# 'simple': no stemming, no stop words. Articles come in many languages; a language-neutral
# configuration finds the words that are there in every one of them.
POSTGRES_FTS = [
    """CREATE TABLE articles_fts (
        article_id integer PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    "CREATE INDEX ix_articles_fts_document ON articles_fts USING gin (document)",
    """CREATE FUNCTION articles_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO articles_fts (article_id, document)
        VALUES (NEW.id, setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A')
                        || setweight(to_tsvector('simple', coalesce(NEW.text, '')), 'B'))
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER articles_fts_sync AFTER INSERT OR UPDATE OF title, text ON articles
        FOR EACH ROW EXECUTE FUNCTION articles_fts_sync()""",
    """INSERT INTO articles_fts (article_id, document)
        SELECT id, setweight(to_tsvector('simple', coalesce(title, '')), 'A')
                   || setweight(to_tsvector('simple', coalesce(text, '')), 'B') FROM articles""",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(V_ARTICLES)
    op.execute(V_STORIES)
    op.execute(_crawl_runs_view(dialect))
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS articles_fts_sync ON articles")
        op.execute("DROP FUNCTION IF EXISTS articles_fts_sync()")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for view in ("v_crawl_runs", "v_stories", "v_articles"):
        op.execute(f"DROP VIEW IF EXISTS {view}")

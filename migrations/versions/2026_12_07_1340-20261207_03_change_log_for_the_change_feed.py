"""change log for the change feed of `newsdesk serve` (GET /changes), filled by triggers

Every article insert or delete, every revision and every story created, changed or deleted writes
one change_log row, from a database trigger, inside the writing transaction: every writer is
covered (crawls, `newsdesk reprocess`, `newsdesk dedup --rebuild`, a downstream fix-up script),
and a change exists exactly when its transaction commits.

Why the cursor is not the serial alone: on PostgreSQL two writers take serials in the order they
write but commit in any order (writer A takes 7 and is still open when B takes 8 and commits); a
reader that saw 8 and stored "after 8" would never see 7. So each row also carries its writer's
transaction id (pg_current_xact_id(), a 64-bit xid8 stored as bigint), and the feed returns only
rows whose transaction id is below pg_snapshot_xmin(pg_current_snapshot()): every transaction
below that horizon has ended, and every transaction that starts writing later gets a higher id,
so the set of rows below the horizon never changes again. Read in (txid, id) order with the
cursor being that pair, each row is returned exactly once (newsdesk/api/changes.py).

SQLite serialises writers (one write transaction at a time, BEGIN IMMEDIATE), so an AUTOINCREMENT
id is handed out in commit order and is the cursor by itself; txid stays null there.

Existing articles, revisions and stories are written to the log once here, so a consumer that
starts from the beginning of the feed sees everything there is.

Revision ID: 20261207_03
Revises: 20261207_02
Create Date: 2026-12-07 13:32:20
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_03"
down_revision: str | Sequence[str] | None = "20261207_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "newsdesk_changes"  # NOTIFY channel: wakes long-polling readers at commit

# A story's row is rewritten on every refresh (updated_at); only a change readers can see counts.
STORY_FIGURES = ("canonical_article_id", "title", "first_published_at", "last_published_at",
                 "member_count", "source_count", "sources")

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION change_log_articles() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO change_log (txid, kind, article_id, story_id, changed_at)
            VALUES (pg_current_xact_id()::text::bigint, 'article_inserted', NEW.id, NEW.story_id, clock_timestamp());
        ELSE
            INSERT INTO change_log (txid, kind, article_id, story_id, changed_at)
            VALUES (pg_current_xact_id()::text::bigint, 'article_deleted', OLD.id, OLD.story_id, clock_timestamp());
        END IF;
        PERFORM pg_notify('{CHANNEL}', '');
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER change_log_articles AFTER INSERT OR DELETE ON articles
        FOR EACH ROW EXECUTE FUNCTION change_log_articles()""",
    f"""CREATE FUNCTION change_log_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO change_log (txid, kind, article_id, revision, changed_at)
        VALUES (pg_current_xact_id()::text::bigint, 'article_revised', NEW.article_id, NEW.revision, clock_timestamp());
        PERFORM pg_notify('{CHANNEL}', '');
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER change_log_revisions AFTER INSERT ON article_revisions
        FOR EACH ROW EXECUTE FUNCTION change_log_revisions()""",
    f"""CREATE FUNCTION change_log_stories() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO change_log (txid, kind, story_id, article_id, changed_at)
            VALUES (pg_current_xact_id()::text::bigint, 'story_created', NEW.id, NEW.canonical_article_id, clock_timestamp());
        ELSIF TG_OP = 'UPDATE' THEN
            INSERT INTO change_log (txid, kind, story_id, article_id, changed_at)
            VALUES (pg_current_xact_id()::text::bigint, 'story_updated', NEW.id, NEW.canonical_article_id, clock_timestamp());
        ELSE
            INSERT INTO change_log (txid, kind, story_id, article_id, changed_at)
            VALUES (pg_current_xact_id()::text::bigint, 'story_deleted', OLD.id, OLD.canonical_article_id, clock_timestamp());
        END IF;
        PERFORM pg_notify('{CHANNEL}', '');
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER change_log_stories_insert_delete AFTER INSERT OR DELETE ON stories
        FOR EACH ROW EXECUTE FUNCTION change_log_stories()""",
    f"""CREATE TRIGGER change_log_stories_update AFTER UPDATE ON stories FOR EACH ROW
        WHEN (({', '.join(f'OLD.{c}' for c in STORY_FIGURES)}) IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in STORY_FIGURES)}))
        EXECUTE FUNCTION change_log_stories()""",
]

# SQLAlchemy's own text format for SQLite timestamps (microseconds), so the column reads back as it does elsewhere.
_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
_STORY_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in STORY_FIGURES)

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER change_log_article_insert AFTER INSERT ON articles BEGIN
        INSERT INTO change_log (kind, article_id, story_id, changed_at) VALUES ('article_inserted', NEW.id, NEW.story_id, {_NOW});
    END""",
    f"""CREATE TRIGGER change_log_article_delete AFTER DELETE ON articles BEGIN
        INSERT INTO change_log (kind, article_id, story_id, changed_at) VALUES ('article_deleted', OLD.id, OLD.story_id, {_NOW});
    END""",
    f"""CREATE TRIGGER change_log_revision_insert AFTER INSERT ON article_revisions BEGIN
        INSERT INTO change_log (kind, article_id, revision, changed_at) VALUES ('article_revised', NEW.article_id, NEW.revision, {_NOW});
    END""",
    f"""CREATE TRIGGER change_log_story_insert AFTER INSERT ON stories BEGIN
        INSERT INTO change_log (kind, story_id, article_id, changed_at) VALUES ('story_created', NEW.id, NEW.canonical_article_id, {_NOW});
    END""",
    f"""CREATE TRIGGER change_log_story_update AFTER UPDATE ON stories WHEN {_STORY_CHANGED} BEGIN
        INSERT INTO change_log (kind, story_id, article_id, changed_at) VALUES ('story_updated', NEW.id, NEW.canonical_article_id, {_NOW});
    END""",
    f"""CREATE TRIGGER change_log_story_delete AFTER DELETE ON stories BEGIN
        INSERT INTO change_log (kind, story_id, article_id, changed_at) VALUES ('story_deleted', OLD.id, OLD.canonical_article_id, {_NOW});
    END""",
]


def _backfill(dialect: str) -> None:
    txid = "pg_current_xact_id()::text::bigint" if dialect == "postgresql" else "NULL"
    now = "clock_timestamp()" if dialect == "postgresql" else _NOW
    op.execute(f"""INSERT INTO change_log (txid, kind, article_id, story_id, changed_at)
        SELECT {txid}, 'article_inserted', id, story_id, {now} FROM articles ORDER BY id""")
    op.execute(f"""INSERT INTO change_log (txid, kind, article_id, revision, changed_at)
        SELECT {txid}, 'article_revised', article_id, revision, {now} FROM article_revisions ORDER BY id""")
    op.execute(f"""INSERT INTO change_log (txid, kind, story_id, article_id, changed_at)
        SELECT {txid}, 'story_created', id, canonical_article_id, {now} FROM stories ORDER BY id""")


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('txid', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('article_inserted', 'article_revised', 'article_deleted', 'story_created', 'story_updated', 'story_deleted')", name=op.f('ck_change_log_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_txid_id', ['txid', 'id'], unique=False)
    dialect = op.get_bind().dialect.name
    _backfill(dialect)
    for statement in POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_log_articles ON articles")
        op.execute("DROP TRIGGER IF EXISTS change_log_revisions ON article_revisions")
        op.execute("DROP TRIGGER IF EXISTS change_log_stories_insert_delete ON stories")
        op.execute("DROP TRIGGER IF EXISTS change_log_stories_update ON stories")
        for function in ("change_log_articles", "change_log_revisions", "change_log_stories"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for trigger in ("change_log_article_insert", "change_log_article_delete", "change_log_revision_insert",
                        "change_log_story_insert", "change_log_story_update", "change_log_story_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_txid_id')
    op.drop_table('change_log')

"""database identity for distributed runs; v_crawl_runs counts skips and retries apart

`database_identity` holds one random UUID, made here once. A distributed run's requests carry it
(crawlers/distributed/coordinator.py), and a `newsdesk worker` writing to another database refuses
them and puts them back, instead of crawling them into the wrong database or nowhere. A table, not
a hash of the URL: two URLs can name one database (a host name and its address, a pooler).

v_crawl_runs speaks the vocabulary of outcomes (core/outcomes.py): `errors` stays the failures,
each page once whatever its retries, and two columns are added at the end: `pages_skipped` (not
fetched, for a reason: robots.txt, known, denied ...) and `retries` (each retry once, counted apart
from failures: a page answering 500 four times is errors 1, retries 3). PostgreSQL replaces the
view in place (the reader role keeps its grant); SQLite recreates it.

Revision ID: 20261207_06
Revises: 20261207_07
Create Date: 2026-12-07 14:37:41
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_06"
down_revision: str | Sequence[str] | None = "20261207_07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns of v_crawl_runs lifted from the stats JSON, as revision 20261128_06 made them.
STAT_COLUMNS = {
    "pages_fetched": "newsdesk/pages_fetched",
    "articles_new": "newsdesk/articles_new",
    "articles_updated": "newsdesk/articles_updated",
    "articles_unchanged": "newsdesk/articles_unchanged",
    "articles_duplicate": "newsdesk/articles_duplicate",
    "articles_alias": "newsdesk/articles_alias",
}


def _crawl_runs_view(dialect: str, *, with_outcomes: bool) -> str:
    if dialect == "sqlite":
        stat = "COALESCE(CAST(json_extract(r.stats, '$.\"{key}\"') AS INTEGER), 0)"
        total = ("COALESCE((SELECT SUM(CAST(value AS INTEGER)) FROM json_each(r.stats) "
                 "WHERE key LIKE '{prefix}%'), 0)")
        duration = "CAST(ROUND((julianday(r.finished_at) - julianday(r.started_at)) * 86400) AS INTEGER)"
        create = "CREATE VIEW"
    else:
        stat = "COALESCE((r.stats ->> '{key}')::integer, 0)"
        total = ("COALESCE((SELECT SUM(value::numeric)::integer FROM jsonb_each_text(r.stats) "
                 "WHERE key LIKE '{prefix}%'), 0)")
        duration = "CAST(ROUND(EXTRACT(EPOCH FROM (r.finished_at - r.started_at))) AS INTEGER)"
        create = "CREATE OR REPLACE VIEW"
    stats = ",\n       ".join(f"{stat.format(key=key)} AS {name}" for name, key in STAT_COLUMNS.items())
    added = (f""",
       {total.format(prefix='newsdesk/skipped/')} AS pages_skipped,
       {stat.format(key='retry/count')} AS retries""" if with_outcomes else "")
    return f"""
{create} v_crawl_runs AS
SELECT r.id AS run_id, s.key AS source_key, r.trigger, r.status, r.started_at, r.finished_at,
       {duration} AS duration_seconds,
       {stats},
       {total.format(prefix='newsdesk/dropped/')} AS pages_dropped,
       {total.format(prefix='newsdesk/errors/')} AS errors,
       r.error, r.host, r.pid, r.log_path{added}
FROM crawl_runs r JOIN sources s ON s.id = r.source_id
"""


def upgrade() -> None:
    identity = op.create_table(
        "database_identity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_identity")),
    )
    op.bulk_insert(identity, [{"id": str(uuid.uuid4()), "created_at": datetime.now(UTC)}])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP VIEW v_crawl_runs")
    op.execute(_crawl_runs_view(dialect, with_outcomes=True))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW v_crawl_runs")  # PostgreSQL cannot drop columns of a view in place
    op.execute(_crawl_runs_view(dialect, with_outcomes=False).replace("CREATE OR REPLACE VIEW", "CREATE VIEW"))
    op.drop_table("database_identity")

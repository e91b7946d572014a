"""source health: the verdict of each run, and the index health reads articles by

Revision ID: 20261207_02
Revises: 20261207_01
Create Date: 2026-12-07 13:33:00

`crawl_runs.health` holds the verdict of a finished run (status and findings; null while running,
for interrupted runs and for runs finished before this revision). The health pass reads the
articles each run created (`articles.created_by_run_id`) for the run and its source's last
successful runs: without an index that is a scan of the whole articles table after every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261207_02"
down_revision: str | Sequence[str] | None = "20261207_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("health", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                                          nullable=True))
    op.create_index("ix_articles_created_by_run_id", "articles", ["created_by_run_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_articles_created_by_run_id", table_name="articles")
    # SQLite 3.35+ drops a column in place (a batch copy would lose the partial unique index).
    op.drop_column("crawl_runs", "health")

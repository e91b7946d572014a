"""change_log_pruned: how far the change feed's log has been pruned

change_log grew without end: a row for every article, revision and story change, kept forever.
The crawl now prunes it after NEWSDESK_CHANGE_LOG_RETENTION_DAYS (storage/change_log.py), and this
one-row table says how far: every change at or before (txid, serial) is gone. GET /changes answers
410 to a cursor that lies before it (its reader would otherwise miss changes without knowing).

On PostgreSQL the roles that can read change_log (a reader made with `newsdesk db grant-reader
--tables`) are granted SELECT on the new table too, so an upgrade does not lock `newsdesk serve` out.

Revision ID: 20261208_01
Revises: 20261207_06
Create Date: 2026-12-08 03:19:10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261208_01"
down_revision: str | Sequence[str] | None = "20261207_06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRANT_TO_CHANGE_LOG_READERS = """
DO $$
DECLARE reader record;
BEGIN
    FOR reader IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
                  WHERE table_schema = current_schema() AND table_name = 'change_log'
                    AND privilege_type = 'SELECT' AND grantee NOT IN (current_user, 'PUBLIC')
    LOOP
        EXECUTE format('GRANT SELECT ON change_log_pruned TO %I', reader.grantee);
    END LOOP;
END $$
"""


def upgrade() -> None:
    table = op.create_table(
        "change_log_pruned",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.Column("rows_pruned", sa.BigInteger(), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_change_log_pruned_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log_pruned")),
    )
    op.bulk_insert(table, [{"id": 1, "txid": None, "serial": 0, "rows_pruned": 0, "pruned_at": None}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GRANT_TO_CHANGE_LOG_READERS)


def downgrade() -> None:
    op.drop_table("change_log_pruned")

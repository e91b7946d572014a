"""per-source run lock (a partial unique index on running runs) and scheduler instances

Revision ID: 20261128_04
Revises: 20261128_03
Create Date: 2026-11-28 08:24:06.942528
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261128_04'
down_revision: str | Sequence[str] | None = '20261128_03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scheduler_instances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_instances')),
    sa.UniqueConstraint('host', 'pid', name=op.f('uq_scheduler_instances_host'))
    )
    # At most one running run per source: the lock the database enforces.
    op.create_index('uq_crawl_runs_running_source', 'crawl_runs', ['source_id'], unique=True,
                    sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))



def downgrade() -> None:
    op.drop_index('uq_crawl_runs_running_source', table_name='crawl_runs')

    op.drop_table('scheduler_instances')

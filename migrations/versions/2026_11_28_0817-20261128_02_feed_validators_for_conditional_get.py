"""feed validators for conditional GET: the ETag / Last-Modified of each feed between runs

Revision ID: 20261128_02
Revises: 20261128_01
Create Date: 2026-11-28 08:17:26.197334
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261128_02'
down_revision: str | Sequence[str] | None = '20261128_01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('feed_validators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('etag', sa.String(length=512), nullable=True),
    sa.Column('last_modified', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_validators')),
    sa.UniqueConstraint('url', name=op.f('uq_feed_validators_url'))
    )


def downgrade() -> None:
    op.drop_table('feed_validators')

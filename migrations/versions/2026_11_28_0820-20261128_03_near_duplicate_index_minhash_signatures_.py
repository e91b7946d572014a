"""near-duplicate index: MinHash signatures and LSH band keys, persisted so dedup holds
across runs and across concurrent crawler processes

Revision ID: 20261128_03
Revises: 20261128_02
Create Date: 2026-11-28 08:20:29.815217
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261128_03'
down_revision: str | Sequence[str] | None = '20261128_02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dedup_bands',
    sa.Column('band_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_dedup_bands_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('band_key', 'article_id', name=op.f('pk_dedup_bands'))
    )
    op.create_index('ix_dedup_bands_article_id', 'dedup_bands', ['article_id'])

    op.create_table('dedup_signatures',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=False),
    sa.Column('shingle_count', sa.Integer(), nullable=False),
    sa.Column('params', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_dedup_signatures_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_dedup_signatures'))
    )


def downgrade() -> None:
    op.drop_table('dedup_signatures')
    op.drop_index('ix_dedup_bands_article_id', table_name='dedup_bands')
    op.drop_table('dedup_bands')

"""initial schema: sources, crawl runs, articles with their URLs, revisions and raw pages, stories

Revision ID: 20261128_01
Revises:
Create Date: 2026-11-28 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261128_01"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str) -> sa.Column:
    return sa.Column(name, sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("homepage", sa.String(2048)),
        sa.Column("country", sa.String(8)),
        sa.Column("language", sa.String(16)),
        sa.Column("discovery", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("key", name=op.f("uq_sources_key")),
    )

    # stories and articles point at each other. SQLite accepts a reference to a table created
    # later; PostgreSQL gets that foreign key once articles exists (below).
    story_fks = (
        [
            sa.ForeignKeyConstraint(
                ["canonical_article_id"], ["articles.id"],
                name=op.f("fk_stories_canonical_article_id_articles"), ondelete="SET NULL",
            )
        ]
        if sqlite
        else []
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_article_id", sa.Integer()),
        sa.Column("title", sa.Text()),
        _timestamp("first_published_at", nullable=True),
        _timestamp("last_published_at", nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("source_count", sa.Integer(), nullable=False),
        _json("sources"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        *story_fks,
    )

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(64), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("started_at"),
        _timestamp("finished_at", nullable=True),
        _timestamp("heartbeat_at", nullable=True),
        _json("stats"),
        sa.Column("error", sa.Text()),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("log_path", sa.String(1024)),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed', 'interrupted', 'timeout')",
            name=op.f("ck_crawl_runs_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('scheduled', 'manual', 'cli', 'demo')", name=op.f("ck_crawl_runs_trigger")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_crawl_runs_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index("ix_crawl_runs_source_id_started_at", "crawl_runs", ["source_id", "started_at"])
    op.create_index("ix_crawl_runs_status", "crawl_runs", ["status"])

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.String(2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        _json("authors"),
        _timestamp("published_at", nullable=True),
        _timestamp("updated_at", nullable=True),
        sa.Column("language", sa.String(16)),
        sa.Column("section", sa.String(200)),
        sa.Column("dateline", sa.String(200)),
        sa.Column("description", sa.Text()),
        sa.Column("image_url", sa.String(2048)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _timestamp("first_seen_at"),
        _timestamp("last_seen_at"),
        sa.Column("created_by_run_id", sa.Integer()),
        sa.Column("story_id", sa.Integer()),
        sa.Column("duplicate_of", sa.Integer()),
        sa.Column("similarity", sa.Float()),
        sa.ForeignKeyConstraint(
            ["created_by_run_id"], ["crawl_runs.id"],
            name=op.f("fk_articles_created_by_run_id_crawl_runs"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"], ["articles.id"], name=op.f("fk_articles_duplicate_of_articles"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_articles_source_id_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_articles_story_id_stories"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
    )
    for name, columns in (
        ("ix_articles_content_hash", ["content_hash"]),
        ("ix_articles_duplicate_of", ["duplicate_of"]),
        ("ix_articles_last_seen_at", ["last_seen_at"]),
        ("ix_articles_published_at", ["published_at"]),
        ("ix_articles_source_id_published_at", ["source_id", "published_at"]),
        ("ix_articles_story_id", ["story_id"]),
    ):
        op.create_index(name, "articles", columns)
    if not sqlite:
        op.create_foreign_key(
            op.f("fk_stories_canonical_article_id_articles"), "stories", "articles",
            ["canonical_article_id"], ["id"], ondelete="SET NULL",
        )

    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2048)),
        _timestamp("published_at", nullable=True),
        _timestamp("updated_at", nullable=True),
        _timestamp("valid_from"),
        _timestamp("replaced_at"),
        sa.Column("replaced_by_run_id", sa.Integer()),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_revisions_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_run_id"], ["crawl_runs.id"],
            name=op.f("fk_article_revisions_replaced_by_run_id_crawl_runs"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revisions")),
        sa.UniqueConstraint("article_id", "revision", name=op.f("uq_article_revisions_article_id")),
    )

    op.create_table(
        "article_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _timestamp("first_seen_at"),
        _timestamp("last_fetched_at", nullable=True),
        sa.CheckConstraint("kind IN ('fetched', 'canonical', 'amp', 'alias')", name=op.f("ck_article_urls_kind")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_urls_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_urls")),
        sa.UniqueConstraint("url", name=op.f("uq_article_urls_url")),
    )
    op.create_index("ix_article_urls_article_id", "article_urls", ["article_id"])

    op.create_table(
        "raw_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        _json("headers"),
        sa.Column("body_gzip", sa.LargeBinary(), nullable=False),
        sa.Column("body_bytes", sa.BigInteger(), nullable=False),
        _json("context"),
        _timestamp("fetched_at"),
        sa.Column("run_id", sa.Integer()),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_raw_pages_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_raw_pages_run_id_crawl_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_pages")),
    )
    op.create_index("ix_raw_pages_article_id_fetched_at", "raw_pages", ["article_id", "fetched_at"])
    op.create_index("ix_raw_pages_fetched_at", "raw_pages", ["fetched_at"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_stories_canonical_article_id_articles"), "stories", type_="foreignkey")
    for table in ("raw_pages", "article_urls", "article_revisions", "articles", "crawl_runs", "stories", "sources"):
        op.drop_table(table)

"""article tags: the countries and organisations each article names, their reader views

`article_countries` and `article_organisations` hold what the tagger (pipelines/tagging) found in
each article: written with the article in its transaction, replaced with each new version of it
(storage/tags.py). The views are the readers' surface, documented in docs/schema.md:
v_article_countries and v_article_organisations (one row per article and tag), v_story_countries
and v_story_organisations (a story's tags: the union of its members', with counts).

Articles stored before this revision have no tags until `newsdesk reprocess --tags-only` runs
(the migration does not run the tagger: it is the crawl's code, not the schema's).

Revision ID: 20261207_07
Revises: 20261207_03
Create Date: 2026-12-07 14:30:02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_07"
down_revision: str | Sequence[str] | None = "20261207_03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

V_ARTICLE_COUNTRIES = """
CREATE VIEW v_article_countries AS
SELECT c.article_id, c.country, c.mentions, c.is_primary
FROM article_countries c
"""

V_ARTICLE_ORGANISATIONS = """
CREATE VIEW v_article_organisations AS
SELECT o.article_id, o.organisation, o.mentions
FROM article_organisations o
"""

# A story's tags are its members' together: every syndicated copy counts, as every copy was read
# by someone. `articles` says how many members name it, `primary_articles` for how many it is the
# main country. CAST keeps the counts integers on PostgreSQL (SUM and COUNT give bigint/numeric).
V_STORY_COUNTRIES = """
CREATE VIEW v_story_countries AS
SELECT a.story_id, c.country, CAST(SUM(c.mentions) AS INTEGER) AS mentions,
       CAST(COUNT(*) AS INTEGER) AS articles,
       CAST(SUM(CASE WHEN c.is_primary THEN 1 ELSE 0 END) AS INTEGER) AS primary_articles
FROM article_countries c JOIN articles a ON a.id = c.article_id
WHERE a.story_id IS NOT NULL
GROUP BY a.story_id, c.country
"""

V_STORY_ORGANISATIONS = """
CREATE VIEW v_story_organisations AS
SELECT a.story_id, o.organisation, CAST(SUM(o.mentions) AS INTEGER) AS mentions,
       CAST(COUNT(*) AS INTEGER) AS articles
FROM article_organisations o JOIN articles a ON a.id = o.article_id
WHERE a.story_id IS NOT NULL
GROUP BY a.story_id, o.organisation
"""

VIEWS = ("v_story_organisations", "v_story_countries", "v_article_organisations", "v_article_countries")


def upgrade() -> None:
    op.create_table(
        "article_countries",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.CheckConstraint("length(country) = 2 AND country = upper(country)", name=op.f("ck_article_countries_country")),
        sa.CheckConstraint("mentions > 0", name=op.f("ck_article_countries_mentions")),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_article_countries_article_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "country", name=op.f("pk_article_countries")),
    )
    op.create_index("ix_article_countries_country_article_id", "article_countries", ["country", "article_id"])
    op.create_index("uq_article_countries_primary_article_id", "article_countries", ["article_id"], unique=True,
                    sqlite_where=sa.text("is_primary"), postgresql_where=sa.text("is_primary"))
    op.create_table(
        "article_organisations",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organisation", sa.String(length=32), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.CheckConstraint("mentions > 0", name=op.f("ck_article_organisations_mentions")),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_article_organisations_article_id_articles"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "organisation", name=op.f("pk_article_organisations")),
    )
    op.create_index("ix_article_organisations_organisation_article_id", "article_organisations",
                    ["organisation", "article_id"])
    for view in (V_ARTICLE_COUNTRIES, V_ARTICLE_ORGANISATIONS, V_STORY_COUNTRIES, V_STORY_ORGANISATIONS):
        op.execute(view)


def downgrade() -> None:
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_index("ix_article_organisations_organisation_article_id", table_name="article_organisations")
    op.drop_table("article_organisations")
    op.drop_index("uq_article_countries_primary_article_id", table_name="article_countries")
    op.drop_index("ix_article_countries_country_article_id", table_name="article_countries")
    op.drop_table("article_countries")

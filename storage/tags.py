"""Country and organisation tags of articles (article_countries, article_organisations).

Written with the article, in the caller's transaction (storage/articles.py): inserted with a new
article, replaced with each new version of it, and replaced alone by `newsdesk reprocess
--tags-only` when the tagger improved but the text did not change. The filters that search, export
and the read API apply are here too, over the reader views, so a role that reads only the views
can use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from storage.models import ArticleCountry, ArticleOrganisation


class Tagged(Protocol):
    """What carries tags: the article record (core.records.ArticleData) or the tagger's result."""

    countries: dict[str, int]
    primary_country: str | None
    organisations: dict[str, int]


@dataclass(frozen=True)
class StoredTags:
    countries: dict[str, int] = field(default_factory=dict)
    primary_country: str | None = None
    organisations: dict[str, int] = field(default_factory=dict)


_INSERT_COUNTRIES = insert(ArticleCountry.__table__)
_INSERT_ORGANISATIONS = insert(ArticleOrganisation.__table__)


def insert_tags(session: Session, article_id: int, tags: Tagged) -> None:
    """The tags of an article that has none yet (a new article: one statement per table, if any)."""
    if tags.countries:
        session.execute(_INSERT_COUNTRIES, [
            {"article_id": article_id, "country": code, "mentions": count, "is_primary": code == tags.primary_country}
            for code, count in tags.countries.items()
        ])
    if tags.organisations:
        session.execute(_INSERT_ORGANISATIONS, [
            {"article_id": article_id, "organisation": key, "mentions": count}
            for key, count in tags.organisations.items()
        ])


def tags_of(session: Session, article_id: int) -> StoredTags:
    countries = session.execute(
        select(ArticleCountry.country, ArticleCountry.mentions, ArticleCountry.is_primary)
        .where(ArticleCountry.article_id == article_id)
        .order_by(ArticleCountry.mentions.desc(), ArticleCountry.country)
    ).all()
    organisations = session.execute(
        select(ArticleOrganisation.organisation, ArticleOrganisation.mentions)
        .where(ArticleOrganisation.article_id == article_id)
        .order_by(ArticleOrganisation.mentions.desc(), ArticleOrganisation.organisation)
    ).all()
    return StoredTags({row.country: row.mentions for row in countries},
                      next((row.country for row in countries if row.is_primary), None),
                      {row.organisation: row.mentions for row in organisations})


def replace_tags(session: Session, article_id: int, tags: Tagged) -> bool:
    """Make the article's stored tags these; True when they changed (nothing is written otherwise)."""
    stored = tags_of(session, article_id)
    if (stored.countries == dict(tags.countries) and stored.primary_country == tags.primary_country
            and stored.organisations == dict(tags.organisations)):
        return False
    session.execute(delete(ArticleCountry).where(ArticleCountry.article_id == article_id))
    session.execute(delete(ArticleOrganisation).where(ArticleOrganisation.article_id == article_id))
    insert_tags(session, article_id, tags)
    return True


def tag_filters(id_column: str, params: dict, *, countries: list[str] | None = None,
                organisations: list[str] | None = None, stories: bool = False) -> list[str]:
    """SQL conditions on an article id column (a story id column with `stories`): it names any of
    `countries` (ISO alpha-2) and any of `organisations` (keys); both given, both must hold. A story
    names what any of its articles names. Values are bound as numbered parameters (plain text SQL,
    no expanding lists needed), never written into the SQL."""
    conditions = []
    level, key = ("story", "story_id") if stories else ("article", "article_id")
    for values, column, view in ((countries, "country", f"v_{level}_countries"),
                                 (organisations, "organisation", f"v_{level}_organisations")):
        if not values:
            continue
        names = []
        for index, value in enumerate(dict.fromkeys(v.upper() for v in values)):
            params[f"tag_{column}_{index}"] = value
            names.append(f":tag_{column}_{index}")
        conditions.append(f"{id_column} IN (SELECT {key} FROM {view} WHERE {column} IN ({', '.join(names)}))")
    return conditions

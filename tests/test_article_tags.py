"""Country and organisation tags in the database (SQLite and PostgreSQL): written with the article by
the real writer, replaced with a new version, in the article's transaction, and read through the views."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import tags
from storage.access import grant_reader
from storage.db import make_engine
from storage.models import Article, ArticleCountry, Story
from tests.tag_helpers import KYRGYZ_BORDER, SUDAN_ENVOY, add_sources, seed_tagged_newsroom, tagged

TAG_VIEWS = ("v_article_countries", "v_article_organisations", "v_story_countries", "v_story_organisations")


def article_tags(connection, article_id: int) -> tuple[dict, str | None, dict]:
    countries = connection.execute(text("SELECT country, mentions, is_primary FROM v_article_countries "
                                        "WHERE article_id = :a"), {"a": article_id}).all()
    organisations = connection.execute(text("SELECT organisation, mentions FROM v_article_organisations "
                                            "WHERE article_id = :a"), {"a": article_id}).all()
    return ({row.country: row.mentions for row in countries},
            next((row.country for row in countries if row.is_primary), None),
            {row.organisation: row.mentions for row in organisations})


def test_the_writer_stores_each_articles_tags_and_the_views_show_them(engine):
    ids = seed_tagged_newsroom(engine)
    with Session(engine) as session:
        expected = {}
        for article in session.scalars(select(Article)):
            found = tagged(article.title, article.text, "u", language=article.language,
                           publisher_country=article.source.country)
            expected[article.id] = (found.countries, found.primary_country, found.organisations)
    with engine.connect() as connection:
        assert article_tags(connection, ids["kyrgyz"]) == ({"KG": 5, "TJ": 3}, "KG", {"SCO": 4})
        assert article_tags(connection, ids["sudan"]) == ({"SD": 6, "TD": 1}, "SD", {"AU": 3, "UN": 1, "UNHCR": 1})
        assert article_tags(connection, ids["nato_fr"]) == ({"RO": 2, "RU": 1}, "RO", {"NATO": 3})
        # Exactly what the tagger says of each stored article (the copy's text lost some mentions).
        assert {a: article_tags(connection, a) for a in expected} == expected
        assert len(expected) == 4


def test_a_storys_tags_are_the_union_of_its_members_with_counts(engine):
    ids = seed_tagged_newsroom(engine)
    with engine.connect() as connection:
        story_id = connection.execute(text("SELECT story_id FROM v_articles WHERE id = :a"), {"a": ids["kyrgyz"]}).scalar()
        members = connection.execute(text("SELECT id FROM v_articles WHERE story_id = :s"), {"s": story_id}).scalars().all()
        assert sorted(members) == sorted([ids["kyrgyz"], ids["kyrgyz_copy"]])  # the copy joined the story
        mentions, articles, primary = Counter(), Counter(), Counter()
        for member in members:
            countries, main, _ = article_tags(connection, member)
            mentions.update(countries)
            articles.update(countries.keys())
            primary.update([main] if main else [])
        rows = connection.execute(text("SELECT country, mentions, articles, primary_articles FROM v_story_countries "
                                       "WHERE story_id = :s"), {"s": story_id}).all()
        assert {r.country: (r.mentions, r.articles, r.primary_articles) for r in rows} == {
            code: (mentions[code], articles[code], primary[code]) for code in mentions}
        assert {r.country: r.articles for r in rows} == {"KG": 2, "TJ": 2}
        organisations = connection.execute(text("SELECT organisation, mentions, articles FROM v_story_organisations "
                                                "WHERE story_id = :s"), {"s": story_id}).all()
        assert [(r.organisation, r.articles) for r in organisations] == [("SCO", 2)]
        assert organisations[0].mentions == sum(article_tags(connection, m)[2]["SCO"] for m in members)
        # One story per row group: the Sudan story holds only its own article's tags.
        sudan_story = connection.execute(text("SELECT story_id FROM v_articles WHERE id = :a"), {"a": ids["sudan"]}).scalar()
        assert dict(connection.execute(text("SELECT country, mentions FROM v_story_countries WHERE story_id = :s"),
                                       {"s": sudan_story}).all()) == {"SD": 6, "TD": 1}


def test_a_new_version_replaces_the_tags_and_an_unchanged_fetch_keeps_them(engine):
    writer = ArticleWriter(DedupSettings())
    with Session(engine) as session, session.begin():
        source_id = add_sources(session, ("wire", "INT"))["wire"]
        article_id = writer.write(session, tagged(*KYRGYZ_BORDER, "https://wire.example/a"),
                                  source_id=source_id, run_id=None).article_id
    # The same URL, rewritten: now it is about Sudan.
    with Session(engine) as session, session.begin():
        write = writer.write(session, tagged(SUDAN_ENVOY[0], SUDAN_ENVOY[1], "https://wire.example/a"),
                             source_id=source_id, run_id=None)
    assert (write.outcome, write.article_id) == ("updated", article_id)
    with engine.connect() as connection:
        assert article_tags(connection, article_id) == ({"SD": 6, "TD": 1}, "SD", {"AU": 3, "UN": 1, "UNHCR": 1})
    # Fetched again unchanged (whatever its record says about tags): the stored tags stay.
    unchanged = tagged(SUDAN_ENVOY[0], SUDAN_ENVOY[1], "https://wire.example/a")
    unchanged.countries, unchanged.primary_country, unchanged.organisations = {}, None, {}
    with Session(engine) as session, session.begin():
        assert writer.write(session, unchanged, source_id=source_id, run_id=None).outcome == "unchanged"
    with engine.connect() as connection:
        assert article_tags(connection, article_id)[1] == "SD"


def test_replace_tags_writes_only_a_change(engine):
    ids = seed_tagged_newsroom(engine)
    with Session(engine) as session, session.begin():
        before = tags.tags_of(session, ids["sudan"])
        assert tags.replace_tags(session, ids["sudan"], before) is False
        changed = tags.StoredTags({"SD": 6, "TD": 1}, "TD", before.organisations)
        assert tags.replace_tags(session, ids["sudan"], changed) is True
        assert tags.tags_of(session, ids["sudan"]) == changed
        assert tags.replace_tags(session, ids["sudan"], tags.StoredTags()) is True
        assert tags.tags_of(session, ids["sudan"]) == tags.StoredTags()


def test_the_tags_are_written_in_the_articles_transaction(engine):
    """A tag the database refuses takes the article (and its story) with it: nothing half-written."""
    with Session(engine) as session, session.begin():
        source_id = add_sources(session, ("wire", "INT"))["wire"]
    data = tagged(*KYRGYZ_BORDER, "https://wire.example/a")
    data.countries = {**data.countries, "kz": 1}  # not upper case: the check constraint refuses it
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        ArticleWriter(DedupSettings()).write(session, data, source_id=source_id, run_id=None)
    with Session(engine) as session:
        assert session.scalars(select(Article)).all() == []
        assert session.scalars(select(Story)).all() == []


def test_an_article_has_at_most_one_main_country(engine):
    ids = seed_tagged_newsroom(engine)
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(ArticleCountry(article_id=ids["sudan"], country="EG", mentions=1, is_primary=True))
        session.flush()
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(ArticleCountry(article_id=ids["sudan"], country="EG", mentions=0, is_primary=False))
        session.flush()


def test_deleting_an_article_deletes_its_tags(engine):
    ids = seed_tagged_newsroom(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM articles WHERE id = :a"), {"a": ids["sudan"]})
    with engine.connect() as connection:
        assert article_tags(connection, ids["sudan"]) == ({}, None, {})


def test_an_untagged_record_stores_no_tags(engine):
    writer = ArticleWriter(DedupSettings())
    with Session(engine) as session, session.begin():
        source_id = add_sources(session, ("wire", None))["wire"]
        article_id = writer.write(session, ArticleData(canonical_url="https://wire.example/x", title="Quiet day",
                                                       text="Nothing happened anywhere today. " * 20),
                                  source_id=source_id, run_id=None).article_id
    with engine.connect() as connection:
        assert article_tags(connection, article_id) == ({}, None, {})


@pytest.mark.postgres
def test_tag_views_have_the_same_columns_on_sqlite_and_postgresql(sqlite_url, postgres_url):
    from storage import migrate

    columns = []
    for url in (sqlite_url, postgres_url):
        engine = make_engine(url)
        migrate.upgrade(engine)
        inspector = inspect(engine)
        columns.append({view: [c["name"] for c in inspector.get_columns(view)] for view in TAG_VIEWS})
        engine.dispose()
    assert columns[0] == columns[1]


@pytest.mark.postgres
def test_the_reader_role_reads_the_tag_views_and_not_the_tables(postgres_url):
    from storage import migrate

    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    seed_tagged_newsroom(engine)
    role = "tags_reader_test"
    with engine.begin() as connection:
        done = grant_reader(connection, role)
    assert all(view in done[-1] for view in TAG_VIEWS)
    reader = make_engine(engine.url.set(username=role, password=None))
    try:
        with reader.connect() as connection:
            for view in TAG_VIEWS:
                assert connection.execute(text(f"SELECT count(*) FROM {view}")).scalar() > 0
        with pytest.raises(Exception, match="permission denied"), reader.connect() as connection:
            connection.execute(text("SELECT count(*) FROM article_countries"))
    finally:
        reader.dispose()
        with engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        engine.dispose()

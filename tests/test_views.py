"""The reader views: same columns on both databases, never losing a column, right contents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import migrate, runs
from storage.db import make_engine
from storage.models import Source
from tests.texts import story, syndicated_copy

VIEWS = ("v_articles", "v_stories", "v_crawl_runs")


def view_columns(engine) -> dict[str, list[str]]:
    inspector = inspect(engine)
    return {view: [c["name"] for c in inspector.get_columns(view)] for view in inspector.get_view_names()}


def test_no_migration_drops_or_renames_a_view_column(db_url):
    """Step through every revision: a view, once there, keeps every column it had (a change that
    needs to drop one must create a versioned view beside it instead)."""
    engine = make_engine(db_url)
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    seen: dict[str, list[str]] = {}
    for revision in revisions:
        migrate.upgrade(engine, revision)
        current = view_columns(engine)
        for view, columns in seen.items():
            assert view in current, f"revision {revision} dropped view {view}"
            missing = [c for c in columns if c not in current[view]]
            assert not missing, f"revision {revision} dropped or renamed {view} columns {missing}"
        seen = current
    assert set(VIEWS) <= set(seen)
    engine.dispose()


@pytest.mark.postgres
def test_views_have_the_same_columns_on_sqlite_and_postgresql(sqlite_url, postgres_url):
    columns = []
    for url in (sqlite_url, postgres_url):
        engine = make_engine(url)
        migrate.upgrade(engine)
        columns.append({v: c for v, c in view_columns(engine).items() if v in VIEWS})
        engine.dispose()
    assert columns[0] == columns[1]


def test_views_show_a_syndicated_story_and_a_run(engine):
    t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        wire, daily = Source(key="wire", name="Wire", discovery="feeds"), Source(key="daily", name="Daily", discovery="feeds")
        session.add_all([wire, daily])
        session.flush()
        writer = ArticleWriter(DedupSettings())
        original = writer.write(session, ArticleData(canonical_url="https://wire.example/a", title="Talks", text=story(11),
                                                     authors=["Amina Yusuf"], published_at=t0), source_id=wire.id, run_id=None)
        copy = writer.write(session, ArticleData(canonical_url="https://daily.example/a", title="Talks resume",
                                                 text=syndicated_copy(story(11)), published_at=t0 + timedelta(hours=2)),
                            source_id=daily.id, run_id=None)
        run = runs.start_run(session, source_id=wire.id, spider="wire", trigger="cli")
        runs.finish_run(session, run.id, "succeeded", stats={"newsdesk/pages_fetched": 7, "newsdesk/articles_new": 2,
                                                             "newsdesk/dropped/too_short": 2, "newsdesk/dropped/not_article": 1,
                                                             "newsdesk/errors/http_404": 1})
    with engine.connect() as connection:
        articles = connection.execute(text("SELECT id, source_key, url, authors, is_canonical, duplicate_of, story_id "
                                           "FROM v_articles ORDER BY id")).all()
        assert [(a.source_key, bool(a.is_canonical), a.duplicate_of) for a in articles] == [
            ("wire", True, None), ("daily", False, original.article_id)]
        assert articles[0].story_id == articles[1].story_id
        assert "Amina Yusuf" in str(articles[0].authors)
        (story_row,) = connection.execute(text("SELECT * FROM v_stories")).mappings().all()
        assert story_row["canonical_article_id"] == original.article_id and story_row["member_count"] == 2
        assert story_row["source_count"] == 2 and "daily" in str(story_row["sources"])
        (run_row,) = connection.execute(text("SELECT * FROM v_crawl_runs")).mappings().all()
        assert (run_row["pages_fetched"], run_row["articles_new"], run_row["pages_dropped"], run_row["errors"]) == (7, 2, 3, 1)
        assert run_row["duration_seconds"] is not None and run_row["status"] == "succeeded"
    assert copy.outcome == "duplicate"


def test_search_index_follows_inserts_updates_and_deletes(engine):
    from storage.search import search

    with Session(engine) as session, session.begin():
        source = Source(key="wire", name="Wire", discovery="feeds")
        session.add(source)
        session.flush()
        source_id = source.id
        writer = ArticleWriter(DedupSettings())
        data = ArticleData(canonical_url="https://wire.example/b", title="Quarantine talks in Lusaka", text=story(12))
        article_id = writer.write(session, data, source_id=source_id, run_id=None).article_id
    with Session(engine) as session:
        assert [h.article_id for h in search(session, "Lusaka quarantine")] == [article_id]
    with Session(engine) as session, session.begin():
        data.title, data.text = "Vaccine talks in Lusaka", story(12) + "\n\nA zebra crossing was repainted."
        ArticleWriter(DedupSettings()).write(session, data, source_id=source_id, run_id=None)
    with Session(engine) as session:
        assert search(session, "quarantine") == []
        assert [h.article_id for h in search(session, "zebra")] == [article_id]
        # Query syntax in the user's words is neither an error nor an operator.
        assert [h.article_id for h in search(session, '"zebra" -:* ^')] == [article_id]
        assert search(session, "NEAR( zebra") == []  # NEAR is a word here, and no article has it
    with Session(engine) as session, session.begin():
        session.execute(text("DELETE FROM articles WHERE id = :i"), {"i": article_id})
    with Session(engine) as session:
        assert search(session, "zebra") == []

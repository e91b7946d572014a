"""The change log is pruned after NEWSDESK_CHANGE_LOG_RETENTION_DAYS, as a prefix of the feed's order,
and a reader whose cursor lies before the pruned end is told (410) instead of served a feed with a
hole in it. SQLite and PostgreSQL, through the real API.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from core.dates import utcnow
from core.settings import setting_env_name
from newsdesk.api import create_app
from pipelines.store import StorePipeline
from storage.change_log import prune_change_log, pruned_through
from tests.api_helpers import reader_for, reader_role
from tests.test_change_feed import add_source, drain_until, insert_article

OLD = timedelta(days=200)


def write(engine, source_id: int, numbers, *, age: timedelta | None = None) -> list[int]:
    """One article per number, each in its own transaction; `age`: their changes dated that long ago."""
    ids = []
    for n in numbers:
        with engine.begin() as connection:
            ids.append(insert_article(connection, source_id, n))
    if age is not None:
        with engine.begin() as connection:
            connection.execute(text(f"UPDATE change_log SET changed_at = :at WHERE article_id IN ({', '.join(map(str, ids))})"),
                               {"at": utcnow() - age})
    return ids


def logged_articles(engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT article_id FROM change_log ORDER BY id")).scalars())


def until(attempt, timeout: float = 30) -> None:
    """`attempt()` again and again until it says it is done, or `timeout` seconds. On PostgreSQL
    only final rows are pruned (below the horizon, the oldest transaction open anywhere in the
    cluster): another test's open transaction may hold a prune back a moment."""
    deadline = time.monotonic() + timeout
    while not attempt() and time.monotonic() <= deadline:
        time.sleep(0.2)


def prune_until(engine, days: int, expected: int, timeout: float = 30) -> int:
    """Prune until `expected` rows are gone; the rows deleted."""
    deleted = 0

    def attempt() -> bool:
        nonlocal deleted
        with Session(engine) as session, session.begin():
            deleted += prune_change_log(session, days)
        return deleted >= expected

    until(attempt, timeout)
    return deleted


def test_old_changes_are_pruned_and_an_older_cursor_is_refused_with_410(engine):
    source_id = add_source(engine)
    old = write(engine, source_id, range(3), age=OLD)
    with reader_for(engine) as reader, TestClient(create_app(reader)) as client:
        early_cursor = client.get("/changes", params={"limit": 1}).json()["next"]  # after the first change
        everything, cursor_at_old_end = drain_until(client, None, lambda got: len(got) >= 3)
        assert [c["article_id"] for c in everything] == old
        young = write(engine, source_id, range(3, 5))

        assert prune_until(engine, 90, expected=3) == 3
        assert logged_articles(engine) == young
        with engine.connect() as connection:
            mark = pruned_through(connection)
        assert mark is not None and mark.at > utcnow() - timedelta(minutes=5)

        # A cursor inside what was pruned: changes after it are gone. Told so, in one line.
        response = client.get("/changes", params={"after": early_cursor})
        assert response.status_code == 410
        body = response.json()
        assert body["error"] == "cursor_expired" and "GET /articles" in body["message"] and "\n" not in body["message"]
        # A cursor at the pruned end missed nothing: it reads on. And so does a reader starting afresh.
        after_end, _ = drain_until(client, cursor_at_old_end, lambda got: len(got) >= 2)
        assert [c["article_id"] for c in after_end] == young
        fresh, _ = drain_until(client, None, lambda got: len(got) >= 2)
        assert [c["article_id"] for c in fresh] == young

    # Nothing more is old enough: a second prune deletes nothing and leaves the mark where it was.
    assert prune_until(engine, 90, expected=0, timeout=0) == 0
    with engine.connect() as connection:
        assert pruned_through(connection) == mark
        assert connection.execute(text("SELECT rows_pruned FROM change_log_pruned")).scalar() == 3


def test_pruning_stops_at_the_first_change_to_keep_so_the_feed_never_has_a_hole(engine):
    """An old change after a young one in the feed's order stays: deleting it would leave a hole
    behind a cursor that no check could see."""
    source_id = add_source(engine)
    first = write(engine, source_id, [1], age=OLD)
    young = write(engine, source_id, [2])
    late_but_old = write(engine, source_id, [3], age=OLD)
    assert prune_until(engine, 90, expected=1) == 1
    assert logged_articles(engine) == young + late_but_old
    assert first not in logged_articles(engine)


def test_a_retention_of_zero_keeps_every_change(engine):
    source_id = add_source(engine)
    write(engine, source_id, range(3), age=OLD)
    with Session(engine) as session, session.begin():
        assert prune_change_log(session, 0) == 0
    assert len(logged_articles(engine)) == 3
    with engine.connect() as connection:
        assert pruned_through(connection) is None  # never pruned: every cursor is good


@pytest.mark.parametrize("days", [90, 0])
def test_the_crawl_prunes_the_change_log_when_it_closes(engine, days):
    """The crawl's store pipeline prunes at the end of each crawl, with the configured retention,
    and counts what it pruned in the run's stats."""
    source_id = add_source(engine)
    write(engine, source_id, range(4), age=OLD)
    crawler = get_crawler(settings_dict={setting_env_name("database_url"): engine.url.render_as_string(hide_password=False),
                                         "NEWSDESK_CHANGE_LOG_RETENTION_DAYS": str(days)})
    pipeline = StorePipeline(crawler)

    def close() -> bool:
        pipeline.close_spider()
        return days == 0 or not logged_articles(engine)

    until(close)
    assert len(logged_articles(engine)) == (4 if days == 0 else 0)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT rows_pruned FROM change_log_pruned")).scalar() == (0 if days == 0 else 4)
    assert (crawler.stats.get_value("newsdesk/changes_pruned") is None) == (days == 0)


@pytest.mark.postgres
def test_a_reader_made_before_the_upgrade_can_read_how_far_the_log_was_pruned(postgres_url):
    """`newsdesk serve` checks that its reader role can read change_log_pruned: the upgrade that
    adds the table grants it to the roles that could read change_log, so serving goes on."""
    from storage import migrate
    from storage.db import make_engine

    writer = make_engine(postgres_url)
    try:
        migrate.upgrade(writer, "20261207_06")
        with reader_role(writer) as reader_url:
            migrate.upgrade(writer)
            reader = make_engine(reader_url)
            with reader.connect() as connection:
                assert connection.execute(text("SELECT serial FROM change_log_pruned")).scalar() == 0
                assert pruned_through(connection) is None
            reader.dispose()
    finally:
        writer.dispose()

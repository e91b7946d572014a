"""The change feed (GET /changes): every change exactly once, in order, under concurrent writers.

The hard case is PostgreSQL: writer A takes a serial and stays open while writer B takes a higher
one and commits. A feed keyed on the serial alone would hand out B, move its cursor past A's
serial, and never hand out A. These tests build that case on purpose, then run two writers at
random against a consumer that polls all along, and check the consumer got every change_log row
once and nothing else.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from core.records import ArticleData
from newsdesk.api import create_app
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.models import Source
from tests.api_helpers import reader_for
from tests.texts import story

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def add_source(engine, key: str = "wire") -> int:
    with Session(engine) as session, session.begin():
        source = Source(key=key, name=key.title(), discovery="feeds")
        session.add(source)
        session.flush()
        return source.id


def insert_article(connection, source_id: int, n: int) -> int:
    """One article by plain SQL in the caller's transaction (the triggers log it)."""
    return connection.execute(text(
        "INSERT INTO articles (source_id, canonical_url, title, authors, published_at, text, word_count, content_hash, "
        "first_seen_at, last_seen_at) VALUES (:s, :u, :t, '[]', :p, 'body', 1, :h, :p, :p) RETURNING id"),
        {"s": source_id, "u": f"https://wire.example/{n}", "t": f"Article {n}", "p": T0 + timedelta(minutes=n),
         "h": f"{n:064d}"}).scalar_one()


def drain(client, cursor: str | None) -> tuple[list[dict], str]:
    changes = []
    while True:
        body = client.get("/changes", params={"limit": 7, **({"after": cursor} if cursor else {})}).json()
        changes += body["changes"]
        if body["next"] == cursor or not body["changes"]:
            return changes, body["next"]
        cursor = body["next"]


def drain_until(client, cursor: str | None, done, timeout: float = 30) -> tuple[list[dict], str]:
    """Drain, again and again, until `done(changes)`: on PostgreSQL the feed's horizon is the oldest
    transaction still open anywhere in the cluster (another test's, autovacuum's), so a change
    committed a moment ago may be held back a moment longer. Held back, never lost."""
    changes: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        more, cursor = drain(client, cursor)
        changes += more
        if done(changes) or time.monotonic() > deadline:
            return changes, cursor
        time.sleep(0.2)


def logged(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT kind, article_id, story_id, revision FROM change_log ORDER BY id"))]


def key(change: dict) -> tuple:
    return change["kind"], change["article_id"], change["story_id"], change["revision"]


@pytest.mark.postgres
def test_a_transaction_that_commits_after_a_later_one_is_neither_lost_nor_repeated(postgres_url):
    from storage import migrate
    from storage.db import make_engine

    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    source_id = add_source(engine)
    with reader_for(engine) as reader, TestClient(create_app(reader)) as client:
        _, cursor = drain(client, None)
        slow = engine.connect()
        slow_tx = slow.begin()
        slow_article = insert_article(slow, source_id, 1)  # takes the lower serial, stays open
        with engine.begin() as fast:
            fast_article = insert_article(fast, source_id, 2)  # higher serial, commits first
        with engine.connect() as connection:
            serials = dict(connection.execute(text("SELECT article_id, id FROM change_log")).all())
        assert fast_article in serials and slow_article not in serials  # the open one is invisible ...
        # ... so a feed keyed on the serial would now hand out the fast article and move past
        # the slow one's serial for good. Ours holds the fast one back while the slow one is open.
        held, held_cursor = drain(client, cursor)
        assert held == [] and held_cursor == cursor
        slow_tx.commit()
        slow.close()
        with engine.connect() as connection:
            serials = dict(connection.execute(text("SELECT article_id, id FROM change_log")).all())
        assert serials[slow_article] < serials[fast_article]
        changes, cursor = drain_until(client, cursor, lambda got: len(got) >= 2)
        assert [(c["kind"], c["article_id"]) for c in changes] == [
            ("article_inserted", slow_article), ("article_inserted", fast_article)]
        assert drain(client, cursor) == ([], cursor)  # and nothing again
    engine.dispose()


def write_articles(engine, source_id: int, numbers: range, seed: int, errors: list) -> None:
    """A crawler's writer: one transaction per article, held open a random moment after its write
    (so the other writer's transactions start and commit in between)."""
    rng = random.Random(seed)
    writer = ArticleWriter(DedupSettings())
    try:
        for n in numbers:
            with Session(engine) as session, session.begin():
                # Every third text is one of a few shared ones: copies across the two sources join
                # stories (story updates), within one source they are aliases (no new article).
                body = story(n % 7 if n % 3 == 0 else 1000 + n)
                writer.write(session, ArticleData(canonical_url=f"https://example.org/{n}", title=f"Story {n}",
                                                  text=body, published_at=T0 + timedelta(hours=n)),
                             source_id=source_id, run_id=None)
                time.sleep(rng.uniform(0, 0.03))
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_two_concurrent_writers_the_feed_loses_and_repeats_nothing(engine):
    sources = [add_source(engine, "one"), add_source(engine, "two")]
    received: list[dict] = []
    errors: list[Exception] = []
    with reader_for(engine) as reader, TestClient(create_app(reader)) as client:
        writers = [threading.Thread(target=write_articles, args=(engine, sources[i], range(i, 60, 2), i, errors))
                   for i in range(2)]
        for thread in writers:
            thread.start()
        cursor = None
        while any(thread.is_alive() for thread in writers):  # a consumer polling while they write
            body = client.get("/changes", params={"limit": 5, **({"after": cursor} if cursor else {})}).json()
            received += body["changes"]
            cursor = body["next"]
        for thread in writers:
            thread.join()
        expected = logged(engine)
        rest, _ = drain_until(client, cursor, lambda more: len(received) + len(more) >= len(expected))
        received += rest
    assert errors == []
    assert len(expected) >= 90  # articles, their stories, the copies' story updates
    cursors = [c["cursor"] for c in received]
    assert len(set(cursors)) == len(cursors)  # nothing repeated
    assert Counter(map(key, received)) == Counter(expected)  # nothing lost, nothing invented
    inserted = [c["article_id"] for c in received if c["kind"] == "article_inserted"]
    with engine.connect() as connection:
        stored = set(connection.execute(text("SELECT id FROM articles")).scalars())
    assert len(inserted) == len(stored) and set(inserted) == stored and len(stored) > 40


def test_revisions_story_changes_and_deletions_are_in_the_feed(engine):
    source_id = add_source(engine)
    other = add_source(engine, "other")
    writer = ArticleWriter(DedupSettings())
    with reader_for(engine) as reader, TestClient(create_app(reader)) as client:
        with Session(engine) as session, session.begin():
            first = writer.write(session, ArticleData(canonical_url="https://a.example/1", title="Talks",
                                                      text=story(5), published_at=T0), source_id=source_id, run_id=None)
        changes, cursor = drain_until(client, None, lambda got: len(got) >= 2)
        assert [c["kind"] for c in changes] == ["article_inserted", "story_created"]
        with Session(engine) as session, session.begin():  # a syndicated copy joins the story
            writer.write(session, ArticleData(canonical_url="https://b.example/1", title="Talks (copy)",
                                              text=story(5), published_at=T0 + timedelta(hours=1)),
                         source_id=other, run_id=None)
        with Session(engine) as session, session.begin():  # the first one changes: a revision
            writer.write(session, ArticleData(canonical_url="https://a.example/1", title="Talks resume",
                                              text=story(5) + "\n\nMore.", published_at=T0), source_id=source_id, run_id=None)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM articles WHERE canonical_url = 'https://b.example/1'"))
        changes, cursor = drain_until(client, cursor, lambda got: "article_deleted" in [c["kind"] for c in got])
        kinds = [c["kind"] for c in changes]
        assert kinds[:2] == ["article_inserted", "story_updated"]  # the copy, and its story's count
        assert "article_revised" in kinds and "article_deleted" in kinds
        revised = next(c for c in changes if c["kind"] == "article_revised")
        assert revised["article_id"] == first.article_id and revised["revision"] == 1
        assert drain(client, cursor) == ([], cursor)


def test_waiting_returns_the_change_soon_after_its_commit(engine):
    """Long polling: a consumer waiting on the feed gets a change within 2 s of its commit
    (PostgreSQL: LISTEN/NOTIFY; SQLite: a short poll)."""
    source_id = add_source(engine)
    with reader_for(engine) as reader, TestClient(create_app(reader)) as client:
        _, cursor = drain(client, None)
        result = {}

        def wait() -> None:
            started = time.monotonic()
            result["body"] = client.get("/changes", params={"after": cursor, "wait": 20}).json()
            result["returned"] = time.monotonic()
            result["waited"] = result["returned"] - started

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(1.5)
        assert waiter.is_alive()  # nothing yet: it waits
        with engine.begin() as connection:
            insert_article(connection, source_id, 9)
        committed = time.monotonic()
        waiter.join(10)
        assert result["body"]["changes"][0]["kind"] == "article_inserted"
        assert result["returned"] - committed < 2.0
        if engine.dialect.name == "postgresql":
            assert client.app.state.change_signal.listening  # woken by NOTIFY, not by polling
        # No change: the wait ends at its time with the same cursor.
        started = time.monotonic()
        body = client.get("/changes", params={"after": result["body"]["next"], "wait": 1}).json()
        assert body == {"changes": [], "next": result["body"]["next"]} and 0.9 < time.monotonic() - started < 3

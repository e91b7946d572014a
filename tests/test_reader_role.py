"""The reader role has exactly the rights the README documents, and cannot stall writers beyond the
lock timeout (issue 23, item 6). PostgreSQL only: the role is a PostgreSQL role."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import dedup_index, migrate
from storage.db import make_engine, with_retries
from storage.models import Article, Source
from tests.api_helpers import reader_role
from tests.texts import story

pytestmark = pytest.mark.postgres
URL = "https://news.example/world/2026/12/07/talks"


@pytest.fixture
def writer_engine(postgres_url):
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        session.add(Source(key="daily", name="Daily", discovery="feeds"))
    yield engine
    engine.dispose()


def write(engine) -> None:
    data = ArticleData(title="Talks", text=story(1), canonical_url=URL, fetched_url=URL)
    with Session(engine) as session, session.begin():
        source_id = session.scalar(select(Source.id))
        ArticleWriter(DedupSettings()).write(session, data, source_id=source_id, run_id=None)


def test_a_reader_holding_a_writers_advisory_lock_delays_it_by_the_lock_timeout_only(writer_engine, monkeypatch):
    monkeypatch.setattr(dedup_index, "WRITE_LOCK_TIMEOUT_MS", 400, raising=False)
    with reader_role(writer_engine) as reader_url:
        reader = make_engine(reader_url)
        held = reader.connect()
        held.execute(text("SELECT pg_advisory_lock(:k)"), {"k": dedup_index.string_key(URL)})
        outcome: dict[str, Exception] = {}

        def attempt() -> None:
            try:
                write(writer_engine)
            except OperationalError as exc:
                outcome["error"] = exc

        writer = threading.Thread(target=attempt)
        started = time.monotonic()
        writer.start()
        writer.join(5)
        still_waiting = writer.is_alive()
        if still_waiting:  # let it finish before failing, so the test ends
            held.execute(text("SELECT pg_advisory_unlock_all()"))
            writer.join()
        assert not still_waiting, "the writer was still waiting for the reader's lock after 5 s"
        assert "lock timeout" in str(outcome["error"]) and time.monotonic() - started < 3

        # The caller's retry gets through once the reader lets go (here after about a second).
        threading.Timer(1.0, lambda: (held.execute(text("SELECT pg_advisory_unlock_all()")), held.commit())).start()
        retries = []
        with_retries(lambda: write(writer_engine), on_retry=retries.append)
        assert retries and all(isinstance(exc, OperationalError) for exc in retries)
        held.close()
        reader.dispose()
    with Session(writer_engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_the_reader_can_turn_read_only_off_but_has_nothing_to_write(writer_engine):
    with reader_role(writer_engine) as reader_url:
        reader = make_engine(reader_url)
        with reader.connect() as connection:
            assert connection.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
        statements = ["CREATE TEMP TABLE scratch (x int)", "CREATE TABLE public.scratch (x int)",
                      "INSERT INTO sources (key, name, discovery) VALUES ('x', 'x', 'feeds')",
                      "UPDATE articles SET title = 'x'", "DELETE FROM articles", "TRUNCATE articles"]
        for statement in statements:
            with reader.connect() as connection:
                connection.execute(text("SET default_transaction_read_only = off"))  # allowed: any session's right ...
                connection.execute(text("COMMIT"))
                with pytest.raises(DBAPIError, match="permission denied"):  # ... but no grant to write with
                    connection.execute(text(statement))
        with reader.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM v_articles")).scalar() == 0
        reader.dispose()

"""Downstream reading: export, search, read-only roles and read-only files, reading during writes."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.records import ArticleData, content_hash
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import export
from storage.models import Article, Source, Story
from tests.texts import story

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def cli(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **env})


def cli_env(url: str, tmp_path: Path) -> dict:
    return {"DATABASE_URL": url, "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}


def seed(engine, count: int, *, text_size: int = 600) -> None:
    """Many articles, fast (bulk SQL), for export and memory tests."""
    body = ("Diplomats met again to discuss the ceasefire and the release of prisoners. " * 20)[:text_size]
    with engine.begin() as connection:
        source_id = connection.execute(text(
            "INSERT INTO sources (key, name, discovery, enabled, created_at, updated_at) "
            "VALUES ('bulk', 'Bulk Wire', 'feeds', true, :t, :t) RETURNING id"), {"t": T0}).scalar()
        batch = []
        for n in range(count):
            moment = T0 + timedelta(minutes=n)
            batch.append({"source": source_id, "url": f"https://bulk.example/{n}", "title": f"Story {n}",
                          "text": f"{body} {n}", "hash": content_hash(f"{body} {n}"), "t": moment})
            if len(batch) == 5000 or n == count - 1:
                connection.execute(text(
                    "INSERT INTO articles (source_id, canonical_url, title, authors, published_at, text, word_count, "
                    "content_hash, first_seen_at, last_seen_at) VALUES (:source, :url, :title, '[]', :t, :text, 100, "
                    ":hash, :t, :t)"), batch)
                batch = []


@pytest.fixture
def syndicated(engine):
    with Session(engine) as session, session.begin():
        wire = Source(key="wire", name="Wire", discovery="feeds")
        session.add(wire)
        session.flush()
        writer = ArticleWriter(DedupSettings())
        for n in range(3):
            writer.write(session, ArticleData(canonical_url=f"https://wire.example/{n}", title=f"Talks {n}",
                                              text=story(50 + n), authors=["Li Wei"], published_at=T0 + timedelta(days=n)),
                         source_id=wire.id, run_id=None)
        # The writer strips control characters now (core/sanitise.py); rows written before it, or
        # by other code, may still hold them: put them back by hand, as such a row would be.
        session.execute(update(Article).values(title=Article.title + "\x1b[2J"))
        session.execute(update(Story).values(title=Story.title + "\x1b[2J"))
    return engine


def test_export_jsonl_has_stable_columns_and_iso_utc_times(syndicated, db_url, tmp_path):
    result = cli("export", "--since", "2026-11-02", "--format", "jsonl", env=cli_env(db_url, tmp_path))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in records] == ["https://wire.example/1", "https://wire.example/2"]
    assert list(records[0]) == export.ARTICLE_COLUMNS
    assert records[0]["published_at"] == "2026-11-02T00:00:00Z" and records[0]["authors"] == ["Li Wei"]
    assert records[0]["is_canonical"] is True
    assert "\x1b" not in result.stdout and "\\u001b" in result.stdout  # control characters escaped


def test_export_csv_and_stories_only(syndicated, db_url, tmp_path):
    out = tmp_path / "stories.csv"
    result = cli("export", "--stories-only", "--format", "csv", "-o", str(out), "--until", "2026-11-02",
                 env=cli_env(db_url, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "exported 1 stories" in result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == export.STORY_COLUMNS and len(rows) == 2
    assert "\x1b" not in out.read_text() and "\\x1b" in rows[1][2]


def test_search_prints_ranked_results_and_escapes_control_characters(syndicated, db_url, tmp_path):
    result = cli("search", "talks", "--stories", env=cli_env(db_url, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Talks 0" in result.stdout and "\x1b[2J" not in result.stdout


@pytest.mark.slow
def test_export_of_50k_rows_streams_in_flat_memory(engine, db_url, tmp_path):
    seed(engine, 50_000)
    peaks = {}
    for label, until in (("5k", (T0 + timedelta(minutes=5_000)).isoformat()), ("50k", "2030-01-01")):
        report = tmp_path / f"rss-{label}"
        out = tmp_path / f"out-{label}.jsonl"
        result = subprocess.run([sys.executable, "-m", "tests.helpers.maxrss", str(report), "--", "export", "--until",
                                 until, "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                                env={**os.environ, **cli_env(db_url, tmp_path)})
        assert result.returncode == 0, result.stderr
        assert sum(1 for _ in out.open()) == (5_000 if label == "5k" else 50_000)
        peaks[label] = int(report.read_text()) / 1024  # MiB
    # Ten times the rows (about 30 MB more data) must not cost ten times the memory.
    assert peaks["50k"] - peaks["5k"] < 15, peaks


@pytest.mark.postgres
def test_reader_role_can_read_views_and_nothing_else(postgres_url, tmp_path):
    from storage import migrate
    from storage.db import make_engine

    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    seed(engine, 3)
    role = f"reader_{make_url(postgres_url).database[-8:]}"
    result = cli("db", "grant-reader", role, env=cli_env(postgres_url, tmp_path))
    assert result.returncode == 0, result.stderr
    reader = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg", username=role))
    try:
        with reader.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM v_articles")).scalar() == 3
        refused = [
            "INSERT INTO sources (key, name, discovery, enabled, created_at, updated_at) VALUES ('x','x','feeds',true,now(),now())",
            "UPDATE articles SET title = 'x'",
            "DELETE FROM articles",
            "CREATE TABLE mine (id int)",
            "DROP VIEW v_articles",
            "SELECT count(*) FROM articles",  # tables only with --tables
        ]
        for statement in refused:
            with reader.connect() as connection, pytest.raises(DBAPIError) as error:
                connection.execute(text(statement))
            assert "permission denied" in str(error.value) or "read-only transaction" in str(error.value), statement
        # With --tables the base tables become readable too, and still not writable.
        assert cli("db", "grant-reader", role, "--tables", env=cli_env(postgres_url, tmp_path)).returncode == 0
        with reader.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 3
            with pytest.raises(DBAPIError):
                connection.execute(text("UPDATE articles SET title = 'x'"))
    finally:
        reader.dispose()
        with engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        engine.dispose()


def test_grant_reader_refuses_sqlite_in_one_line(sqlite_url, tmp_path):
    result = cli("db", "grant-reader", "analysts", env=cli_env(sqlite_url, tmp_path))
    assert result.returncode == 2 and "PostgreSQL" in result.stderr and "\n" not in result.stderr.strip()


def test_sqlite_read_only_uri_reads_while_a_writer_writes(sqlite_url):
    """WAL: a reader with ?mode=ro sees committed rows while another connection writes."""
    from storage import migrate
    from storage.db import make_engine

    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    seed(engine, 10)
    path = make_url(sqlite_url).database
    stop, errors, counts = threading.Event(), [], []

    def write() -> None:
        n = 0
        while not stop.is_set():
            with engine.begin() as connection:
                connection.execute(text("UPDATE articles SET last_seen_at = :t WHERE id = 1"), {"t": T0 + timedelta(seconds=n)})
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                counts.append(reader.execute("SELECT count(*) FROM v_articles").fetchone()[0])
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("DELETE FROM articles")
        reader.close()
    finally:
        stop.set()
        writer.join()
    engine.dispose()
    assert not errors and counts and set(counts) == {10}

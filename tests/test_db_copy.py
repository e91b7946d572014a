"""`newsdesk db copy`: from SQLite to PostgreSQL (and back) with every row, ids kept, and the copy
goes on working: crawls continue on it, search finds, the change feed and the drift check agree.
Real crawls of the sample network, real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from newsdesk.samplenet.server import sample_network
from storage.copy import NOT_COPIED, tables_to_copy
from storage.db import make_engine
from storage.models import Article, CrawlRun
from tests.crawl_helpers import crawl, crawl_environment

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def contents(url: str) -> dict[str, list]:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = {table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))]
                 for table in tables_to_copy()}
    engine.dispose()
    return found


def test_a_database_copied_to_postgresql_and_back_is_the_same_and_goes_on_working(tmp_path, postgres_url):
    sqlite_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    with crawl_environment(tmp_path, sqlite_url) as env, sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        keys = [outlet.key for outlet in network.outlets]
        first = crawl(keys, sources)
        assert first.code == 0, first.log
        before = contents(sqlite_url)
        assert len(before["articles"]) > 40

        copied = cli(env, "db", "copy", "--to", postgres_url)
        assert copied.returncode == 0, copied.stderr[-3000:]
        assert "articles 4" in copied.stdout
        assert contents(postgres_url) == before  # every row, ids and times kept
        assert contents(sqlite_url) == before  # the source only read

        on_postgres = {**env, "DATABASE_URL": postgres_url, "NEWSDESK_SOURCES": str(sources)}
        assert cli(on_postgres, "db", "check").returncode == 0
        found = cli(on_postgres, "search", "border", "--json")
        assert found.returncode == 0 and '"article_id"' in found.stdout  # the target built its own index
        engine = make_engine(postgres_url)
        with engine.connect() as connection:
            logged = connection.execute(text("SELECT count(*) FROM change_log WHERE kind = 'article_inserted'")).scalar()
            identities = {connection.execute(text("SELECT id FROM database_identity")).scalar()}
        engine.dispose()
        assert logged == len(before["articles"])  # its change feed starts with every article
        source_engine = make_engine(sqlite_url)
        with source_engine.connect() as connection:
            identities.add(connection.execute(text("SELECT id FROM database_identity")).scalar())
        source_engine.dispose()
        assert len(identities) == 2  # another database: its own identity

        # Crawls go on on the copy: new runs and the revised article take ids after the copied ones.
        network.advance()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DATABASE_URL", postgres_url)
            from core.settings import reset_settings
            from storage.db import dispose_engines

            reset_settings()
            dispose_engines()
            again = crawl(keys, sources)
        assert again.code == 0, again.log
        engine = make_engine(postgres_url)
        with Session(engine) as session:
            runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
            assert [r.id for r in runs] == list(range(1, 2 * len(keys) + 1))
            assert session.scalar(select(Article).where(Article.id > len(before["articles"]))) is None  # nothing new, no clash
        engine.dispose()

        # A copy into a database that has data is refused in one line, nothing written.
        refused = cli(env, "db", "copy", "--to", postgres_url)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "empty database" in refused.stderr

        # And back: PostgreSQL to a new SQLite file.
        back_url = f"sqlite:///{tmp_path / 'back.db'}"
        returned = cli(on_postgres, "db", "copy", "--to", back_url)
        assert returned.returncode == 0, returned.stderr[-3000:]
        assert contents(back_url) == contents(postgres_url)
    assert "change_log" in NOT_COPIED and "database_identity" in NOT_COPIED

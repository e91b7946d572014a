"""The crawler from an operator's side: scrapy list/crawl, newsdesk crawl, sources files, discovery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsdesk.samplenet.server import sample_network
from storage import migrate
from storage.db import make_engine
from storage.models import Article, CrawlRun
from tests.crawl_helpers import crawl, crawl_environment

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_scrapy_list_shows_the_default_sources():
    result = run(str(ROOT / ".venv/bin/scrapy"), "list")
    listed = result.stdout.split()
    assert result.returncode == 0, result.stderr
    default = yaml.safe_load((ROOT / "crawlers/sources.yaml").read_text())["sources"]
    enabled = sorted(s["key"] for s in default if s.get("enabled", True))
    assert listed == enabled and len(enabled) >= 20


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("sources:\n  - key: ok_one\n    name: OK\n    feeds: [https://example.org/feed]\n  - key: Bad Key\n    name: X\n    feeds: [https://example.org/f]\n",
         "sources[1] (Bad Key): key: 'Bad Key' must be 2-64 lowercase letters"),
        ("sources:\n  - key: nofeed\n    name: X\n", "sources[0] (nofeed): entry: needs at least one of feeds"),
        ("sources:\n  - key: badurl\n    name: X\n    feeds: [ftp://example.org/feed]\n", "sources[0] (badurl): feeds[0]: 'ftp://example.org/feed' is not an http(s) URL"),
        ("sources: [\n", "not valid YAML at line 2"),
    ],
)
def test_a_broken_sources_file_fails_in_one_line_and_crawls_nothing(tmp_path, content, expected):
    path = tmp_path / "sources.yaml"
    path.write_text(content)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    result = run(sys.executable, "-m", "newsdesk", "crawl", "--all", "--sources", str(path), env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert str(path) in result.stderr and expected in result.stderr
    assert not (tmp_path / "db.sqlite").exists() or "crawl_runs" not in result.stdout
    via_env = run(sys.executable, "-m", "newsdesk", "sources", "validate", env={**env, "NEWSDESK_SOURCES": str(path)})
    assert via_env.returncode == 2 and expected in via_env.stderr


@pytest.mark.slow
def test_scrapy_crawl_and_newsdesk_crawl_share_one_path(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    with crawl_environment(tmp_path, database_url) as env, sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        scrapy_run = run(str(ROOT / ".venv/bin/scrapy"), "crawl", "quotidien_nations",
                         env={**env, "NEWSDESK_SOURCES": str(sources), "NEWSDESK_LOG_LEVEL": "WARNING"})
        assert scrapy_run.returncode == 0, scrapy_run.stderr[-2000:]
        cli_run = run(sys.executable, "-m", "newsdesk", "crawl", "meridian_wire", "--sources", str(sources), env=env)
        assert cli_run.returncode == 0, cli_run.stderr[-2000:]
        assert "crawl summary" in cli_run.stdout and "meridian_wire" in cli_run.stdout
    engine = make_engine(database_url)
    with Session(engine) as session:
        runs = {r.spider: r for r in session.scalars(select(CrawlRun))}
        assert runs["quotidien_nations"].trigger == "manual" and runs["meridian_wire"].trigger == "cli"
        assert all(r.status == "succeeded" for r in runs.values())
        for source, run_row in runs.items():
            stored = session.scalar(select(func.count()).select_from(Article).where(Article.created_by_run_id == run_row.id))
            assert stored == run_row.stats["newsdesk/articles_new"] + run_row.stats.get("newsdesk/articles_duplicate", 0) > 5, source
    engine.dispose()


@pytest.mark.slow
def test_scrapy_crawl_honours_newsdesk_settings_given_with_dash_s(tmp_path):
    # The environment points at one database; -s points the crawl at another and raises the
    # shortest body kept above any article's length: everything fetched is dropped as too short.
    with crawl_environment(tmp_path, f"sqlite:///{tmp_path / 'ignored.db'}") as env, sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        other = tmp_path / "chosen.db"
        chosen = make_engine(f"sqlite:///{other}")
        migrate.upgrade(chosen)
        chosen.dispose()
        done = run(str(ROOT / ".venv/bin/scrapy"), "crawl", "quotidien_nations",
                   "-s", f"DATABASE_URL=sqlite:///{other}", "-s", "NEWSDESK_MIN_TEXT_CHARS=1000000",
                   env={**env, "NEWSDESK_SOURCES": str(sources), "NEWSDESK_LOG_LEVEL": "WARNING"})
        assert done.returncode == 0, done.stderr[-2000:]
    engine = make_engine(f"sqlite:///{other}")
    with Session(engine) as session:
        [run_row] = session.scalars(select(CrawlRun)).all()
        assert session.scalar(select(func.count()).select_from(Article)) == 0
        assert run_row.stats["newsdesk/dropped/too_short"] == run_row.stats["newsdesk/pages_fetched"] > 5
    engine.dispose()
    ignored = make_engine(f"sqlite:///{tmp_path / 'ignored.db'}")
    with Session(ignored) as session:
        assert session.scalar(select(func.count()).select_from(CrawlRun)) == 0
    ignored.dispose()


@pytest.mark.slow
def test_feeds_are_discovered_from_a_home_page(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    with crawl_environment(tmp_path, database_url), sample_network() as network:
        homepage_only = [{"key": "indus_herald", "name": "The Indus Herald", "allow_private_networks": True,
                          "homepage": network.base_urls["indus_herald"] + "/"}]
        path = tmp_path / "homepage-only.yaml"
        path.write_text(yaml.safe_dump({"sources": homepage_only}))
        outcome = crawl(["indus_herald"], path)
    assert outcome.code == 0, outcome.log
    assert outcome.total("newsdesk/feeds_discovered") >= 1
    assert outcome.total("newsdesk/articles_new") >= 10


@pytest.mark.slow
def test_manual_crawl_of_a_running_source_is_refused_in_one_line(tmp_path):
    from storage.db import session_factory
    from storage.runs import start_run
    from storage.sources import sync_sources

    database_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    with crawl_environment(tmp_path, database_url) as env, sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        from crawlers.sources import load_sources

        with session_factory().begin() as session:
            ids = sync_sources(session, load_sources(sources))
            # A live holder: this test process itself, as a scheduled run would be.
            held = start_run(session, source_id=ids["meridian_wire"], spider="meridian_wire", trigger="scheduled")
            held_id = held.id
        result = run(sys.executable, "-m", "newsdesk", "crawl", "meridian_wire", "--sources", str(sources), env=env)
        with session_factory()() as session:
            runs = session.scalars(select(CrawlRun)).all()
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and f"already being crawled by run {held_id} (scheduled" in line
    # The crawl process started beside the check (runner.launch(hold=True)) was called off before
    # it opened a run, and took its empty log file with it.
    assert [r.id for r in runs] == [held_id]
    processes = tmp_path / "data" / "logs" / "processes"
    assert not processes.exists() or not [p for p in processes.iterdir() if p.stat().st_size == 0]

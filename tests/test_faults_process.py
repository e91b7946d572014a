"""Process and database faults: a crawl killed with SIGKILL, PostgreSQL going away mid-crawl, a full
disk under the run logs, and two crawls writing at once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.urls import canonical_url
from crawlers.runs import runner
from newsdesk.samplenet.server import sample_network
from newsdesk.samplenet.site import manifest
from storage.db import make_engine
from storage.models import Article, ArticleUrl, CrawlRun, DedupSignature, RawPage, Story
from tests.crawl_helpers import crawl, crawl_environment

pytestmark = pytest.mark.slow


def slow_pages(network, seconds: float) -> None:
    for site in network.sites.values():
        for path, page in site.items():
            if page.status == 200 and "html" in page.headers.get("Content-Type", "") and path != "/":
                page.delay = seconds


def expected_articles(network) -> set[str]:
    return {canonical_url(u) for urls in manifest(network.base_urls)["recent_articles"].values() for u in urls}


def assert_complete(database_url: str) -> Counter:
    """Every stored article is whole: its URLs, signature, story and raw page are there too."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = session.scalars(select(Article)).all()
        for article in articles:
            assert article.story_id is not None and session.get(Story, article.story_id) is not None
            assert session.scalar(select(func.count()).select_from(ArticleUrl).where(ArticleUrl.article_id == article.id))
            assert session.get(DedupSignature, article.id) is not None
            assert session.scalar(select(func.count()).select_from(RawPage).where(RawPage.article_id == article.id))
        urls = Counter(a.canonical_url for a in articles)
    engine.dispose()
    assert not urls or max(urls.values()) == 1
    return urls


def launch_and_wait(keys, sources, database_url: str, articles: int):
    """Start a crawl and return once it has stored `articles` articles (it is then mid-crawl)."""
    process = runner.launch(keys, trigger="cli", sources_path=sources)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and stored_count(database_url) < articles:
        time.sleep(0.2)
    return process


def stored_count(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Article)).scalar()
    engine.dispose()
    return count


def test_kill_9_mid_crawl_then_rerun_loses_nothing_and_duplicates_nothing(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    with crawl_environment(tmp_path, database_url), sample_network() as network:
        slow_pages(network, 1.0)  # slow enough that the kill lands mid-crawl
        sources = network.write_sources(tmp_path / "sources.yaml")
        keys = [o.key for o in network.outlets]
        process = launch_and_wait(keys, sources, database_url, 8)
        os.killpg(process.popen.pid, signal.SIGKILL)  # the crawl and its extraction workers
        code = runner.follow(process, timeout_seconds=30)
        killed_runs = process.runs()
        before = assert_complete(database_url)
        assert code == -signal.SIGKILL and 8 <= len(before) < len(expected_articles(network))
        # A source whose crawl had already ended keeps its "succeeded"; every other run is closed.
        statuses = Counter(r.status for r in killed_runs)
        assert statuses["interrupted"] >= 1 and set(statuses) <= {"interrupted", "succeeded"}, statuses
        assert all(r.finished_at for r in killed_runs)
        slow_pages(network, 0)
        again = crawl(keys, sources)
        after = assert_complete(database_url)
    assert again.code == 0, again.log
    assert set(after) == expected_articles(network)  # what was lost is fetched; nothing twice
    assert set(before) <= set(after)


def pg_cluster() -> str:
    return next(p.name for p in Path("/etc/postgresql").iterdir())


def pg_ctl(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", action, *(
        ["-m", "fast"] if action == "stop" else [])], check=True, capture_output=True, timeout=60)


@pytest.mark.postgres
@pytest.mark.serial  # it stops the server every other test's database lives on
def test_postgresql_stopped_and_restarted_mid_crawl(tmp_path, postgres_url):
    if not Path("/etc/postgresql").is_dir():
        pytest.skip("no local PostgreSQL cluster to stop and start")
    with crawl_environment(tmp_path, postgres_url), sample_network() as network:
        slow_pages(network, 0.4)
        sources = network.write_sources(tmp_path / "sources.yaml")
        keys = [o.key for o in network.outlets]
        process = launch_and_wait(keys, sources, postgres_url, 5)
        try:
            pg_ctl("stop")
            time.sleep(4)  # articles arrive meanwhile: their writes are retried
        finally:
            pg_ctl("start")
        code = runner.follow(process, timeout_seconds=180)
        runs = process.runs()
        stored = assert_complete(postgres_url)
    # The outage was shorter than the store's retries: nothing was dropped, every run ended cleanly.
    assert all(r.status in ("succeeded", "failed") and r.finished_at for r in runs), [(r.spider, r.status) for r in runs]
    dropped = sum(r.stats.get("newsdesk/dropped/storage_error", 0) for r in runs)
    retried = sum(r.stats.get("newsdesk/storage_retries", 0) for r in runs)
    assert (code, dropped) == (0, 0) and retried >= 1
    assert set(stored) == expected_articles(network)


@pytest.mark.postgres
def test_a_full_disk_under_the_run_logs_does_not_stop_the_crawl(tmp_path, postgres_url):
    logs = tmp_path / "data" / "logs"
    logs.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(logs)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a tiny tmpfs here (needs root): the full-disk case is not simulated")
    try:
        (logs / "filler").write_bytes(b"x" * 60 * 1024)  # a few KB left: the logs fill it at once
        with crawl_environment(tmp_path, postgres_url, NEWSDESK_LOG_LEVEL="DEBUG"), sample_network() as network:
            sources = network.write_sources(tmp_path / "sources.yaml")
            outcome = crawl([o.key for o in network.outlets], sources)
            stored = assert_complete(postgres_url)
    finally:
        subprocess.run(["umount", str(logs)], capture_output=True)
    assert outcome.code == 0
    assert all(r.status == "succeeded" for r in outcome.runs)
    assert set(stored) == expected_articles(network)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_crawls_of_different_sources_at_once(tmp_path, request, database):
    database_url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "postgres_url")
    with crawl_environment(tmp_path, database_url), sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        keys = [o.key for o in network.outlets]
        first = runner.launch(keys[:2], trigger="cli", sources_path=sources)
        second = runner.launch(keys[2:], trigger="cli", sources_path=sources)
        codes = [runner.follow(p, timeout_seconds=120) for p in (first, second)]
        logs = "".join(Path(r.log_path).read_text() for p in (first, second) for r in p.runs())
        logs += first.stderr_tail(500) + second.stderr_tail(500)
        stored = assert_complete(database_url)
        runs = first.runs() + second.runs()
    assert codes == [0, 0]
    assert "database is locked" not in logs
    assert len(runs) == len(keys) and all(r.status == "succeeded" for r in runs)
    assert set(stored) == expected_articles(network)
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(CrawlRun).where(CrawlRun.status == "running")) == 0
    engine.dispose()

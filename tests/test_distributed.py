"""Distributed crawling with real Redis, PostgreSQL and worker processes on the sample network."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.urls import canonical_url
from crawlers.distributed.queue import DIE_AFTER_ENV
from newsdesk.samplenet.server import sample_network
from newsdesk.samplenet.site import manifest
from storage.db import make_engine
from storage.models import Article, CrawlRun, CrawlRunWorker, Story
from tests.crawl_helpers import crawl_environment

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def start_workers(count: int, env: dict, logs: Path, name: str = "worker") -> list[subprocess.Popen]:
    # Logs go to files, not pipes: nobody reads a pipe while the run goes on, and a full one would
    # stall the worker; the files are there to read when a test fails.
    workers = []
    for n in range(count):
        log = (logs / f"{name}-{n}.log").open("w")
        workers.append(subprocess.Popen([sys.executable, "-m", "newsdesk", "worker"], cwd=ROOT,
                                        env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT))
        log.close()
    return workers


def logs_of(logs: Path) -> str:
    return "\n".join(f"--- {path.name}\n" + path.read_text()[-3000:] for path in sorted(logs.glob("*.log")))


def coordinate(env: dict, sources: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", "crawl", "--all", "--distributed", "--sources", str(sources)],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=150)


def stored(database_url: str) -> list[Article]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = list(session.scalars(select(Article)))
    engine.dispose()
    return articles


@pytest.fixture
def cluster(tmp_path, postgres_url, redis_url):
    # Few downloads per worker and slightly slow pages: the work spreads over every worker.
    # Idle close after 12 s: longer than the 8 s in which a dead worker is noticed, so that the
    # survivors are still there to take the work it lost.
    extra = {"NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_WORKER_IDLE_SECONDS": "12", "NEWSDESK_CONCURRENT_REQUESTS": "2"}
    with crawl_environment(tmp_path, postgres_url, **extra) as env, sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        env["NEWSDESK_SOURCES"] = str(sources)  # workers load the same sources as the coordinator
        yield env, network, sources, postgres_url


def slow_down(network, seconds: float) -> None:
    for site in network.sites.values():
        for path, page in site.items():
            if page.status == 200 and "html" in page.headers.get("Content-Type", "") and path != "/":
                page.delay = seconds


def test_three_workers_fetch_each_page_once_and_store_each_article_once(cluster, tmp_path):
    env, network, sources, database_url = cluster
    slow_down(network, 0.1)
    workers = start_workers(3, env, tmp_path)
    result = coordinate(env, sources)
    codes = [w.wait(60) for w in workers]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert codes == [0, 0, 0], logs_of(tmp_path)
    m = manifest(network.base_urls)
    # Every page fetched exactly once (the 500 page is retried by design, and counted apart).
    # robots.txt is read by each worker for itself (at most once per site per worker).
    retried = m["server_error"].split("/", 3)[-1]
    repeated = {path: n for (key, path), n in network.requests.items()
                if n > 1 and retried not in path and path != "/robots.txt"}
    assert not repeated, repeated
    assert all(n <= 3 for (key, path), n in network.requests.items() if path == "/robots.txt")
    articles = stored(database_url)
    urls = [a.canonical_url for a in articles]
    assert len(urls) == len(set(urls))
    expected = {canonical_url(u) for group in m["recent_articles"].values() for u in group}
    assert set(urls) == expected
    engine = make_engine(database_url)
    with Session(engine) as session:
        original = session.scalar(select(Article).where(Article.canonical_url == canonical_url(m["syndicated"]["original"])))
        story = session.get(Story, original.story_id)
        assert story.member_count == 3 and story.source_count == 3 and story.canonical_article_id == original.id
        runs = session.scalars(select(CrawlRun)).all()
        assert len(runs) == 4 and all(r.status == "succeeded" and r.trigger == "cli" for r in runs)
        workers_seen = session.scalar(select(func.count(func.distinct(CrawlRunWorker.worker))))
        assert workers_seen >= 2  # the work was shared
        for run in runs:
            parts = session.scalars(select(CrawlRunWorker).where(CrawlRunWorker.run_id == run.id)).all()
            assert run.stats["newsdesk/pages_fetched"] == sum(p.stats.get("newsdesk/pages_fetched", 0) for p in parts)
        # The runs' counters add up to what is in the database: each worker's last counts were
        # saved before the coordinator summed them.
        counted = sum(r.stats.get("newsdesk/articles_new", 0) + r.stats.get("newsdesk/articles_duplicate", 0) for r in runs)
        assert counted == len(articles), {r.spider: r.stats for r in runs}
    engine.dispose()


def test_a_worker_killed_mid_run_loses_nothing(cluster, tmp_path):
    env, network, sources, database_url = cluster
    slow_down(network, 0.2)
    # The victim kills itself right after taking its 4th request: it dies holding that request and
    # its busy mark, at a known point, whatever the timing of the others.
    victim = start_workers(1, {**env, DIE_AFTER_ENV: "4"}, tmp_path, name="victim")[0]
    workers = [victim, *start_workers(2, env, tmp_path)]
    coordinator = subprocess.Popen([sys.executable, "-m", "newsdesk", "crawl", "--all", "--distributed", "--sources",
                                    str(sources)], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    assert victim.wait(60) == -signal.SIGKILL, logs_of(tmp_path)
    out, err = coordinator.communicate(timeout=150)
    assert coordinator.returncode == 0, out[-3000:] + err[-3000:]
    for worker in workers[1:]:
        assert worker.wait(60) == 0, logs_of(tmp_path)
    m = manifest(network.base_urls)
    expected = {canonical_url(u) for group in m["recent_articles"].values() for u in group}
    urls = Counter(a.canonical_url for a in stored(database_url))
    lost = expected - set(urls)
    assert not lost, f"lost {sorted(lost)}\n{err[-3000:]}\n{logs_of(tmp_path)}"
    assert set(urls) == expected and max(urls.values()) == 1  # nothing lost, nothing twice
    engine = make_engine(database_url)
    with Session(engine) as session:
        runs = session.scalars(select(CrawlRun)).all()
        assert all(r.status == "succeeded" for r in runs)
        reseeded = [r for r in runs if r.stats.get("newsdesk/passes", 1) > 1]
    engine.dispose()
    assert reseeded  # the victim held work: its sources were discovered again, in a second pass

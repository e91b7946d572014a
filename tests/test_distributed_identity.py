"""Distributed runs carry the identity of their database: a worker connected to another database
(same Redis) refuses their requests, says so and puts them back; a run whose queued requests were
taken by something that does not account for them is not `succeeded`. Real Redis, PostgreSQL,
SQLite and worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.urls import canonical_url
from crawlers.distributed.queue import KEYS, REFUSED_STAT
from newsdesk.samplenet.site import manifest
from storage import migrate
from storage.db import make_engine
from storage.identity import database_id
from storage.models import Article, CrawlRun
from tests.test_distributed import ROOT, cluster, logs_of, slow_down, start_workers, stored  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def coordinator(env: dict, sources: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsdesk", "crawl", "--all", "--distributed", "--sources",
                             str(sources)], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def migrated(url: str) -> str:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def other_database(tmp_path: Path) -> str:
    return migrated(f"sqlite:///{tmp_path / 'other.db'}")


def identity(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        found = database_id(session)
    engine.dispose()
    return found


def test_each_database_has_its_own_identity(postgres_url, tmp_path):
    first, second = identity(migrated(postgres_url)), identity(other_database(tmp_path))
    assert first != second and len(first) == len(second) == 36
    assert identity(postgres_url) == first  # made once, by the migration


def test_a_worker_of_another_database_refuses_the_run_and_loses_nothing(cluster, tmp_path):  # noqa: F811
    env, network, sources, database_url = cluster
    slow_down(network, 0.1)
    wrong_url = other_database(tmp_path)
    # The worker left over from another deployment: same Redis, another DATABASE_URL, started first
    # so that it is there when the requests arrive.
    wrong = start_workers(1, {**env, "DATABASE_URL": wrong_url, "NEWSDESK_WORKER_IDLE_SECONDS": "10"}, tmp_path,
                          name="other-database")[0]
    time.sleep(4)
    crawl = coordinator(env, sources)
    time.sleep(3)  # the wrong worker alone with the queue for a while
    right = start_workers(2, env, tmp_path)
    out, err = crawl.communicate(timeout=150)
    assert crawl.returncode == 0, out[-3000:] + err[-3000:] + logs_of(tmp_path)
    for worker in (*right, wrong):
        assert worker.wait(60) == 0, logs_of(tmp_path)
    m = manifest(network.base_urls)
    expected = {canonical_url(u) for group in m["recent_articles"].values() for u in group}
    assert {a.canonical_url for a in stored(database_url)} == expected, logs_of(tmp_path)
    assert stored(wrong_url) == []
    engine = make_engine(database_url)
    with Session(engine) as session:
        runs = session.scalars(select(CrawlRun)).all()
        assert runs and all(r.status == "succeeded" for r in runs), [(r.spider, r.status, r.error) for r in runs]
        assert all(r.stats["newsdesk/distributed/taken"] >= r.stats["newsdesk/distributed/queued"] > 0 for r in runs)
    engine.dispose()
    wrong_log = (tmp_path / "other-database-0.log").read_text()
    assert "refused requests of run" in wrong_log and identity(database_url) in wrong_log, wrong_log[-3000:]
    assert f"'{REFUSED_STAT}'" in wrong_log  # its counter, in the stats it logs as it closes


def test_a_run_whose_requests_vanished_is_not_succeeded(cluster, tmp_path):  # noqa: F811
    env, network, sources, database_url = cluster
    crawl = coordinator(env, sources)
    server = redis.Redis.from_url(env["NEWSDESK_REDIS_URL"])
    queue = KEYS["queue"].format(source="quotidien_nations")
    deadline = time.monotonic() + 60
    while not server.zcard(queue) and time.monotonic() < deadline:
        time.sleep(0.1)
    # Something that does not account for what it takes (an older worker, a stray script) pops one.
    assert server.zpopmin(queue, 1)
    workers = start_workers(2, env, tmp_path)
    out, err = crawl.communicate(timeout=150)
    for worker in workers:
        worker.wait(60)
    assert crawl.returncode == 1, out[-3000:] + err[-3000:]
    engine = make_engine(database_url)
    with Session(engine) as session:
        runs = {r.spider: r for r in session.scalars(select(CrawlRun))}
        assert session.scalar(select(Article).limit(1)) is not None
    engine.dispose()
    robbed = runs.pop("quotidien_nations")
    assert robbed.status == "failed" and "1 of " in robbed.error and "not accounted for" in robbed.error, robbed.error
    assert all(run.status == "succeeded" for run in runs.values()), {k: (r.status, r.error) for k, r in runs.items()}

"""The scheduler with real processes and real time: jobs run, survive restarts, crashes and hangs
are recorded, SIGTERM leaves nothing running, stale locks are taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, text

import scheduler as nightly
from core.dates import utcnow
from newsdesk.samplenet.server import sample_network
from storage.db import session_factory
from storage.models import CrawlRun
from tests.crawl_helpers import crawl, crawl_environment, wait_for

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def start_scheduler(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsdesk", "schedule"], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop_scheduler(process: subprocess.Popen, timeout: float = 60) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=timeout)
    return output


def runs() -> list[CrawlRun]:
    with session_factory()() as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


@pytest.fixture
def network_env(tmp_path):
    with crawl_environment(tmp_path, f"sqlite:///{tmp_path / 'newsdesk.db'}",
                           NEWSDESK_SCHEDULE_JITTER_SECONDS="0", NEWSDESK_SHUTDOWN_GRACE_SECONDS="5",
                           NEWSDESK_SCHEDULER_POLL_SECONDS="2") as env, \
            sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        env["NEWSDESK_SOURCES"] = str(sources)
        os.environ["NEWSDESK_SOURCES"] = str(sources)
        from core.settings import reset_settings

        reset_settings()
        try:
            yield env, network, sources
        finally:
            os.environ.pop("NEWSDESK_SOURCES", None)


def test_a_job_due_in_seconds_runs_and_restarts_keep_the_jobs(network_env):
    env, _network, _sources = network_env
    scheduler = start_scheduler(env)
    try:
        wait_for(nightly.live_instances, 30, "the scheduler to start")
    finally:
        first_output = stop_scheduler(scheduler)
    with session_factory()() as session:
        stored = set(session.scalars(text("SELECT id FROM apscheduler_jobs")))
    assert "nightly" in stored, first_output
    # Queued while no scheduler runs, due in a few seconds: the restarted scheduler runs it.
    nightly.queue_run_now("quotidien_nations", at=utcnow() + timedelta(seconds=4))
    scheduler = start_scheduler(env)
    try:
        done = wait_for(lambda: [r for r in runs() if r.status != "running"], 90, "the queued run to finish")
    finally:
        output = stop_scheduler(scheduler)
    assert [(r.spider, r.trigger, r.status) for r in done] == [("quotidien_nations", "manual", "succeeded")], output
    with session_factory()() as session:
        after = set(session.scalars(text("SELECT id FROM apscheduler_jobs")))
    assert "nightly" in after and not any(job.startswith("run-now:") for job in after)


def write_sources(path: Path, network, kind: str) -> Path:
    entry = {"key": "broken", "name": "Broken", "kind": kind, "allow_private_networks": True,
             "feeds": [network.base_urls["quotidien_nations"] + "/rss/international.xml"]}
    path.write_text(yaml.safe_dump({"sources": [entry]}))
    return path


def test_a_crawl_that_crashes_is_recorded_failed_with_its_error(network_env, tmp_path):
    env, network, _ = network_env
    sources = write_sources(tmp_path / "crash.yaml", network, "CrashingSpider")
    outcome = crawl(["broken"], sources, env={"NEWSDESK_SPIDER_MODULES": "crawlers.spiders,tests.helpers.spiders"})
    assert outcome.code == 3
    (run,) = outcome.runs
    assert run.status == "failed" and "exited with status 3" in run.error and "parser exploded" in run.error


def test_a_hung_crawl_is_killed_at_its_timeout_and_marked_timeout(network_env, tmp_path):
    env, network, _ = network_env
    sources = write_sources(tmp_path / "hang.yaml", network, "HangingSpider")
    started = time.monotonic()
    # The timeout leaves room for the crawl to start and open its run on a loaded machine.
    outcome = crawl(["broken"], sources, timeout=15,
                    env={"NEWSDESK_SPIDER_MODULES": "crawlers.spiders,tests.helpers.spiders"})
    assert time.monotonic() - started < 50
    (run,) = outcome.runs
    assert run.status == "timeout" and "timeout" in run.error and run.finished_at is not None


def test_sigterm_lets_running_crawls_end_and_leaves_no_run_running(network_env):
    env, network, _ = network_env
    # Slow pages keep the crawl busy while the scheduler is told to stop.
    for key in network.sites:
        for page in network.sites[key].values():
            page.delay = 0.5
    scheduler = start_scheduler({**env, "NEWSDESK_SHUTDOWN_GRACE_SECONDS": "3"})
    try:
        wait_for(nightly.live_instances, 30, "the scheduler to start")
        nightly.queue_run_now("global_courier")
        wait_for(lambda: [r for r in runs() if r.status == "running"], 60, "the crawl to start")
    finally:
        output = stop_scheduler(scheduler)
    assert scheduler.returncode == 0, output
    final = runs()
    assert final and all(r.status == "interrupted" for r in final), [(r.spider, r.status) for r in final]
    assert not nightly.live_instances()


def test_a_stale_lock_is_taken_over(network_env):
    from storage.runs import start_run
    from storage.sources import sync_sources

    env, network, sources = network_env
    from crawlers.sources import load_sources

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with session_factory().begin() as session:
        ids = sync_sources(session, load_sources(sources))
        stale = start_run(session, source_id=ids["quotidien_nations"], spider="quotidien_nations",
                          trigger="scheduled", pid=dead.pid)
        stale_id = stale.id
    outcome = crawl(["quotidien_nations"], sources)
    assert outcome.code == 0, outcome.log
    with session_factory()() as session:
        old = session.get(CrawlRun, stale_id)
        assert old.status == "interrupted" and "taken over" in old.error
    assert outcome.runs[0].status == "succeeded"

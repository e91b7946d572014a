"""The scheduler stopped at any moment around `schedule run-now`: exit 0, and the queued crawl is
never lost (still stored for the next start, or run and recorded). Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

import scheduler as nightly
from storage.db import session_factory
from storage.models import CrawlRun
from tests.crawl_helpers import crawl_environment, wait_for
from tests.test_scheduler import start_scheduler

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture
def scheduler_env(tmp_path):
    from newsdesk.samplenet.server import sample_network

    with crawl_environment(tmp_path, f"sqlite:///{tmp_path / 'newsdesk.db'}", NEWSDESK_SCHEDULE_JITTER_SECONDS="0",
                           NEWSDESK_SHUTDOWN_GRACE_SECONDS="5",
                           NEWSDESK_SCHEDULER_POLL_SECONDS=str(POLL)) as env, sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        env["NEWSDESK_SOURCES"] = str(sources)
        os.environ["NEWSDESK_SOURCES"] = str(sources)
        from core.settings import reset_settings

        reset_settings()
        try:
            yield env
        finally:
            os.environ.pop("NEWSDESK_SOURCES", None)


def run_now(env: dict, key: str) -> str:
    done = subprocess.run([sys.executable, "-m", "newsdesk", "schedule", "run-now", key], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[1].rstrip(";")  # "queued run-now:KEY:STAMP; ..."


def job_ids() -> set[str]:
    with session_factory()() as session:
        return set(session.scalars(text("SELECT id FROM apscheduler_jobs")))


def runs_of(key: str) -> list[CrawlRun]:
    with session_factory()() as session:
        return list(session.scalars(select(CrawlRun).where(CrawlRun.spider == key)))


# The scheduler's poll, shorter than its 10 s default so that the moments around it come sooner.
POLL = 3.0
# (signal, seconds after run-now): at once, within the poll window, and around the poll that picks
# the job up (up to POLL after queueing it is due and being started), and after it started.
MOMENTS = [(signal.SIGTERM, 0.0), (signal.SIGINT, 1.0), (signal.SIGTERM, 2.0), (signal.SIGINT, 3.0),
           (signal.SIGTERM, 3.5), (signal.SIGINT, 5.0)]


@pytest.mark.parametrize(("signum", "after"), MOMENTS, ids=[f"{s.name}-{a:g}s" for s, a in MOMENTS])
def test_a_scheduler_stopped_around_run_now_exits_0_and_keeps_the_job(scheduler_env, signum, after):
    env = scheduler_env
    process = start_scheduler(env)
    try:
        wait_for(nightly.live_instances, 30, "the scheduler to start")
        job = run_now(env, "quotidien_nations")
        time.sleep(after)
        process.send_signal(signum)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "JobLookupError" not in output, output[-3000:]
    ran = runs_of("quotidien_nations")
    # Never lost: the job waits in the store for the next start, or its crawl ran (and ended).
    assert job in job_ids() or any(job.startswith("run-now:") for job in job_ids()) or ran, output[-3000:]
    assert all(run.status != "running" for run in ran), [(r.id, r.status) for r in ran]
    assert not nightly.live_instances()
    # The poll runs quietly: APScheduler's two INFO lines per run of it are DEBUG.
    assert "Running job \"serve.<locals>.poll" not in output, output[-3000:]

"""A distributed run is judged and alerted on by the coordinator that closes it (real Redis, PostgreSQL, a worker)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdesk.samplenet.nights import NightlyNetwork
from storage.db import make_engine
from storage.models import CrawlRun
from tests.crawl_helpers import crawl_environment
from tests.helpers.webhook import Webhook

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def test_the_coordinator_stores_each_runs_verdict_and_alerts_on_a_broken_source(tmp_path, postgres_url, redis_url):
    hook = Webhook()
    extra = {"NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_WORKER_IDLE_SECONDS": "10", "NEWSDESK_ALERT_URLS": hook.url}
    try:
        with crawl_environment(tmp_path, postgres_url, **extra) as env, NightlyNetwork(outlets=2, per_night=3) as network:
            sources = network.write_sources(tmp_path / "sources.yaml")
            env["NEWSDESK_SOURCES"] = str(sources)
            network.next_night({"nightly_b": "blocked"})
            with (tmp_path / "worker.log").open("w") as log:
                worker = subprocess.Popen([sys.executable, "-m", "newsdesk", "worker"], cwd=ROOT,
                                          env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
            try:
                coordinator = subprocess.run(
                    [sys.executable, "-m", "newsdesk", "crawl", "--all", "--distributed", "--sources", str(sources)],
                    cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=150)
            finally:
                worker.wait(60)
        engine = make_engine(postgres_url)
        with Session(engine) as session:
            runs = {run.spider: run for run in session.scalars(select(CrawlRun))}
        engine.dispose()
    finally:
        hook.close()
    assert coordinator.returncode == 1, coordinator.stdout + coordinator.stderr  # nightly_b's run failed
    assert runs["nightly_a"].status == "succeeded" and runs["nightly_a"].health["status"] == "learning"
    assert runs["nightly_b"].status == "failed" and runs["nightly_b"].health["status"] == "failing"
    assert [f["check"] for f in runs["nightly_b"].health["findings"]] == ["run_failed"]  # learning: no bands yet
    (_, path, payload), = hook.received
    assert path == "/hook" and payload["title"] == "newsdesk: nightly_b is failing"

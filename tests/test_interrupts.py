"""Ctrl-C on `newsdesk crawl`, typed on a real terminal (tmux send-keys): the crawl stops within
15 s, its run ends `interrupted`, the command exits 130, and the next crawl fetches exactly what
was not stored. A second Ctrl-C kills it, and its run is still marked. Without a terminal, a plain
progress line goes to stderr. `crawl --distributed` stops the same way."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsdesk.samplenet.generated import generated_network
from storage.db import make_engine
from storage.models import Article, CrawlRun
from tests.crawl_helpers import crawl_environment, wait_for

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 120
pytestmark = pytest.mark.slow


@pytest.fixture
def slow_source(tmp_path):
    """One outlet of 120 articles whose pages each take 0.5 s: a crawl of most of a minute."""
    with crawl_environment(tmp_path, f"sqlite:///{tmp_path / 'newsdesk.db'}") as env:
        network = generated_network(1, ARTICLES).start()
        network.slow_down(0.5)
        try:
            sources = network.write_sources(tmp_path / "sources.yaml")
            yield {**env, "NEWSDESK_SOURCES": str(sources)}, network.outlets[0].key, env["DATABASE_URL"]
        finally:
            network.stop()


def runs(database_url: str) -> list[CrawlRun]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    engine.dispose()
    return found


def stored(database_url: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    return count


class Terminal:
    """`newsdesk crawl` in a tmux session: a real terminal, where Ctrl-C is a keystroke."""

    def __init__(self, tmp_path: Path, env: dict, key: str):
        if shutil.which("tmux") is None:
            pytest.skip("tmux is not installed (apt-get install tmux)")
        self.session = f"newsdesk-test-{uuid.uuid4().hex[:8]}"
        self.exit_file = tmp_path / "exit-status"
        script = tmp_path / "crawl.sh"
        exports = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())
        script.write_text(f"{exports}cd {shlex.quote(str(ROOT))}\n"
                          f"{shlex.quote(sys.executable)} -m newsdesk crawl {key}\n"
                          f"echo $? > {shlex.quote(str(self.exit_file))}\nsleep 600\n")
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", "160", "-y", "50", f"bash {script}"],
                       check=True)

    def ctrl_c(self) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, "C-c"], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True).stdout

    def exit_status(self) -> int | None:
        text = self.exit_file.read_text().strip() if self.exit_file.exists() else ""
        return int(text) if text else None

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)


def test_ctrl_c_stops_the_crawl_cleanly_and_the_next_crawl_resumes_exactly(slow_source, tmp_path):
    env, key, database_url = slow_source
    terminal = Terminal(tmp_path, env, key)
    try:
        wait_for(lambda: any(run.stats.get("newsdesk/articles_new", 0) >= 10 for run in runs(database_url)), 90,
                 "the crawl to store ten articles")
        assert "crawling 1 source" in terminal.screen()  # the live display, on the terminal
        pressed = time.monotonic()
        terminal.ctrl_c()
        status = wait_for(terminal.exit_status, 30, "newsdesk crawl to exit")
        stopped_in = time.monotonic() - pressed
        screen = terminal.screen()
    finally:
        terminal.close()
    assert status == 130, screen
    assert stopped_in < 15, f"{stopped_in:.1f} s"
    (run,) = runs(database_url)
    assert run.status == "interrupted" and run.finished_at is not None, (run.status, run.error)
    assert "newsdesk: interrupted: runs" in screen and "crawl summary" in screen
    first = stored(database_url)
    assert 0 < first < ARTICLES
    assert run.stats["newsdesk/articles_new"] == first  # the record counts what was stored
    # The next crawl (not on a terminal: a plain progress line instead of the live display) takes
    # up exactly what was not stored.
    again = subprocess.run([sys.executable, "-m", "newsdesk", "crawl", key], cwd=ROOT, env={**os.environ, **env},
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "crawling 1 source" in again.stderr and "waiting for" in again.stderr
    second = runs(database_url)[-1]
    assert second.status == "succeeded"
    assert second.stats["newsdesk/pages_fetched"] == ARTICLES - first
    assert second.stats["newsdesk/skipped/known"] == first
    assert stored(database_url) == ARTICLES


def test_a_second_ctrl_c_kills_the_crawl_and_still_marks_its_run(slow_source, tmp_path):
    env, key, database_url = slow_source
    terminal = Terminal(tmp_path, env, key)
    try:
        wait_for(lambda: any(run.stats.get("newsdesk/pages_fetched", 0) >= 5 for run in runs(database_url)), 90,
                 "the crawl to fetch pages")
        pressed = time.monotonic()
        terminal.ctrl_c()
        time.sleep(0.5)
        terminal.ctrl_c()
        status = wait_for(terminal.exit_status, 30, "newsdesk crawl to exit")
        stopped_in = time.monotonic() - pressed
    finally:
        terminal.close()
    assert status == 130 and stopped_in < 10, stopped_in
    (run,) = runs(database_url)
    assert run.status == "interrupted" and "SIGKILL" in run.error, (run.status, run.error)


@pytest.mark.postgres
@pytest.mark.redis
def test_ctrl_c_stops_a_distributed_crawl_and_closes_its_runs(tmp_path, postgres_url, redis_url):
    import redis

    from crawlers.distributed.queue import KEYS
    from tests.test_distributed import logs_of, start_workers

    extra = {"NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_WORKER_IDLE_SECONDS": "10", "NEWSDESK_CONCURRENT_REQUESTS": "2"}
    with crawl_environment(tmp_path, postgres_url, **extra) as env:
        network = generated_network(1, ARTICLES).start()
        network.slow_down(0.5)
        try:
            sources = network.write_sources(tmp_path / "sources.yaml")
            env = {**env, "NEWSDESK_SOURCES": str(sources)}
            key = network.outlets[0].key
            workers = start_workers(1, env, tmp_path)
            crawl = subprocess.Popen([sys.executable, "-m", "newsdesk", "crawl", key, "--distributed"], cwd=ROOT,
                                     env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_for(lambda: any(run.stats.get("newsdesk/pages_fetched", 0) >= 5 for run in runs(postgres_url)), 90,
                     "the workers to fetch pages")
            crawl.send_signal(signal.SIGINT)  # what Ctrl-C sends to the foreground process
            out, err = crawl.communicate(timeout=60)
            for worker in workers:
                assert worker.wait(60) == 0, logs_of(tmp_path)
        finally:
            network.stop()
    assert crawl.returncode == 130, out[-2000:] + err[-2000:]
    (run,) = runs(postgres_url)
    assert run.status == "interrupted" and "queued requests dropped" in run.error, (run.status, run.error)
    assert redis.Redis.from_url(redis_url).zcard(KEYS["queue"].format(source=key)) == 0
    assert "newsdesk: interrupted: runs" in err

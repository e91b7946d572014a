"""`newsdesk crawl` following a crawl while its own database connection drops (issue 23, item 9).

The follower (crawlers/runs/runner.py `follow`, what `newsdesk crawl` runs) reads progress through a
TCP relay to PostgreSQL that the test cuts; the crawl process talks to PostgreSQL directly. A cut
of a few seconds must not end the command while the crawl goes on; a database that stays away
makes the follower stop the crawl cleanly.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crawlers.runs import runner
from storage.db import make_engine
from storage.models import CrawlRun
from tests.crawl_helpers import crawl_environment
from tests.faults import FAULT_ENV
from tests.faults.server import FaultServer, source_entry, write_sources

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class CuttableRelay:
    """127.0.0.1:<port> -> PostgreSQL, with `cut(seconds)`: every relayed connection is closed and new
    ones are refused (closed at once) until the cut ends; `cut()` with no end lasts for good."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_until = 0.0
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if time.monotonic() < self.cut_until:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self, seconds: float = float("inf")) -> None:
        self.cut_until = time.monotonic() + seconds
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self.sockets.clear()

    def close(self) -> None:
        self.running = False
        self.listener.close()
        self.cut()


@pytest.fixture
def relay(postgres_url):
    url = make_url(postgres_url)
    relay = CuttableRelay((url.host or "127.0.0.1", url.port or 5432))
    yield relay, url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    relay.close()


def start_crawl(tmp: Path, site: FaultServer, direct_url: str) -> runner.CrawlProcess:
    articles = [site.article(f"/slow/{n}") for n in range(8)]
    sources = write_sources(tmp / "sources.yaml", [source_entry("slow", feeds=[site.feed("/slow/feed.xml", articles)])])
    # One request a second: the crawl lasts about ten seconds, long enough to cut the follower's database.
    env = {"DATABASE_URL": direct_url, "NEWSDESK_DOWNLOAD_DELAY": "1", "NEWSDESK_CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    return runner.launch(["slow"], trigger="cli", sources_path=sources, env=env)


def runs_of(direct_url: str) -> list[CrawlRun]:
    engine = make_engine(direct_url)
    with Session(engine) as session:
        runs = session.scalars(select(CrawlRun)).all()
    engine.dispose()
    return runs


def test_a_dropped_connection_of_the_progress_poller_does_not_end_the_command(tmp_path, postgres_url, relay):
    relay, relayed_url = relay
    seen: list[int] = []
    with crawl_environment(tmp_path, relayed_url, **FAULT_ENV), FaultServer() as site:
        process = start_crawl(tmp_path, site, postgres_url)
        threading.Timer(2.0, relay.cut, args=(3.0,)).start()
        code = runner.follow(process, on_progress=lambda runs: seen.append(len(runs)), timeout_seconds=90,
                             grace_seconds=10, database_grace_seconds=60)
    assert code == 0
    assert [run.status for run in runs_of(postgres_url)] == ["succeeded"]
    assert seen and seen[-1] == 1  # progress was shown again once the database was back


def test_a_database_that_stays_away_stops_the_crawl_cleanly(tmp_path, postgres_url, relay):
    relay, relayed_url = relay
    with crawl_environment(tmp_path, relayed_url, **FAULT_ENV), FaultServer() as site:
        process = start_crawl(tmp_path, site, postgres_url)
        threading.Timer(2.0, relay.cut).start()
        started = time.monotonic()
        code = runner.follow(process, on_progress=lambda runs: None, timeout_seconds=90, grace_seconds=10,
                             database_grace_seconds=3)
        elapsed = time.monotonic() - started
    assert code != 0 and process.popen.poll() is not None  # the crawl was stopped, not left running
    assert elapsed < 30
    runs = runs_of(postgres_url)
    assert [run.status for run in runs] == ["interrupted"]  # closed by the crawl itself on our SIGTERM

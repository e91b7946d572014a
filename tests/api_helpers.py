"""Helpers of the `newsdesk serve` tests: a small newsroom written by the real writer, a reader
connection of each kind (the PostgreSQL reader role made by `grant-reader`), the app on it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.records import ArticleData
from newsdesk.api.database import reader_engine, sqlite_read_only_url
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.access import grant_reader
from storage.models import Source
from storage.runs import finish_run, start_run
from tests.texts import brief, story, syndicated_copy

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SOURCES = [("wire", "Meridian Wire", "INT", "en"), ("herald", "Indus Herald", "PK", "en"),
           ("quotidien", "Le Quotidien", "FR", "fr")]


def write_article(engine: Engine, source_id: int, url: str, title: str, body: str, *, published: datetime | None,
                  language: str = "en", other_urls: dict | None = None):
    writer = ArticleWriter(DedupSettings())
    with Session(engine) as session, session.begin():
        return writer.write(session, ArticleData(canonical_url=url, title=title, text=body, published_at=published,
                                                 language=language, authors=["A. Writer"],
                                                 other_urls=other_urls or {}),
                            source_id=source_id, run_id=None)


def seed_newsroom(engine: Engine) -> dict[str, int]:
    """Three sources with runs; 12 articles: one wire story syndicated twice, a revised article,
    an article with an AMP URL, briefs, French articles, one without a publication date."""
    ids: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        for key, name, country, language in SOURCES:
            source = Source(key=key, name=name, discovery="feeds", country=country, language=language)
            session.add(source)
            session.flush()
            ids[key] = source.id
            run = start_run(session, source_id=source.id, spider=key, trigger="cli")
            finish_run(session, run.id, "succeeded", stats={"newsdesk/pages_fetched": 5, "newsdesk/articles_new": 4})
    wire_text = story(1)
    write_article(engine, ids["wire"], "https://wire.example/talks", "Border talks resume in Geneva", wire_text,
                  published=T0)
    write_article(engine, ids["herald"], "https://herald.example/talks", "Talks resume", syndicated_copy(wire_text, 1),
                  published=T0 + timedelta(hours=2), other_urls={"https://herald.example/amp/talks": "amp"})
    write_article(engine, ids["quotidien"], "https://quotidien.example/talks", "Reprise des pourparlers",
                  syndicated_copy(wire_text, 2), published=T0 + timedelta(hours=3), language="fr")
    for n in range(6):
        write_article(engine, ids["wire" if n % 2 else "herald"], f"https://news.example/{n}", f"Summit report {n}",
                      story(100 + n), published=T0 + timedelta(days=1 + n))
    write_article(engine, ids["quotidien"], "https://quotidien.example/breve", "Brève", brief(7),
                  published=T0 + timedelta(days=2), language="fr")
    write_article(engine, ids["herald"], "https://herald.example/undated", "Undated analysis", story(300),
                  published=None)
    write_article(engine, ids["wire"], "https://wire.example/ceasefire", "Ceasefire holds", story(400),
                  published=T0 + timedelta(days=3))
    # A revision: the same URL again with a changed body.
    write_article(engine, ids["wire"], "https://wire.example/ceasefire", "Ceasefire holds, officials say",
                  story(400) + "\n\nOfficials confirmed the ceasefire held overnight.", published=T0 + timedelta(days=3))
    return ids


@contextlib.contextmanager
def reader_for(engine: Engine) -> Iterator[Engine]:
    """The read-only engine `newsdesk serve` would use on this database."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        reader = reader_engine(sqlite_read_only_url(url))
        try:
            yield reader
        finally:
            reader.dispose()
        return
    with reader_role(engine) as reader_url:
        reader = reader_engine(make_url(reader_url))
        try:
            yield reader
        finally:
            reader.dispose()


@contextlib.contextmanager
def reader_role(engine: Engine) -> Iterator[str]:
    """A PostgreSQL role made by `grant_reader(..., tables=True)`, dropped afterwards."""
    role = f"api_reader_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        grant_reader(connection, role, tables=True)
    try:
        yield engine.url.set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))


ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def serve_process(env: dict[str, str], *, timeout: float = 60) -> Iterator[str]:
    """`newsdesk serve` as its own process on a free loopback port; yields its base URL."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from newsdesk.samplenet.server import free_port

    def launch() -> tuple[subprocess.Popen, str]:
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--port", str(port)], cwd=ROOT,
                                   env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return process, f"http://127.0.0.1:{port}"

    process, base = launch()
    relaunches = 2
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = process.stdout.read()
                # The port was free when probed; a parallel test may have taken it before the
                # server bound it (`newsdesk serve` says so in one line): another port, then.
                if "is in use" in output and relaunches:
                    relaunches -= 1
                    process, base = launch()
                    continue
                raise AssertionError(f"newsdesk serve exited with {process.returncode}: {output}")
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("newsdesk serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

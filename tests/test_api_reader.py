"""`newsdesk serve` reads through the read-only contract and nothing else.

PostgreSQL: the reader role cannot write through any endpoint, or at all; `serve` refuses a role
that could write, one that cannot read what it reads, and a missing reader URL. SQLite: the file
is opened read-only. And the real command starts, serves, and fails in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from core.errors import UserError
from newsdesk.api import create_app
from newsdesk.api.database import check_read_only_contract, reader_engine
from storage import migrate
from storage.access import grant_reader
from storage.db import make_engine
from tests.api_helpers import reader_for, reader_role, seed_newsroom, serve_process

ROOT = Path(__file__).resolve().parent.parent
WRITES = [
    "INSERT INTO sources (key, name, discovery, enabled, created_at, updated_at) VALUES ('x', 'x', 'feeds', true, now(), now())",
    "UPDATE articles SET title = 'changed'",
    "DELETE FROM change_log",
    "TRUNCATE stories CASCADE",
    "CREATE TABLE mine (id int)",
    "DROP VIEW v_articles",
]


def fingerprint(engine) -> dict:
    """Row counts and id sums of every table: any write shows."""
    with engine.connect() as connection:
        tables = [t for t in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).scalars()]
        return {t: tuple(connection.execute(text(f'SELECT count(*), md5(string_agg(t::text, \',\' ORDER BY t::text)) FROM "{t}" t')).one())
                for t in tables}


def exercise_every_route(client, app) -> set[tuple[str, str]]:
    """Call every route of the app (the operator POSTs too) with real ids; returns what was called."""
    article = client.get("/articles", params={"limit": 1}).json()["items"][0]
    story = article["story_id"]
    run = client.get("/runs").json()["items"][0]["run_id"]
    calls = [
        ("GET", "/articles", {"q": "summit", "source": "wire", "since": "2026-11-01", "limit": 2}),
        ("GET", "/articles/{article_id}", f"/articles/{article['id']}"),
        ("GET", "/stories", {"min_members": 1}),
        ("GET", "/stories/{story_id}", f"/stories/{story}"),
        ("GET", "/sources", None), ("GET", "/runs", {"source": "wire"}), ("GET", "/changes", {"wait": 0.3}),
        ("GET", "/", None), ("GET", "/operator/runs/{run_id}", f"/operator/runs/{run}"), ("GET", "/docs", None),
        ("GET", "/openapi.json", None),
        ("POST", "/operator/sign-in", {"token": "guess"}), ("POST", "/operator/sign-out", {"csrf": "x"}),
        ("POST", "/operator/sources/{key}/crawl", "/operator/sources/wire/crawl"),
    ]
    called = set()
    for method, route, arg in calls:
        path = arg if isinstance(arg, str) else route
        if method == "GET":
            response = client.get(path, params=arg if isinstance(arg, dict) else None)
            assert response.status_code == 200, (path, response.text[:200])
            client.get(path, params=arg if isinstance(arg, dict) else None, headers={"Accept": "application/x-ndjson"})
        else:
            assert client.post(path, data=arg if isinstance(arg, dict) else {"csrf": "x"}).status_code == 403
        called.add((method, route))
    routes = {(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods} | {("GET", "/openapi.json")}
    assert routes <= called, f"add these routes to the test: {routes - called}"
    return called


@pytest.mark.postgres
def test_the_reader_role_cannot_write_through_any_endpoint_or_at_all(postgres_url):
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    seed_newsroom(engine)
    before = fingerprint(engine)
    with reader_for(engine) as reader:
        app = create_app(reader)
        with TestClient(app) as client:
            exercise_every_route(client, app)
        assert fingerprint(engine) == before
        for statement in WRITES:
            with reader.connect() as connection, pytest.raises(DBAPIError) as refused:
                connection.execute(text(statement))
            assert "permission denied" in str(refused.value) or "read-only transaction" in str(refused.value)
        with reader.connect() as connection, pytest.raises(DBAPIError, match="permission denied"):
            connection.execute(text("SET TRANSACTION READ WRITE"))  # even out of read-only mode ...
            connection.execute(text("DELETE FROM articles"))        # ... the grants refuse it
    assert fingerprint(engine) == before
    engine.dispose()


def test_sqlite_is_read_through_a_read_only_file(sqlite_url):
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    seed_newsroom(engine)
    with reader_for(engine) as reader:
        check_read_only_contract(reader)
        app = create_app(reader)
        with TestClient(app) as client:
            exercise_every_route(client, app)
        with reader.connect() as connection, pytest.raises(DBAPIError, match="readonly|read-only|query_only"):
            connection.exec_driver_sql("PRAGMA query_only = OFF")
            connection.exec_driver_sql("DELETE FROM articles")
    engine.dispose()


@pytest.mark.postgres
def test_serve_refuses_roles_that_can_write_or_cannot_read(postgres_url):
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    superuser = reader_engine(make_url(postgres_url))
    with pytest.raises(UserError, match="superuser"):
        check_read_only_contract(superuser)
    superuser.dispose()
    role = f"api_writer_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        grant_reader(connection, role, tables=True)
        connection.execute(text(f'GRANT INSERT ON articles TO "{role}"'))  # one grant too many
    try:
        writer = reader_engine(make_url(postgres_url).set(username=role))
        with pytest.raises(UserError, match=f"role {role} can write to articles"):
            check_read_only_contract(writer)
        writer.dispose()
        with engine.begin() as connection:
            grant_reader(connection, role)  # views only: the API needs more
        views_only = reader_engine(make_url(postgres_url).set(username=role))
        with pytest.raises(UserError, match=f"cannot read sources: run `newsdesk db grant-reader {role} --tables`"):
            check_read_only_contract(views_only)
        views_only.dispose()
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
    with reader_role(engine) as url:
        good = reader_engine(make_url(url))
        check_read_only_contract(good)
        good.dispose()
    engine.dispose()


def run_serve(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", "serve", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, **env})


@pytest.mark.postgres
def test_serve_on_postgresql_without_a_reader_url_says_what_to_do_in_one_line(postgres_url, tmp_path):
    done = run_serve({"DATABASE_URL": postgres_url, "NEWSDESK_CONFIG": str(tmp_path / "none.toml")})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "NEWSDESK_READER_DATABASE_URL" in done.stderr and "grant-reader" in done.stderr


def test_serve_runs_as_its_own_process_and_fails_in_one_line(sqlite_url, tmp_path):
    env = {"DATABASE_URL": sqlite_url, "NEWSDESK_CONFIG": str(tmp_path / "none.toml"),
           "NEWSDESK_DATA_DIR": str(tmp_path / "data")}
    missing = run_serve(env)
    assert missing.returncode == 2 and "no database at" in missing.stderr and "Traceback" not in missing.stderr
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    seed_newsroom(engine)
    engine.dispose()
    with serve_process(env) as base:
        assert len(httpx.get(f"{base}/articles").json()["items"]) == 12
        assert httpx.get(f"{base}/").status_code == 200
        port = int(base.rsplit(":", 1)[1])
        busy = run_serve(env, "--port", str(port))
        assert busy.returncode == 2 and busy.stderr.strip() == (
            f"newsdesk: error: port {port} on 127.0.0.1 is in use: choose another with --port")
    bad = run_serve({**env, "NEWSDESK_API_RATE_LIMIT": "lots"})
    assert bad.returncode == 2 and "invalid setting NEWSDESK_API_RATE_LIMIT" in bad.stderr


def test_a_crawl_still_opens_no_port():
    # `serve` is the only listener: the crawl process's modules import nothing of newsdesk.api
    # (the layer contract forbids it too: crawlers/ may not import newsdesk/).
    code = ("import sys, crawlers.runs.process; "
            "print(sorted(m for m in sys.modules if m.startswith(('newsdesk.api', 'uvicorn', 'fastapi'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr

"""Fixtures: a fresh database of each kind in one line, and the services the suite needs.

PostgreSQL tests run against NEWSDESK_TEST_POSTGRES_URL (a server we may create databases on);
each test gets a database of its own, dropped afterwards. Without the variable they skip, unless
NEWSDESK_REQUIRE_SERVICES=1 (CI), where a skip would hide a failure and so fails instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from core.settings import reset_settings
from storage import migrate
from storage.db import dispose_engines, make_engine

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
REQUIRE_SERVICES = os.environ.get("NEWSDESK_REQUIRE_SERVICES") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (NEWSDESK_REQUIRE_SERVICES=1: this must not be skipped)")
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or a skip with the reason when the workspace has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared fixtures live beside the project, not in it)")
    return path


# --- PostgreSQL --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get("NEWSDESK_TEST_POSTGRES_URL")
    if not url:
        _unavailable("NEWSDESK_TEST_POSTGRES_URL is not set")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        _unavailable(f"PostgreSQL at NEWSDESK_TEST_POSTGRES_URL is unreachable: {exc.__class__.__name__}")
    finally:
        engine.dispose()
    return url


def create_postgres_database(server_url: str) -> str:
    name = f"newsdesk_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    url = create_postgres_database(postgres_server_url)
    yield url
    dispose_engines()
    drop_postgres_database(postgres_server_url, url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsdesk.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """A fresh, empty database: once SQLite, once PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A fresh database of each kind, migrated to head."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def env(monkeypatch, tmp_path: Path):
    """Point the settings at a test's own database and data folder; returns a setter for more."""
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))

    def set_env(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        reset_settings()
        dispose_engines()

    set_env()
    yield set_env
    reset_settings()
    dispose_engines()


# --- Redis ----------------------------------------------------------------------------------------

# Each test takes a Redis database number of its own (1-15), claimed with SET NX: test sessions
# running at once on one server (two checkouts, CI beside a developer) never share queues.
CLAIM_KEY = "newsdesk:test:claimed"


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    base = os.environ.get("NEWSDESK_TEST_REDIS_URL")
    if not base:
        _unavailable("NEWSDESK_TEST_REDIS_URL is not set")
    root = base.rsplit("/", 1)[0] if base.count("/") >= 3 else base
    claim = f"{os.getpid()}-{uuid.uuid4().hex}"
    server = None
    try:
        for number in range(15, 0, -1):
            candidate = redis.Redis.from_url(f"{root}/{number}")
            if candidate.set(CLAIM_KEY, claim, nx=True, ex=900):
                server, url = candidate, f"{root}/{number}"
                break
            candidate.close()
    except redis.RedisError as exc:
        _unavailable(f"Redis at NEWSDESK_TEST_REDIS_URL is unreachable: {exc.__class__.__name__}")
    if server is None:
        pytest.fail("no free Redis database among 1-15 for this test (claimed by other test sessions)")
    server.flushdb()
    server.set(CLAIM_KEY, claim, ex=900)
    yield url
    server.flushdb()  # the claim goes with it
    server.close()


# --- a postgres test that was skipped in CI is a failure ---------------------------------------

_postgres_passed = 0


def pytest_runtest_logreport(report) -> None:
    global _postgres_passed
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed += 1


def pytest_sessionfinish(session, exitstatus) -> None:
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every worker's reports and judges
    if REQUIRE_SERVICES and session.testscollected and not _postgres_passed and exitstatus == 0:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            "NEWSDESK_REQUIRE_SERVICES=1 but no PostgreSQL test passed", red=True
        )
        session.exitstatus = 1

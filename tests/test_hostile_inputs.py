"""Odd input to the commands and the retry middleware (issue 23, item 11): one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.middlewares import _retry_after_seconds
from storage import migrate
from storage.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode not in (0, 1), result.stderr  # refused, not a crash or an empty success
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert all(word in lines[0] for word in words), lines[0]


@pytest.mark.parametrize("value", ["²", "٣", "1²", "Mon, 99 Foo 99999 99:99:99 GMT"])
def test_a_retry_after_that_is_not_ascii_digits_or_a_date_is_no_wait(value):
    assert _retry_after_seconds(value) is None


def test_retry_after_still_reads_seconds():
    assert _retry_after_seconds(" 12 ") == 12.0


@pytest.fixture
def database_env(db_url, tmp_path) -> dict:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    engine.dispose()
    return {"DATABASE_URL": db_url, "NEWSDESK_CONFIG": str(tmp_path / "absent.toml"),
            "NEWSDESK_DATA_DIR": str(tmp_path / "data")}


def test_a_since_before_the_year_one_is_one_line(database_env):
    assert_one_line(cli("search", "talks", "--since", "999999999d", env=database_env), "--since")
    assert_one_line(cli("export", "--since", "99999999999999999999h", env=database_env), "--since")


def test_a_search_of_twenty_thousand_words_is_one_line(database_env):
    query = " ".join(f"w{n:x}" for n in range(20_000))  # under the 128 KiB limit of one argument
    assert_one_line(cli("search", query, env=database_env), "20000 words")
    assert_one_line(cli("search", f'"{query}"', env=database_env), "20000 words")


def test_a_sources_file_nested_deeper_than_the_stack_is_one_line(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("sources: " + "[" * 20_000 + "]" * 20_000 + "\n")
    result = cli("sources", "validate", "--sources", str(deep), env={"NEWSDESK_CONFIG": str(tmp_path / "absent.toml")})
    assert_one_line(result, "nested too deeply")

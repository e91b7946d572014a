"""Settings: environment and newsdesk.toml, one clear line for a bad value, passwords masked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.errors import UserError
from core.masking import mask_secrets
from core.settings import PROJECT_ROOT, get_settings


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def test_default_sqlite_path_is_anchored_at_the_project_root(env, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    env()
    assert get_settings().resolved_database_url == f"sqlite:///{PROJECT_ROOT}/data/newsdesk.db"


def test_environment_beats_the_toml_file(env, tmp_path):
    config = tmp_path / "newsdesk.toml"
    config.write_text('log_level = "DEBUG"\ndownload_timeout = 12\n')
    env(NEWSDESK_CONFIG=str(config), NEWSDESK_DOWNLOAD_TIMEOUT="7")
    settings = get_settings()
    assert (settings.log_level, settings.download_timeout) == ("DEBUG", 7)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("NEWSDESK_DOWNLOAD_TIMEOUT", "soon", "invalid setting NEWSDESK_DOWNLOAD_TIMEOUT = 'soon'"),
        ("DATABASE_URL", "mysql://u:hunter2@db/news", "invalid setting DATABASE_URL = 'mysql://u:***@db/news'"),
        ("NEWSDESK_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("NEWSDESK_NIGHTLY_CRON", "at two", "not a crontab expression"),
    ],
)
def test_a_bad_value_gives_one_line_naming_the_setting(env, variable, value, expected):
    env(**{variable: value})
    with pytest.raises(UserError) as raised:
        get_settings()
    assert expected in str(raised.value) and "\n" not in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_cli_reports_a_bad_setting_in_one_line_without_traceback(tmp_path):
    result = run_cli("db", "current", env={"NEWSDESK_LOG_LEVEL": "LOUD", "NEWSDESK_CONFIG": str(tmp_path / "x.toml")})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "invalid setting NEWSDESK_LOG_LEVEL" in result.stderr and "Traceback" not in result.stderr


def test_unknown_key_in_toml_is_named(env, tmp_path):
    config = tmp_path / "newsdesk.toml"
    config.write_text('log_levle = "DEBUG"\n')
    env(NEWSDESK_CONFIG=str(config))
    with pytest.raises(UserError, match="unknown setting 'log_levle'"):
        get_settings()


def test_passwords_are_masked_in_config_output_and_connection_errors(tmp_path):
    url = "postgresql://reader:s3cr3t-pw@127.0.0.1:1/newsdesk"
    shown = run_cli("config", "--json", env={"DATABASE_URL": url, "NEWSDESK_CONFIG": str(tmp_path / "x.toml")})
    assert shown.returncode == 0 and "reader:***@127.0.0.1" in shown.stdout and "s3cr3t" not in shown.stdout
    failed = run_cli("db", "current", env={"DATABASE_URL": url, "NEWSDESK_CONFIG": str(tmp_path / "x.toml")})
    assert failed.returncode == 3 and "database unavailable" in failed.stderr
    assert "s3cr3t" not in failed.stderr + failed.stdout


def test_mask_secrets_handles_several_urls_and_empty_users():
    text = "a postgresql://u:p@h/db and redis://:tok@r:6379/0 and http://plain.example/x"
    assert mask_secrets(text) == "a postgresql://u:***@h/db and redis://:***@r:6379/0 and http://plain.example/x"

"""Read commands from an operator's side, run as the real command (a subprocess): they only read
(no database created, no job synced), they say in one line what to do on a database that is not
there or not migrated, they show a dead crawl as stale, they refuse a mistyped source, and they
print JSON, versions and help a script or a person can use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from core.dates import utcnow
from storage import migrate
from storage.db import make_engine
from storage.models import CrawlRun
from tests.helpers.run_history import add_run, add_source, night_stats

ROOT = Path(__file__).resolve().parent.parent

# Every command that only reads the database, with the arguments it needs.
READ_COMMANDS = [["runs"], ["runs", "show", "1"], ["search", "border"], ["export"], ["health"],
                 ["schedule", "list"], ["db", "current"], ["db", "check"], ["dedup"]]


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture
def sources_file(tmp_path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [
        {"key": "dawn_world", "name": "Dawn", "feeds": ["https://dawn.example/feed"]},
        {"key": "herald", "name": "Herald", "feeds": ["https://herald.example/feed"], "schedule": "0 */6 * * *"}]}))
    return path


def base_env(tmp_path: Path, url: str, sources: Path) -> dict:
    return {"DATABASE_URL": url, "NEWSDESK_CONFIG": str(tmp_path / "absent.toml"), "NEWSDESK_SOURCES": str(sources),
            "NEWSDESK_DATA_DIR": str(tmp_path / "data")}


def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- bug 5: a database that is not there, or not migrated ------------------------------------------

@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_command_never_creates_a_sqlite_database(tmp_path, sources_file, command):
    missing = tmp_path / "no_such_dir" / "x.db"
    result = cli(*command, env=base_env(tmp_path, f"sqlite:///{missing}", sources_file))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "newsdesk db upgrade" in one_line(result)
    assert not missing.parent.exists()


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_command_on_an_unmigrated_database_says_to_upgrade(tmp_path, sources_file, db_url, command):
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).touch()  # there, but empty
    result = cli(*command, env=base_env(tmp_path, db_url, sources_file))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "newsdesk db upgrade" in one_line(result)
    engine = make_engine(db_url)
    assert inspect(engine).get_table_names() == []  # nothing created, not even the job store
    engine.dispose()


# --- bug 3: `schedule list` only reads ------------------------------------------------------------

@pytest.fixture
def migrated(tmp_path, sources_file) -> tuple[str, dict]:
    url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url, base_env(tmp_path, url, sources_file)


def test_schedule_list_reads_the_jobs_and_changes_nothing(tmp_path, migrated):
    url, env = migrated
    # The scheduler's view: one source, nightly (as stored by `newsdesk schedule` from its own file).
    scheduler_sources = tmp_path / "scheduler-sources.yaml"
    scheduler_sources.write_text(yaml.safe_dump({"sources": [
        {"key": "dawn_world", "name": "Dawn", "feeds": ["https://dawn.example/feed"]}]}))
    stored = subprocess.run(
        [sys.executable, "-c", "import scheduler; from crawlers.sources import load_sources;"
         f"scheduler.sync_stored_jobs(load_sources(__import__('pathlib').Path({str(scheduler_sources)!r})))"],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert stored.returncode == 0, stored.stderr
    engine = make_engine(url)

    def jobs():
        with engine.connect() as connection:
            return connection.execute(text("SELECT id, next_run_time, job_state FROM apscheduler_jobs ORDER BY id")).all()

    before = jobs()
    assert [row.id for row in before] == ["nightly"]
    # The operator's shell names another sources file, where `herald` has its own schedule.
    listed = cli("schedule", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [job["job"] for job in json.loads(listed.stdout)["jobs"]] == ["nightly"]
    assert jobs() == before  # not one job added, removed or rewritten
    engine.dispose()


def test_schedule_list_on_a_database_without_a_job_store_creates_none(migrated):
    url, env = migrated
    listed = cli("schedule", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "no job stored yet" in listed.stdout
    engine = make_engine(url)
    assert "apscheduler_jobs" not in inspect(engine).get_table_names()
    engine.dispose()


# --- bug 7: a dead crawl is shown stale, not running, and not written ------------------------------

def test_runs_shows_a_crawl_whose_process_died_as_stale_without_writing(migrated):
    url, env = migrated
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        source = add_source(session, "dawn_world")
        run_id = add_run(session, source, 0, stats=night_stats(), status="running",
                         start=utcnow() - timedelta(minutes=2))
        run = session.get(CrawlRun, run_id)
        run.finished_at, run.pid, run.host = None, dead.pid, __import__("socket").gethostname()
        run.heartbeat_at = run.started_at + timedelta(seconds=30)
    listed = cli("runs", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    (shown,) = json.loads(listed.stdout)
    assert (shown["status"], shown["recorded_status"]) == ("stale", "running")
    assert shown["duration"] == "0:00:30"  # the clock stopped at its last heartbeat
    table = cli("runs", env=env)
    assert re.search(rf"│ +{run_id} │.*│ stale +│", table.stdout), table.stdout
    detail = cli("runs", "show", str(run_id), env=env)
    assert "stale: recorded running" in detail.stdout and "marks it interrupted" in detail.stdout
    with Session(engine) as session:
        assert session.get(CrawlRun, run_id).status == "running"  # shown, not stored
    engine.dispose()


# --- bug 9 and "did you mean": unknown source keys ---------------------------------------------------

@pytest.mark.parametrize("command", [["export", "--source", "dawn_wrld"], ["runs", "--source", "dawn_wrld"],
                                     ["search", "border", "--source", "dawn_wrld"], ["health", "--source", "dawn_wrld"],
                                     ["crawl", "dawn_wrld"]], ids=lambda c: c[0])
def test_an_unknown_source_is_refused_with_a_suggestion(migrated, command):
    _url, env = migrated
    result = cli(*command, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result)
    assert "unknown source 'dawn_wrld'" in line and "did you mean 'dawn_world'?" in line
    assert result.stdout == ""  # export wrote nothing


# --- --json, --version, help ------------------------------------------------------------------------

def test_version():
    from core.settings import version

    result = cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"newsdesk {version()}"


def test_every_command_that_prints_a_table_has_json(migrated, tmp_path):
    url, env = migrated
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        add_run(session, add_source(session, "dawn_world"), 0, stats=night_stats(pages=3, new=2, dropped={"too_short": 1}))
    engine.dispose()
    runs = json.loads(cli("runs", "--json", env=env).stdout)
    assert runs[0]["counters"]["new"] == 2 and runs[0]["counters"]["dropped"] == 1
    shown = json.loads(cli("runs", "show", str(runs[0]["run"]), "--json", env=env).stdout)
    assert shown["dropped"] == {"too_short": 1} and shown["source"] == "s1"
    found = json.loads(cli("search", "Story", "--json", env=env).stdout)
    assert found and {"url", "title", "source", "article_id"} <= found[0].keys()
    listed = json.loads(cli("sources", "list", "--json", env=env).stdout)
    assert [s["key"] for s in listed] == ["dawn_world", "herald"]
    assert json.loads(cli("schedule", "list", "--json", env=env).stdout) == {"jobs": [], "schedulers": []}
    current = json.loads(cli("db", "current", "--json", env=env).stdout)
    assert current["up_to_date"] is True and current["revision"] == migrate.head_revision()
    assert isinstance(json.loads(cli("health", "--json", env=env).stdout), list)


def test_help_shows_flags_without_a_value_and_the_choices_of_format():
    crawl = cli("crawl", "--help", env={"COLUMNS": "120"})
    assert crawl.returncode == 0
    assert "<bool>" not in crawl.stdout and re.search(r"--all\s+Crawl every enabled source", crawl.stdout), crawl.stdout
    export = cli("export", "--help", env={"COLUMNS": "120"})
    assert "<bool>" not in export.stdout and "jsonl|csv" in export.stdout, export.stdout
    schedule = cli("schedule", "--help", env={"COLUMNS": "120"})
    assert "Plain newsdesk schedule STARTS the scheduler" in " ".join(schedule.stdout.split()), schedule.stdout


def test_export_refuses_an_unknown_format_naming_the_choices(migrated):
    _url, env = migrated
    result = cli("export", "--format", "xml", env=env)
    said = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stderr).split())
    assert result.returncode == 2 and "'xml' is not one of 'jsonl', 'csv'" in said and result.stdout == "", said


def test_sources_validate_reports_every_mistake(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [
        {"key": "Bad Key", "name": "X", "feeds": ["https://example.org/f"]},
        {"key": "nofeed", "name": "Y"},
        {"key": "badurl", "name": "Z", "feeds": ["ftp://example.org/feed"], "country": "pk"}]}))
    result = cli("sources", "validate", "--sources", str(path), env={"NEWSDESK_CONFIG": str(tmp_path / "absent.toml")})
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsdesk: error:")]
    assert len(errors) == 4, result.stderr
    for expected in ("sources[0] (Bad Key): key:", "sources[1] (nofeed): entry:", "sources[2] (badurl): country:",
                     "sources[2] (badurl): feeds[0]:"):
        assert any(expected in line for line in errors), (expected, result.stderr)


def test_search_prints_whole_urls_when_not_on_a_terminal(migrated):
    url, env = migrated
    engine = make_engine(url)
    long_url = "https://dawn.example/" + "/".join(f"section-{n}-of-a-very-long-address" for n in range(8)) + "/story"
    with Session(engine) as session, session.begin():
        add_run(session, add_source(session, "dawn_world"), 0, stats=night_stats(), articles=1)
        session.execute(text("UPDATE articles SET canonical_url = :u"), {"u": long_url})
    found = cli("search", "Story", env=env)
    assert found.returncode == 0 and long_url in found.stdout, found.stdout
    assert "…" not in found.stdout.split("\n", 1)[1].split("│")[-2]
    with Session(engine) as session:
        assert session.scalar(select(CrawlRun.id)) is not None
    engine.dispose()

"""`newsdesk health` and the health column of `newsdesk runs`, run as the real command."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import yaml
from sqlalchemy.orm import Session

from core.dates import utcnow
from crawlers.runs.health import record_verdict
from newsdesk.cli import main as cli_main
from storage import migrate
from storage.db import make_engine
from tests.helpers.run_history import add_normal_nights, add_run, add_source, night_stats


def main(argv: list[str]) -> int:
    """The command's exit status, as the shell sees it (click ends successful commands by SystemExit)."""
    try:
        return cli_main(argv)
    except SystemExit as exit_:
        return exit_.code or 0


@pytest.fixture
def database(env, tmp_path):
    """Two sources judged over eight nights that end now: `steady` ok, `walled` blocked on the last."""
    url = f"sqlite:///{tmp_path / 'health.db'}"
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"key": key, "name": key.title(), "feeds": [f"https://{key}.example/feed"]} for key in ("steady", "walled")]}))
    env(DATABASE_URL=url, NEWSDESK_SOURCES=str(sources))
    engine = make_engine(url)
    migrate.upgrade(engine)
    start = utcnow().replace(microsecond=0) - timedelta(days=7, minutes=5)  # the last night: 5 minutes ago
    with Session(engine) as session, session.begin():
        for key in ("steady", "walled"):
            source_id = add_source(session, key, created_at=start)
            ids = add_normal_nights(session, source_id, 7, start=start)
            if key == "walled":
                ids.append(add_run(session, source_id, 7, stats=night_stats(pages=0, new=0, statuses={403: 4}),
                                   articles=0, start=start))
            else:
                ids += add_normal_nights(session, source_id, 1, first=7, start=start)
            for run_id in ids:
                record_verdict(session, run_id)
    engine.dispose()
    return sources


def test_health_json_lists_each_source_with_status_and_findings_and_exits_1_when_one_fails(database, capsys):
    assert main(["health", "--json"]) == 1
    rows = {row["source"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["steady"]["status"] == "ok" and rows["steady"]["findings"] == []
    assert rows["walled"]["status"] == "failing"
    first = rows["walled"]["findings"][0]
    assert first["check"] == "blocked" and first["message"].startswith("requests blocked (401/403/429/451)")
    assert rows["walled"]["last_run"]["status"] == "succeeded" and rows["walled"]["judged_run"] == rows["walled"]["last_run"]["id"]


def test_health_of_one_source_and_the_table(database, capsys):
    assert main(["health", "--source", "steady"]) == 0
    out = capsys.readouterr().out
    assert "steady" in out and "ok" in out and "walled" not in out
    assert main(["health"]) == 1
    out = capsys.readouterr().out
    assert "failing" in out and "blocked: requests blocked" in out


def test_an_unknown_source_is_one_line_and_exit_2(database, capsys):
    assert main(["health", "--source", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsdesk: error: unknown source 'nowhere'") and "Traceback" not in err


def test_runs_shows_each_runs_health(database, capsys):
    assert main(["runs", "--limit", "4"]) == 0
    out = capsys.readouterr().out
    assert "health" in out and "failing (blocked)" in out and "ok" in out


def test_config_shows_alert_urls_masked(env, capsys):
    env(NEWSDESK_ALERT_URLS="slack://T000/B000/secrettoken json://user:pw@hooks.example/path")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "secrettoken" not in out and "pw@" not in out and "slack://***" in out and "json://***" in out

"""Source health: each run against its source's own history, per-source status, alerts on a change.

Histories are written straight into real databases (SQLite and PostgreSQL); the crawls of a
simulated network that break on a chosen night are in tests/test_health_nights.py.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from crawlers.runs import alerts
from crawlers.runs.health import evaluate_run, record_verdict
from crawlers.runs.measures import run_measures
from crawlers.runs.overview import missed_runs, source_health
from crawlers.sources import SourceSpec
from storage.models import CrawlRun
from tests.helpers.run_history import START, add_normal_nights, add_run, add_source, night_stats
from tests.helpers.webhook import Webhook

# --- the adapter: the one reader of stats keys ---------------------------------------------------


def test_run_measures_reads_blocks_errors_and_unusable_pages_from_stats():
    # 503 three times (two retries), 429 twice (one retry), a timeout retried once then answered 200
    stats = night_stats(pages=5, statuses={200: 4, 403: 2, 429: 2, 503: 3, 304: 1}, dropped={"too_short": 2, "too_old": 4},
                        robots_refused=1, exceptions=1, feed_not_xml=1,
                        retries={"HTTP 503": 2, "HTTP 429": 1, "twisted.internet.error.TimeoutError": 1})
    measures = run_measures(stats)
    assert measures["requests"] == (12 + 1) - 4 + 1     # requests sent less retries, plus robots refusals
    assert measures["blocked"] == 2 + 1 + 1             # 403s, one request answered 429, robots.txt
    assert measures["failed"] == 1 + 1                  # one request answered 503, a feed that was HTML
    assert measures["pages_fetched"] == 5
    assert measures["unusable"] == 2 and measures["unusable_by_reason"] == {"too_short": 2}  # too_old is not a fault


def test_run_measures_of_empty_or_odd_stats_are_zeros():
    measures = run_measures({"newsdesk/pages_fetched": "n/a", "downloader/response_status_count/abc": 3})
    assert measures["requests"] == measures["blocked"] == measures["failed"] == measures["pages_fetched"] == 0


# --- verdicts of runs -----------------------------------------------------------------------------

FAULTS = {
    # fault: (stats, articles stored, article options, expected first check)
    "feed answers, nothing new": (night_stats(pages=0, new=0, statuses={200: 1, 304: 1}), 0, {}, "new_articles"),
    "teasers only": (night_stats(pages=8, new=0, dropped={"too_short": 8}), 0, {}, "dropped_pages"),
    "captcha served with 200": (night_stats(pages=8, new=0, dropped={"not_article": 6, "no_text": 2}), 0, {},
                                "dropped_pages"),
    "dates gone": (night_stats(pages=8, new=8), 8, {"dated": 0}, "dates"),
    "authors gone": (night_stats(pages=8, new=8), 8, {"with_authors": 0}, "authors"),
    "bodies cut short": (night_stats(pages=8, new=8), 8, {"words": 150}, "body_length"),
    "403 everywhere": (night_stats(pages=0, new=0, statuses={403: 10}), 0, {}, "blocked"),
    "robots.txt now refuses": (night_stats(pages=0, new=0, statuses={200: 2}, robots_refused=8), 0, {}, "blocked"),
    "server errors": (night_stats(pages=1, new=1, statuses={200: 3, 503: 8}), 1, {}, "fetch_errors"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_broken_night_is_failing_with_the_check_that_names_its_cause(engine, fault):
    stats, stored, options, expected = FAULTS[fault]
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        history = add_normal_nights(session, source_id, 8)
        broken = add_run(session, source_id, 8, stats=stats, articles=stored, **options)
        verdict = evaluate_run(session, broken)
    assert verdict["status"] == "failing", verdict
    first = verdict["findings"][0]
    assert first["check"] == expected and first["severity"] == "failing"
    assert first["runs"] == history  # the runs compared, oldest first
    assert f"over its last 8 successful runs (IDs {history[0]} to {history[-1]})" in first["message"]


def test_a_finding_says_the_value_the_usual_band_and_the_limit(sqlite_url):
    """(On SQLite only: the message does not depend on the database.)"""
    from storage import migrate
    from storage.db import make_engine

    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        add_normal_nights(session, source_id, 6)
        run = add_run(session, source_id, 6, stats=night_stats(pages=8, new=8), articles=8, dated=1)
        finding = evaluate_run(session, run)["findings"][0]
    engine.dispose()
    assert finding["check"] == "dates" and finding["value"] == 0.125 and finding["usual"] == 1.0
    assert finding["limit"] == 0.75 and finding["band"] == [0.75, 1.0]
    assert finding["message"].startswith("new articles with a publication date: 12% (1 of 8); usual 100% "
                                         "(range 100%-100%), alert below 75%")


def test_a_smaller_drop_is_a_warning_not_a_failure(engine):
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        add_normal_nights(session, source_id, 9)   # 7, 8 or 9 new a night: median 8, MAD 1
        run = add_run(session, source_id, 9, stats=night_stats(pages=2, new=2), articles=2)
        verdict = evaluate_run(session, run)
    assert verdict["status"] == "warning"
    assert [(f["check"], f["severity"]) for f in verdict["findings"]] == [("new_articles", "warning")]


def test_thirty_ordinary_nights_raise_no_finding(engine):
    """No false alarm: ordinary variation (counts 7-9, bodies 560-620 words, now and then a 500 or a
    page dropped) stays inside every band, night after night."""
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        verdicts = []
        for night in range(30):
            new = 7 + night % 3
            # now and then one page that answers 500 to the request and its 3 retries
            statuses = {200: new + 2, 500: 4} if night % 5 == 0 else {200: new + 2}
            retries = {"HTTP 500": 3} if night % 5 == 0 else {}
            dropped = {"not_article": 1} if night % 7 == 0 else {}
            run = add_run(session, source_id, night, stats=night_stats(pages=new + len(dropped), new=new,
                                                                      statuses=statuses, dropped=dropped,
                                                                      retries=retries),
                          articles=new, dated=new - (night % 4 == 0), words=560 + 20 * (night % 4))
            verdicts.append(evaluate_run(session, run))
    assert [v["status"] for v in verdicts[:5]] == ["learning"] * 5
    assert [v["status"] for v in verdicts[5:]] == ["ok"] * 25, [v["findings"] for v in verdicts if v["findings"]]


def test_a_new_source_is_learning_until_its_minimum_history(engine):
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        add_normal_nights(session, source_id, 4)
        quiet = add_run(session, source_id, 4, stats=night_stats(pages=0, new=0), articles=0)
        assert evaluate_run(session, quiet, min_history=5)["status"] == "learning"  # 4 runs: no verdict on counts
        assert evaluate_run(session, quiet, min_history=4)["status"] == "failing"


def test_a_failed_run_is_failing_even_while_learning(engine):
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        run = add_run(session, source_id, 0, stats=night_stats(pages=0, new=0, statuses={}), articles=0,
                      status="failed", error="no article found: 1 feed/sitemap/section fetches failed")
        verdict = evaluate_run(session, run)
    assert verdict["status"] == "failing"
    assert verdict["findings"] == [{"check": "run_failed", "severity": "failing",
                                    "message": "the run failed: no article found: 1 feed/sitemap/section fetches failed"}]


def test_a_run_stopped_by_its_timeout_is_a_warning_not_judged_on_its_partial_counts(engine):
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        add_normal_nights(session, source_id, 6)
        run = add_run(session, source_id, 6, stats=night_stats(pages=1, new=1), articles=1, status="timeout",
                      error="stopped after the 7200 s crawl timeout")
        verdict = evaluate_run(session, run)
    assert verdict["status"] == "warning"
    assert [f["check"] for f in verdict["findings"]] == ["run_timeout"]


def test_failed_runs_are_not_history_and_unfinished_runs_are_not_judged(engine):
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        add_normal_nights(session, source_id, 3)
        add_run(session, source_id, 3, stats=night_stats(pages=0, new=0), articles=0, status="failed")
        add_normal_nights(session, source_id, 2, first=4)
        interrupted = add_run(session, source_id, 6, stats=night_stats(pages=1, new=1), articles=1, status="interrupted")
        run = add_run(session, source_id, 7, stats=night_stats(pages=8, new=8), articles=8)
        assert evaluate_run(session, interrupted) is None
        verdict = evaluate_run(session, run)
    assert verdict["compared_runs"] == 5 and verdict["status"] == "ok"


def test_the_verdict_is_stored_with_the_run_and_the_previous_one_is_returned(engine):
    with Session(engine) as session, session.begin():
        source_id = add_source(session)
        ids = add_normal_nights(session, source_id, 7)
        first, previous = record_verdict(session, ids[5])
        second, previous_of_second = record_verdict(session, ids[6])
    assert previous is None and first["status"] == "ok"
    assert previous_of_second == first
    with Session(engine) as session:
        assert session.get(CrawlRun, ids[6]).health == second
        assert session.get(CrawlRun, ids[0]).health is None


# --- per source: the latest verdict, and whether it is run at all ------------------------------------

NIGHTLY = "0 2 * * *"
GRACE = timedelta(minutes=65)


def test_missed_runs_counts_scheduled_times_past_their_grace():
    started = START + timedelta(minutes=3)
    assert missed_runs(NIGHTLY, "UTC", started, START + timedelta(hours=20), GRACE) == (0, None)
    assert missed_runs(NIGHTLY, "UTC", started, START + timedelta(days=1, minutes=30), GRACE) == (0, None)  # in grace
    assert missed_runs(NIGHTLY, "UTC", started, START + timedelta(days=1, hours=2), GRACE) == (1, START + timedelta(days=1))
    assert missed_runs(NIGHTLY, "UTC", started, START + timedelta(days=9), GRACE)[0] == 3  # counted up to 3
    assert missed_runs("0 */6 * * *", "UTC", started, START + timedelta(hours=8), GRACE)[0] == 1


def _spec(key: str, schedule: str | None = None) -> SourceSpec:
    return SourceSpec(key=key, name=key, feeds=["https://example.org/feed"], schedule=schedule)


def test_source_health_combines_the_last_verdict_with_the_schedule(engine):
    with Session(engine) as session, session.begin():
        fresh = add_source(session, "fresh")
        late = add_source(session, "late")
        dark = add_source(session, "dark")
        broken = add_source(session, "broken")
        for source_id in (fresh, late, dark, broken):
            ids = add_normal_nights(session, source_id, 6)
            record_verdict(session, ids[-1])
        bad = add_run(session, broken, 6, stats=night_stats(pages=0, new=0, statuses={403: 3}), articles=0)
        record_verdict(session, bad)
    now = START + timedelta(days=6, hours=5)   # the nightly run of day 6 is past: fresh and broken had it
    with Session(engine) as session, session.begin():
        # late last ran on night 5 (one run missed), dark on night 3 (three missed)
        session.query(CrawlRun).filter(CrawlRun.source_id == dark, CrawlRun.started_at > START + timedelta(days=3, hours=1)).delete()
        session.query(CrawlRun).filter(CrawlRun.source_id == late, CrawlRun.started_at > START + timedelta(days=5, hours=1)).delete()
        session.add(CrawlRun(source_id=fresh, spider="fresh", trigger="cli", status="succeeded",
                             started_at=START + timedelta(days=6), finished_at=START + timedelta(days=6, minutes=2),
                             stats={}, host="h", pid=1))
    specs = [_spec("fresh"), _spec("late"), _spec("dark"), _spec("broken", schedule="0 2 * * *"), _spec("new_one")]
    with Session(engine) as session:
        rows = {row.source: row for row in source_health(session, specs, now=now, nightly_cron=NIGHTLY,
                                                         timezone="UTC", grace=GRACE)}
    assert {key: row.status for key, row in rows.items()} == {
        "fresh": "ok", "late": "warning", "dark": "failing", "broken": "failing", "new_one": "learning"}
    assert rows["late"].findings[0]["check"] == "stale" and "1 scheduled run(s) missed" in rows["late"].findings[0]["message"]
    assert rows["dark"].findings[0]["check"] == "stale" and "3+ scheduled run(s) missed" in rows["dark"].findings[0]["message"]
    assert rows["broken"].findings[0]["check"] == "blocked"
    assert rows["new_one"].findings == [{"check": "never_run", "severity": "info",
                                         "message": "never run yet (no crawl of it has been recorded)"}]
    assert rows["fresh"].judged_run is not None and rows["fresh"].last_run["status"] == "succeeded"


# --- alerts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("previous", "current", "expected"), [
    (None, "ok", None), (None, "learning", None), ("learning", "ok", None), ("ok", "ok", None),
    (None, "failing", "broken"), ("ok", "warning", "broken"), ("learning", "failing", "broken"),
    ("warning", "failing", "broken"), ("failing", "warning", "broken"),
    ("failing", "failing", None), ("warning", "warning", None),
    ("failing", "ok", "recovered"), ("warning", "learning", "recovered"),
])
def test_an_alert_is_due_only_when_the_status_changes(previous, current, expected):
    assert alerts.change({"status": previous} if previous else None, {"status": current}) == expected


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def _broken_alert() -> alerts.Alert:
    verdict = {"status": "failing", "findings": [{"check": "blocked", "severity": "failing", "message": "100% blocked"}]}
    return alerts.alert_for("wire", 42, {"status": "ok"}, verdict)


def test_an_alert_reaches_a_local_webhook_through_apprise(webhook):
    assert alerts.send(_broken_alert(), [webhook.url], timeout=10)
    (_, path, payload), = webhook.received
    assert path == "/hook"
    assert payload["title"] == "newsdesk: wire is failing (was ok)"
    assert "[failing] blocked: 100% blocked" in payload["message"] and payload["type"] == "failure"
    recovered = alerts.alert_for("wire", 43, {"status": "failing"}, {"status": "ok", "findings": []})
    assert alerts.send(recovered, [webhook.url], timeout=10)
    assert webhook.received[1][2]["title"] == "newsdesk: wire recovered (ok, was failing)"


def test_a_failing_or_hanging_channel_is_logged_and_bounded(webhook, caplog):
    from newsdesk.samplenet.server import free_port

    hanging = Webhook(delay=5)
    try:
        started = time.monotonic()
        delivered = alerts.send(_broken_alert(), [f"json://127.0.0.1:{free_port()}/nobody", "nonsense-url", webhook.url],
                                timeout=10)
        assert not delivered and time.monotonic() - started < 10
        assert len(webhook.received) == 1          # the good channel still got it
        started = time.monotonic()
        assert not alerts.send(_broken_alert(), [hanging.url], timeout=1)
        assert time.monotonic() - started < 2      # the run's end waits at most the timeout
    finally:
        hanging.close()
    assert "not one apprise understands" in caplog.text and "not delivered within 1 s" in caplog.text


def test_assessing_a_run_never_raises(env, tmp_path, caplog):
    from crawlers.runs.after_run import assess_finished_run

    env(DATABASE_URL=f"sqlite:///{tmp_path / 'none' / 'missing.db'}")  # a database that cannot be opened
    assert assess_finished_run(12345) is None
    assert "health check of run 12345 failed" in caplog.text


def test_the_health_benchmark_runs(capsys):
    from bench import health as bench_health

    assert bench_health.main(["--nights", "12", "--articles", "6", "--sources", "2", "--repeat", "2",
                              "--postgres-url", ""]) == 0
    out = capsys.readouterr().out
    assert "SQLite" in out and "(ok, 11 runs compared)" in out  # the 12th night against the 11 before it

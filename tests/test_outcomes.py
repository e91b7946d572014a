"""One vocabulary of outcomes (core/outcomes.py), read alike by `runs`, `runs show`, v_crawl_runs,
the run log and health: a page failing after its retries is one failure and so many retries, a
robots.txt block is a skip, an unresolvable host is `dns`. Real crawls of the sample network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from core.outcomes import failure_kind, retry_kind
from crawlers.runs import runner
from crawlers.runs.counters import (
    counters,
    failed_by_kind,
    retried_by_kind,
    skipped_by_reason,
    summary,
)
from crawlers.runs.measures import run_measures
from crawlers.runs.recorder import run_status
from newsdesk.samplenet.server import sample_network
from storage.db import make_engine
from tests.crawl_helpers import crawl_environment

ROOT = Path(__file__).resolve().parent.parent


def test_kinds_of_failures_and_retries():
    assert failure_kind("twisted.internet.error.DNSLookupError") == "dns"
    assert failure_kind(TimeoutError()) == "timeout"
    assert failure_kind("scrapy.exceptions.NotSupported") == "download_NotSupported"
    assert retry_kind("HTTP 503") == "http_503"
    assert retry_kind("twisted.internet.error.TCPTimedOutError") == "timeout"
    assert retry_kind("partial response") == "data_loss"


def test_one_page_failing_after_three_retries_is_one_failure_and_three_retries():
    stats = {"newsdesk/pages_fetched": 5, "newsdesk/articles_new": 4, "newsdesk/articles_duplicate": 1,
             "newsdesk/errors/http_500": 1, "retry/count": 3, "retry/reason_count/HTTP 500": 3,
             "downloader/response_status_count/500": 4, "downloader/response_status_count/200": 6,
             "downloader/request_count": 10, "newsdesk/skipped/robots_disallowed": 1,
             "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 1}
    numbers = counters(stats)
    assert (numbers["failed"], numbers["retried"], numbers["skipped"]) == (1, 3, 1)
    assert failed_by_kind(stats) == {"http_500": 1} and retried_by_kind(stats) == {"http_500": 3}
    assert run_measures(stats)["failed"] == numbers["failed"]  # health counts the same failure once
    assert "failed 1 (http_500 1), retried 3 (http_500 3)" in summary(stats)


def test_a_run_whose_listings_host_does_not_resolve_fails_as_dns():
    stats = {"newsdesk/listings_failed": 1, "newsdesk/errors/dns": 1}
    assert run_status("finished", stats) == (
        "failed", "no article found: the host of its listings could not be resolved (failed: dns 1)")
    # Runs recorded before the vocabulary still read right.
    assert run_status("finished", {"newsdesk/errors/discovery": 1})[1] == "no article found: 1 feed/sitemap/section fetches failed"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outcomes")
    database_url = f"sqlite:///{tmp / 'newsdesk.db'}"
    with crawl_environment(tmp, database_url) as env, sample_network() as network:
        sources = network.write_sources(tmp / "sources.yaml")
        entries = yaml.safe_load(sources.read_text())["sources"]
        entries.append({"key": "gone_host", "name": "Gone", "allow_private_networks": True,
                        "feeds": ["http://feeds.newsdesk-test.invalid/rss.xml"]})
        sources.write_text(yaml.safe_dump({"sources": entries}))
        # The crawl's resolver fails .invalid names as an unresolvable host does (no query leaves the machine).
        process = runner.launch([entry["key"] for entry in entries], trigger="cli", sources_path=sources,
                                scrapy_settings={"DNS_RESOLVER": "tests.helpers.dns.InvalidNamesDoNotResolve"})
        runner.follow(process, timeout_seconds=180, grace_seconds=10)
        yield {run.spider: run for run in process.runs()}, {**env, "NEWSDESK_SOURCES": str(sources)}, database_url


def cli_json(env: dict, *args: str):
    done = subprocess.run([sys.executable, "-m", "newsdesk", *args, "--json"], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_runs_show_speaks_the_vocabulary(crawled):
    runs, env, _ = crawled
    herald = cli_json(env, "runs", "show", str(runs["indus_herald"].id))
    assert herald["failed"] == {"http_500": 1} and herald["retried"] == {"http_500": 3}
    assert (herald["counters"]["failed"], herald["counters"]["retried"]) == (1, 3)
    courier = cli_json(env, "runs", "show", str(runs["global_courier"].id))
    assert courier["skipped"]["robots_disallowed"] == 1 and courier["failed"] == {}  # a block is a skip
    wire = cli_json(env, "runs", "show", str(runs["meridian_wire"].id))
    assert wire["failed"] == {"http_404": 1} and wire["retried"] == {}  # a 404 is not retried
    listed = {run["source"]: run for run in cli_json(env, "runs")}
    assert listed["indus_herald"]["counters"] == herald["counters"]
    text_view = subprocess.run([sys.executable, "-m", "newsdesk", "runs", "show", str(runs["indus_herald"].id)],
                               cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60).stdout
    assert "HTTP 500" not in text_view and "download:" not in text_view  # one spelling of each kind


@pytest.mark.slow
def test_the_view_and_the_log_count_alike(crawled):
    runs, _env, database_url = crawled
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = {row.source_key: row for row in connection.execute(text("SELECT * FROM v_crawl_runs"))}
    engine.dispose()
    for key, run in runs.items():
        numbers = counters(run.stats)
        assert (rows[key].errors, rows[key].retries, rows[key].pages_skipped) == (
            numbers["failed"], numbers["retried"], numbers["skipped"]), key
    herald = runs["indus_herald"]
    ended = [line for line in Path(herald.log_path).read_text().splitlines() if "ended:" in line]
    assert ended and "failed 1 (http_500 1), retried 3 (http_500 3)" in ended[-1], ended


@pytest.mark.slow
def test_an_unresolvable_host_is_dns_not_robots_txt(crawled):
    runs, env, _ = crawled
    gone = runs["gone_host"]
    assert gone.status == "failed"
    assert gone.error == "no article found: the host of its listings could not be resolved (failed: dns 1)"
    assert failed_by_kind(gone.stats) == {"dns": 1}
    assert "robots_unreachable" not in skipped_by_reason(gone.stats)

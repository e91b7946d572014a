"""HTTP faults: broken servers, slow servers, lying servers, redirect traps, missing feeds and robots.

One crawl process crawls every scenario of this module at once, each scenario a source of its own
whose feed lists its fault URL(s) and a good article; each test then reads that source's run
record, the fault server's request log and the stored articles. Timeouts are 2 s and a request is
retried twice (tests.faults.FAULT_ENV), so the slowest fault resolves in about 7 s.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from core.urls import canonical_url
from tests.crawl_helpers import crawl_environment
from tests.faults import FAULT_ENV, FaultCrawl, canonical, crawl_sources
from tests.faults.server import (
    FaultServer,
    Newsroom,
    article_html,
    close_delimited,
    http_date,
    never_answer,
    not_found,
    redirect,
    reset_mid_body,
    respond,
    sequence,
    source_entry,
    stall_after_headers,
    status,
    truncated,
)

pytestmark = pytest.mark.slow

ATTEMPTS = 1 + int(FAULT_ENV["NEWSDESK_RETRY_TIMES"])
REDIRECT_MAX_TIMES = 10  # crawlers/settings.py


@dataclass
class Crawled:
    crawl: FaultCrawl
    site: FaultServer
    robots_500: FaultServer
    robots_hang: FaultServer
    good: dict[str, str]      # scenario -> URL of its good article


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    tmp = tmp_path_factory.mktemp("faults-http")
    database_url = f"sqlite:///{tmp / 'newsdesk.db'}"
    newsroom = Newsroom()  # one for all three servers: one database, every good article distinct
    with (crawl_environment(tmp, database_url, **FAULT_ENV), FaultServer(newsroom) as site,
          FaultServer(newsroom) as robots_500, FaultServer(newsroom) as robots_hang):
        entries, good = [], {}

        def scenario(key: str, faults: dict, server: FaultServer = site) -> None:
            fault_urls = [server.route(f"/{key}/{name}", handler) for name, handler in faults.items()]
            good[key] = server.article(f"/{key}/good")
            entries.append(source_entry(key, feeds=[server.feed(f"/{key}/feed.xml", [*fault_urls, good[key]])]))

        def page(path: str) -> bytes:
            item = newsroom.next_story()
            site.stories[path] = item
            return article_html(item, url=site.url(path), published=site.now - timedelta(hours=1)).encode()

        scenario("server_errors", {"e500": status(500), "e502": status(502), "e503": status(503)})
        scenario("rate_limited", {
            "wait-a-second": sequence(status(429, {"Retry-After": "1"}), respond(page("/rate_limited/wait-a-second"))),
            "come-back-tomorrow": status(429, {"Retry-After": http_date(site.now + timedelta(days=1))}),
        })
        once = page("/connection_reset/once")
        scenario("connection_reset", {
            "always": reset_mid_body(page("/connection_reset/always")),
            "once": sequence(reset_mid_body(once), respond(once)),
            "no-length": reset_mid_body(page("/connection_reset/no-length"), declare_length=False),
            "no-length-whole": close_delimited(page("/connection_reset/no-length-whole")),
        })
        scenario("read_timeout", {"stall": stall_after_headers()})
        scenario("no_answer", {"silence": never_answer})
        scenario("truncated_body", {"short": truncated(page("/truncated_body/short"))})
        site.route("/redirect_loop/b", redirect("/redirect_loop/a"))
        scenario("redirect_loop", {"a": redirect("/redirect_loop/b")})
        for hop in range(1, 20):
            site.route(f"/redirect_chain/hop-{hop}", redirect(f"/redirect_chain/hop-{hop + 1}"))
        site.route("/redirect_chain/hop-20", respond(page("/redirect_chain/hop-20")))
        scenario("redirect_chain", {"hop-0": redirect("/redirect_chain/hop-1")})

        site.route("/feed_gone/feed.xml", not_found)
        entries.append(source_entry("feed_gone", feeds=[site.url("/feed_gone/feed.xml")]))
        good["feed_partly_gone"] = site.article("/feed_partly_gone/good")
        entries.append(source_entry("feed_partly_gone", feeds=[
            site.url("/feed_partly_gone/gone.xml"),
            site.feed("/feed_partly_gone/feed.xml", [good["feed_partly_gone"]]),
        ]))

        robots_500.route("/robots.txt", status(500))
        scenario("robots_error", {}, server=robots_500)
        robots_hang.route("/robots.txt", never_answer)
        scenario("robots_timeout", {}, server=robots_hang)

        result = crawl_sources(tmp, database_url, entries)
    return Crawled(result, site, robots_500, robots_hang, good)


def test_the_crawl_finishes_in_bounded_time_and_every_run_is_closed(crawled):
    """Whatever the servers do, the crawl ends on its own and every run gets its final status."""
    assert crawled.crawl.seconds < 60, crawled.crawl.outcome.log
    runs = crawled.crawl.outcome.runs
    assert len(runs) == 12
    assert all(run.finished_at is not None for run in runs)
    failed = {run.spider for run in runs if run.status != "succeeded"}
    assert failed == {"feed_gone", "robots_error", "robots_timeout"}
    assert crawled.crawl.outcome.code == 1  # a failed run makes `newsdesk crawl` exit 1


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_are_retried_then_given_up_and_counted(crawled, code):
    """5xx: the URL is asked for 1 + NEWSDESK_RETRY_TIMES times, then given up and counted;
    the good article of the same feed is stored."""
    assert crawled.site.count(f"/server_errors/e{code}") == ATTEMPTS
    assert crawled.crawl.counted("server_errors") == {
        "newsdesk/errors/http_500": 1, "newsdesk/errors/http_502": 1, "newsdesk/errors/http_503": 1,
    }
    assert crawled.crawl.run("server_errors").status == "succeeded"
    assert set(crawled.crawl.stored("server_errors")) == canonical(crawled.good["server_errors"])


def test_429_retry_after_is_waited_for_and_the_article_is_stored(crawled):
    """429 with Retry-After: 1: the crawler waits at least that long, asks again and stores the page."""
    first, second = crawled.site.times("/rate_limited/wait-a-second")
    assert second - first >= 0.95
    stored = crawled.crawl.stored("rate_limited")
    assert set(stored) == canonical(crawled.site.url("/rate_limited/wait-a-second"), crawled.good["rate_limited"])
    article = stored[canonical_url(crawled.site.url("/rate_limited/wait-a-second"))]
    assert article.title == crawled.site.stories["/rate_limited/wait-a-second"].title


def test_429_with_a_retry_after_too_long_is_given_up_and_counted(crawled):
    """429 asking for a day's wait (an HTTP date beyond NEWSDESK_RETRY_AFTER_MAX): no retry,
    counted as retry_after_too_long and as an HTTP 429; the rest of the feed is stored."""
    assert crawled.site.count("/rate_limited/come-back-tomorrow") == 1
    counted = crawled.crawl.counted("rate_limited")
    assert counted == {"newsdesk/errors/retry_after_too_long": 1, "newsdesk/errors/http_429": 1}
    assert canonical(crawled.site.url("/rate_limited/come-back-tomorrow")).isdisjoint(crawled.crawl.stored("rate_limited"))


def test_connection_reset_mid_response_is_retried_and_a_half_page_never_stored(crawled):
    """A reset after half the body: retried; a reset that keeps happening is given up and counted
    (the half page is not stored), with or without a Content-Length to notice it by; one that
    happens once costs one retry and the page is stored whole. A page without Content-Length that
    ends cleanly (HTTP/1.0 style) is stored."""
    site = crawled.site
    assert site.count("/connection_reset/always") == site.count("/connection_reset/no-length") == ATTEMPTS
    assert site.count("/connection_reset/once") == 2
    assert site.count("/connection_reset/no-length-whole") == 1
    assert crawled.crawl.counted("connection_reset") == {"newsdesk/errors/data_loss": 2}
    stored = crawled.crawl.stored("connection_reset")
    assert set(stored) == canonical(site.url("/connection_reset/once"), site.url("/connection_reset/no-length-whole"),
                                    crawled.good["connection_reset"])
    for path in ("/connection_reset/once", "/connection_reset/no-length-whole"):
        article = stored[canonical_url(site.url(path))]
        assert article.text.endswith(site.stories[path].paragraphs[-1]), path  # whole, not half


@pytest.mark.parametrize(("key", "path"), [("read_timeout", "/read_timeout/stall"), ("no_answer", "/no_answer/silence")])
def test_a_server_that_stalls_is_timed_out_retried_and_given_up(crawled, key, path):
    """Headers then silence, or no answer at all: each attempt ends at NEWSDESK_DOWNLOAD_TIMEOUT,
    the URL is given up after the retries and counted; the good article is stored."""
    assert crawled.site.count(path) == ATTEMPTS
    assert crawled.crawl.counted(key) == {"newsdesk/errors/timeout": 1}
    assert crawled.crawl.run(key).status == "succeeded"
    assert set(crawled.crawl.stored(key)) == canonical(crawled.good[key])


def test_a_truncated_body_is_retried_and_never_stored_truncated(crawled):
    """Content-Length larger than the bytes sent, then a clean close: data loss, retried, given up,
    counted; nothing of the truncated page is stored."""
    assert crawled.site.count("/truncated_body/short") == ATTEMPTS
    assert crawled.crawl.counted("truncated_body") == {"newsdesk/errors/data_loss": 1}
    assert set(crawled.crawl.stored("truncated_body")) == canonical(crawled.good["truncated_body"])


def test_a_redirect_loop_is_cut_at_the_first_repeat(crawled):
    """a -> b -> a: the second visit of a is a duplicate request and is dropped; nothing hangs,
    the good article is stored."""
    site = crawled.site
    assert (site.count("/redirect_loop/a"), site.count("/redirect_loop/b")) == (1, 1)
    assert crawled.crawl.stat("redirect_loop", "dupefilter/filtered") == 1
    assert set(crawled.crawl.stored("redirect_loop")) == canonical(crawled.good["redirect_loop"])


def test_a_redirect_chain_of_twenty_is_given_up_after_ten_hops(crawled):
    """20 redirects: REDIRECT_MAX_TIMES (10) hops are followed, then the URL is given up; the page at
    the end of the chain is never fetched; the good article is stored."""
    site = crawled.site
    assert [site.count(f"/redirect_chain/hop-{hop}") for hop in range(REDIRECT_MAX_TIMES + 1)] == [1] * (REDIRECT_MAX_TIMES + 1)
    assert site.count_prefix("/redirect_chain/hop-") == REDIRECT_MAX_TIMES + 1
    assert site.count("/redirect_chain/hop-20") == 0
    assert set(crawled.crawl.stored("redirect_chain")) == canonical(crawled.good["redirect_chain"])


@pytest.mark.parametrize(("key", "reason"), [("redirect_loop", "newsdesk/errors/redirect_loop"),
                                             ("redirect_chain", "newsdesk/errors/too_many_redirects")])
def test_redirects_given_up_are_counted(crawled, key, reason):
    """An operator must see in `newsdesk runs show` that URLs were given up, not only in the log."""
    assert crawled.crawl.counted(key) == {reason: 1}


def test_a_source_whose_only_feed_is_gone_fails_the_run(crawled):
    """404 for a source's only feed: the run ends `failed` with a one-line reason, so the operator
    learns that the outlet moved its feed (a `succeeded` run with nothing in it would hide that)."""
    run = crawled.crawl.run("feed_gone")
    assert run.status == "failed"
    assert run.error == "no article found: 1 feed/sitemap/section fetches failed (failed: http_404 1)"
    assert crawled.crawl.counted("feed_gone") == {"newsdesk/errors/http_404": 1}
    assert crawled.site.count("/feed_gone/feed.xml") == 1
    assert crawled.crawl.stored("feed_gone") == {}


def test_a_source_with_one_feed_gone_succeeds_and_counts_the_missing_feed(crawled):
    """One feed 404, another fine: the run succeeds with what the working feed gave, and the
    missing feed is counted as a failure of its kind, http_404 (shown by `newsdesk runs show`)."""
    assert crawled.crawl.run("feed_partly_gone").status == "succeeded"
    assert crawled.crawl.counted("feed_partly_gone") == {"newsdesk/errors/http_404": 1}
    assert set(crawled.crawl.stored("feed_partly_gone")) == canonical(crawled.good["feed_partly_gone"])


def test_robots_txt_answering_500_keeps_the_crawler_away(crawled):
    """robots.txt 500: retried, then, as RFC 9309 says of an unreachable robots.txt, nothing on
    the site is fetched; the run counts why, and fails since its only site is out of reach."""
    assert crawled.robots_500.count("/robots.txt") == ATTEMPTS
    assert crawled.crawl.stat("robots_error", "robotstxt/response_status_count/500") == 1
    assert crawled.crawl.stat("robots_error", "newsdesk/skipped/robots_unreachable") >= 1
    assert set(crawled.robots_500.paths()) == {"/robots.txt"}  # the feed itself was not fetched
    assert crawled.crawl.run("robots_error").status == "failed"
    assert "robots.txt unreachable" in crawled.crawl.run("robots_error").error
    assert not crawled.crawl.stored("robots_error")


def test_robots_txt_that_times_out_keeps_the_crawler_away(crawled):
    """robots.txt never answered: after its retries time out, the site counts as unreachable."""
    assert crawled.robots_hang.count("/robots.txt") == ATTEMPTS
    stats = crawled.crawl.run("robots_timeout").stats
    assert stats["robotstxt/exception_count/<class 'scrapy.exceptions.DownloadTimeoutError'>"] == 1
    assert stats["newsdesk/skipped/robots_unreachable"] >= 1
    assert set(crawled.robots_hang.paths()) == {"/robots.txt"}
    assert crawled.crawl.run("robots_timeout").status == "failed"
    assert not crawled.crawl.stored("robots_timeout")


def test_the_reliability_doc_names_every_fault_test_and_only_real_ones():
    """docs/reliability.md is the table of what these tests assert: it must keep up with them."""
    root = Path(__file__).resolve().parent
    doc = (root.parent / "docs" / "reliability.md").read_text()
    named = {name.split("[")[0] for name in re.findall(r"`(test_\w+(?:\[\w+\])?)`", doc)}
    defined = {}
    for module in ("test_faults_http.py", "test_faults_content.py", "test_faults_process.py", "test_security.py",
                   # hostile and real input (issue 23)
                   "test_hostile_metadata.py", "test_hostile_properties.py", "test_canonical_claims.py",
                   "test_hostile_crawl.py", "test_reader_role.py", "test_hostile_network.py",
                   "test_crawl_supervision.py", "test_hostile_inputs.py", "test_real_pages_crawl.py",
                   # operators' faults (issue 21): signals, dead parents, stops at any moment
                   "test_interrupts.py", "test_orphan_workers.py", "test_scheduler_stop.py"):
        tree = ast.parse((root / module).read_text())
        defined[module] = {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert named <= set().union(*defined.values()), named - set().union(*defined.values())
    fault_tests = (defined["test_faults_http.py"] | defined["test_faults_content.py"] | defined["test_faults_process.py"]) - {
        "test_the_reliability_doc_names_every_fault_test_and_only_real_ones"}
    assert fault_tests <= named, fault_tests - named

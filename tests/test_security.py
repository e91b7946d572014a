"""Security: the crawler is never turned against our own network, secrets stay out of logs and
records, and stored text is data, never terminal instructions.

The private-network guard (crawlers/middlewares.py) is tested twice: directly, on every kind of
address and on redirects, with a crawler built by `scrapy.utils.test.get_crawler`; and in a real
crawl with the guard on. Every test server is on loopback, which the guard refuses, so the real
crawl reaches a "public" site through the fault server acting as HTTP proxy (`http_proxy`): the
guard judges 93.184.215.14, and the request is answered by the fault server. Whatever the guard
lets through, on any address, lands in the fault server's request log.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.urls import canonical_url
from crawlers.middlewares import PrivateNetworkGuardMiddleware, address_is_public
from crawlers.sources import SourceSpec
from storage.db import dispose_engines, make_engine
from storage.models import Article, CrawlRun
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.crawl_helpers import crawl_environment
from tests.faults import FAULT_ENV, FaultCrawl, canonical, crawl_sources
from tests.faults.server import (
    FaultServer,
    Newsroom,
    article_html,
    redirect,
    respond,
    source_entry,
    status,
    urlset,
)

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "http://93.184.215.14"  # example.com's address: judged by the guard, never contacted (proxy)


# --- the guard, directly --------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
])
def test_loopback_private_link_local_and_metadata_addresses_are_not_public(address):
    assert not address_is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address):
    assert address_is_public(address)


def guard(*, allow_all: bool = False, source_allows: bool = False):
    crawler = get_crawler(Spider, {"NEWSDESK_ALLOW_PRIVATE_NETWORKS": allow_all})
    crawler.spider = Spider("guarded")
    crawler.spider.source = SourceSpec(key="guarded", name="Guarded", feeds=["https://example.org/feed"],
                                       allow_private_networks=source_allows)
    return PrivateNetworkGuardMiddleware.from_crawler(crawler), crawler


def refused(middleware, url: str) -> bool:
    try:
        asyncio.run(middleware.process_request(Request(url)))
    except IgnoreRequest:
        return True
    return False


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:6379/", "http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "https://192.168.0.1/", "http://[fd00:ec2::254]/",
])
def test_the_guard_refuses_private_addresses_and_counts_them(url):
    middleware, crawler = guard()
    assert refused(middleware, url)
    assert crawler.stats.get_value("newsdesk/skipped/private_address") == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://93.184.215.14/pub/", "gopher://127.0.0.1:70/_x",
                                 "data:text/html,<h1>x</h1>"])
def test_the_guard_refuses_other_schemes_even_where_private_networks_are_allowed(url):
    middleware, crawler = guard(allow_all=True)
    assert refused(middleware, url)
    assert crawler.stats.get_value("newsdesk/skipped/bad_scheme") == 1


def test_private_addresses_are_allowed_only_by_the_setting_or_the_source():
    assert not refused(guard(allow_all=True)[0], "http://127.0.0.1:8080/")
    assert not refused(guard(source_allows=True)[0], "http://127.0.0.1:8080/")
    assert refused(guard()[0], "http://127.0.0.1:8080/")
    assert not refused(guard()[0], f"{PUBLIC}/story")


@pytest.mark.parametrize("location", ["http://127.0.0.1:8080/admin", "http://169.254.169.254/latest/meta-data/",
                                      "http://[::1]/", "http://10.1.2.3/internal"])
def test_a_redirect_from_a_public_site_to_a_private_address_is_refused(location):
    """The redirect middleware builds the request to the Location; that request passes through the
    guard like any other, and is refused."""
    middleware, crawler = guard()
    request = Request(f"{PUBLIC}/story")
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    redirected = RedirectMiddleware.from_crawler(crawler).process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url.startswith(location.rstrip("/"))
    assert refused(middleware, redirected.url)
    assert crawler.stats.get_value("newsdesk/skipped/private_address") == 1


# --- a real crawl with the guard on ------------------------------------------------------------------

PRIVATE_TARGETS = {  # name -> URL template ({port}: the fault server's port, so a miss would reach it)
    "loopback": "http://127.0.0.1:{port}/private/loopback",
    "localhost": "http://localhost:{port}/private/localhost",
    "ipv6-loopback": "http://[::1]:{port}/private/ipv6-loopback",
    "decimal-loopback": "http://2130706433:{port}/private/decimal-loopback",
    "mapped-loopback": "http://[::ffff:127.0.0.1]:{port}/private/mapped-loopback",
    "private-10": "http://10.0.0.1/private/ten",
    "metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
}
OTHER_SCHEMES = ["file:///etc/passwd", "ftp://93.184.215.14/pub/private", "gopher://127.0.0.1:70/_private",
                 "data:text/html,<h1>private</h1>"]
CONTROL_TITLE = "Summit opens \x1b[2J\x07 in Geneva"


@dataclass
class Crawled:
    crawl: FaultCrawl
    site: FaultServer
    env: dict[str, str]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    tmp = tmp_path_factory.mktemp("security")
    database_url = f"sqlite:///{tmp / 'newsdesk.db'}"
    newsroom = Newsroom()
    env = {**FAULT_ENV, "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "0"}
    with crawl_environment(tmp, database_url, **env) as values, FaultServer(newsroom) as site:
        private = [template.format(port=site.port) for template in PRIVATE_TARGETS.values()]
        for prefix in ("/private/", "/latest/meta-data/"):  # served, should anything get through
            site.route_prefix(prefix, respond(b"<html><body><h1>private</h1></body></html>"))

        # A source on loopback, without allow_private_networks: its feed is refused.
        site.feed("/loopback_feed/feed.xml", [f"{PUBLIC}/loopback_feed/good"])
        entries = [source_entry("loopback_feed", feeds=[site.url("/loopback_feed/feed.xml")], private=False)]

        # A public site (through the proxy) whose feed, sitemap and redirects point inwards.
        good = site.article(f"{PUBLIC}/public_site/good")
        good_from_sitemap = site.article(f"{PUBLIC}/public_site/good-from-sitemap")
        redirects = {
            "to-loopback": site.route(f"{PUBLIC}/public_site/redirect/to-loopback", redirect(site.url("/private/after-redirect"))),
            "to-metadata": site.route(f"{PUBLIC}/public_site/redirect/to-metadata", redirect("http://169.254.169.254/latest/meta-data/")),
            "to-file": site.route(f"{PUBLIC}/public_site/redirect/to-file", redirect("file:///etc/passwd")),
        }
        feed = site.feed(f"{PUBLIC}/public_site/feed.xml", [*private, *OTHER_SCHEMES, *redirects.values(), good])
        in_sitemap = [site.url("/private/sitemap-loopback"), "http://10.0.0.1/private/sitemap-ten",
                      "http://169.254.169.254/private/sitemap-metadata", f"http://localhost:{site.port}/private/sitemap-localhost",
                      "file:///etc/shadow", good_from_sitemap]
        sitemap = site.route(f"{PUBLIC}/public_site/sitemap.xml", respond(urlset(in_sitemap), "application/xml"))
        entries.append(source_entry("public_site", feeds=[feed], sitemaps=[sitemap], private=False))

        # A loopback source that opts in; one of its pages carries control characters in its title.
        control = article_html(newsroom.next_story(), url=site.url("/allowed_loopback/control-characters"),
                               published=site.now, title=CONTROL_TITLE)
        control = control.replace("<h1>Summit opens \x1b[2J\x07", "<h1>Summit opens &#27;[2J&#7;")
        control_url = site.route("/allowed_loopback/control-characters", respond(control.encode()))
        allowed_good = site.article("/allowed_loopback/good")
        entries.append(source_entry("allowed_loopback", private=True,
                                    feeds=[site.feed("/allowed_loopback/feed.xml", [control_url, allowed_good])]))

        result = crawl_sources(tmp, database_url, entries, env={"http_proxy": site.base, "no_proxy": ""})
    return Crawled(result, site, dict(values))


def test_the_fault_server_was_reached_through_the_proxy(crawled):
    """The harness itself: the public site's requests went through the fault server as a proxy."""
    proxied = [hit for hit in crawled.site.hits if hit.target.startswith(PUBLIC)]
    assert {hit.path for hit in proxied} >= {"/robots.txt", "/public_site/feed.xml", "/public_site/sitemap.xml"}


def test_a_source_whose_feed_is_on_loopback_is_refused_without_a_request(crawled):
    """A feed on 127.0.0.1 without allow_private_networks: refused before any request (its robots.txt
    included), counted, and the run fails with a reason an operator can act on."""
    run = crawled.crawl.run("loopback_feed")
    assert run.status == "failed" and run.error.startswith("no article found")
    assert crawled.crawl.counted("loopback_feed") == {"newsdesk/skipped/private_address": 1}
    assert crawled.site.count_prefix("/loopback_feed/") == 0
    assert crawled.crawl.stored("loopback_feed") == {}


def test_feed_sitemap_and_redirect_targets_on_private_addresses_are_refused_and_counted(crawled):
    """Feed and sitemap entries on loopback (as 127.0.0.1, localhost, [::1], 2130706433 and
    [::ffff:127.0.0.1]), 10.0.0.1 and 169.254.169.254, and redirects from the public site to
    loopback and to the metadata address: every one refused and counted; other schemes (file, ftp,
    gopher, data) skipped as bad URLs; a redirect to file:// is not followed. The site's two good
    articles are stored."""
    counted = crawled.crawl.counted("public_site")
    assert counted == {
        "newsdesk/skipped/private_address": len(PRIVATE_TARGETS) + 2 + 4,  # feed, redirects, sitemap
        "newsdesk/skipped/bad_url": len(OTHER_SCHEMES) + 1,
        "newsdesk/errors/http_302": 1,  # the redirect to file:// is answered as it is, not followed
    }
    assert crawled.crawl.run("public_site").status == "succeeded"
    assert set(crawled.crawl.stored("public_site")) == canonical(f"{PUBLIC}/public_site/good", f"{PUBLIC}/public_site/good-from-sitemap")


def test_nothing_is_fetched_from_a_private_address(crawled):
    """The request log holds exactly what the guard allowed: the public site's pages and the
    opted-in loopback source, nothing under /private/ on any host."""
    site = crawled.site
    assert site.count_prefix("/private/") == 0
    assert site.count_prefix("/latest/meta-data") == 0
    public = {hit.path for hit in site.hits if hit.target.startswith(PUBLIC)}
    assert public == {"/robots.txt", "/public_site/feed.xml", "/public_site/sitemap.xml", "/public_site/good",
                      "/public_site/good-from-sitemap", "/public_site/redirect/to-loopback",
                      "/public_site/redirect/to-metadata", "/public_site/redirect/to-file"}
    loopback = {hit.path for hit in site.hits if not hit.target.startswith(PUBLIC)}
    assert loopback == {"/robots.txt", "/allowed_loopback/feed.xml", "/allowed_loopback/good",
                        "/allowed_loopback/control-characters"}


def test_a_source_may_opt_in_to_private_addresses(crawled):
    """allow_private_networks: true on a source lets that source (and only it) crawl loopback."""
    assert crawled.crawl.run("allowed_loopback").status == "succeeded"
    assert crawled.crawl.counted("allowed_loopback") == {}
    assert set(crawled.crawl.stored("allowed_loopback")) == canonical(
        crawled.site.url("/allowed_loopback/good"), crawled.site.url("/allowed_loopback/control-characters"))


# --- stored text is data ---------------------------------------------------------------------------

def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, capture_output=True, timeout=timeout,
                          env={**os.environ, **env})


def test_control_characters_in_a_page_are_not_stored_and_the_page_is_kept(crawled):
    """A title with ESC[2J and BEL (raw in <title>, as &#27; and &#7; in the <h1>): the article is
    stored, its title without the control characters."""
    url = canonical_url(crawled.site.url("/allowed_loopback/control-characters"))
    article = crawled.crawl.stored("allowed_loopback")[url]
    assert article.title == "Summit opens [2J in Geneva"
    assert not any(ch in article.title + article.text for ch in "\x1b\x07\x00")


@pytest.fixture
def control_characters_in_the_database(crawled):
    """Older rows, another writer, a manual fix: stored text may hold control characters anyway."""
    url = canonical_url(crawled.site.url("/allowed_loopback/control-characters"))
    engine = make_engine(crawled.crawl.database_url)
    with Session(engine) as session, session.begin():
        changed = session.execute(update(Article).where(Article.canonical_url == url).values(title=CONTROL_TITLE))
        assert changed.rowcount == 1, "the page with control characters was not stored"
    engine.dispose()
    return crawled.env


@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_export_escapes_control_characters(control_characters_in_the_database, output_format):
    result = run_cli("export", "--format", output_format, env=control_characters_in_the_database)
    assert result.returncode == 0, result.stderr
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    out = result.stdout.decode()
    if output_format == "jsonl":
        titles = [json.loads(line)["title"] for line in out.splitlines()]
        assert CONTROL_TITLE in titles  # escaped in the file, the same string once parsed
    else:
        assert "Summit opens \\x1b[2J\\x07 in Geneva" in out


def test_search_escapes_control_characters(control_characters_in_the_database):
    result = run_cli("search", "Summit opens", env=control_characters_in_the_database)
    assert result.returncode == 0, result.stderr
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert "\\x1b[2J\\x07" in result.stdout.decode()


# --- secrets -----------------------------------------------------------------------------------------

PASSWORD = "Pw-7f3a9c-do-not-log"


def test_a_database_password_is_masked_when_the_database_is_unreachable(tmp_path, unused_port):
    """Every way an operator meets a bad DATABASE_URL prints it masked: `newsdesk config`, a
    command failing to connect, a crawl failing to connect, and the crawl process's log."""
    url = f"postgresql://newsdesk:{PASSWORD}@127.0.0.1:{unused_port}/newsdesk"
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - key: masked\n    name: Masked\n    feeds: [http://127.0.0.1:9/feed.xml]\n")
    env = {"DATABASE_URL": url, "NEWSDESK_CONFIG": str(tmp_path / "absent.toml"), "NEWSDESK_DATA_DIR": str(tmp_path / "data")}
    config = run_cli("config", "--json", env=env)
    assert config.returncode == 0 and PASSWORD.encode() not in config.stdout
    assert json.loads(config.stdout)["database_url"].startswith("postgresql://newsdesk:***@127.0.0.1")
    for command in (["runs"], ["crawl", "masked", "--sources", str(sources)]):
        result = run_cli(*command, env=env)
        assert result.returncode == 3, result.stderr
        assert "database unavailable" in result.stderr.decode()
        assert PASSWORD.encode() not in result.stdout + result.stderr
    process = subprocess.run([sys.executable, "-m", "crawlers.runs.process", "--sources", str(sources), "masked"],
                             cwd=ROOT, capture_output=True, timeout=60, env={**os.environ, **env})
    assert PASSWORD.encode() not in process.stdout + process.stderr
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert PASSWORD not in path.read_text(errors="replace"), path


@pytest.fixture
def unused_port() -> int:
    from newsdesk.samplenet.server import free_port

    return free_port()


@pytest.fixture
def postgres_url_with_password(postgres_server_url: str):
    """A fresh database owned by a role that logs in with PASSWORD."""
    role = f"newsdesk_pw_{os.getpid()}"
    admin = make_engine(postgres_server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        connection.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{PASSWORD}'")
    database = make_url(create_postgres_database(postgres_server_url)).database
    with admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{database}" OWNER TO "{role}"')
    url = make_url(postgres_server_url).set(username=role, password=PASSWORD, database=database)
    yield url.render_as_string(hide_password=False)
    dispose_engines()
    drop_postgres_database(postgres_server_url, url.render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    admin.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_database_password_never_reaches_logs_or_run_records(tmp_path, postgres_url_with_password):
    """A crawl on PostgreSQL with a password in DATABASE_URL, with a failing page and a failing run:
    the password is in no log file (run logs, process log), in no crawl_runs row (stats, error,
    log path), and not in `newsdesk runs show`."""
    with crawl_environment(tmp_path, postgres_url_with_password, **FAULT_ENV) as env, FaultServer() as site:
        good = site.article("/masked/good")
        feed = site.feed("/masked/feed.xml", [good, site.route("/masked/broken", status(500))])
        gone = site.route("/masked_gone/feed.xml", status(404))
        result = crawl_sources(tmp_path, postgres_url_with_password,
                               [source_entry("masked", feeds=[feed]), source_entry("masked_gone", feeds=[gone])])
        assert result.run("masked").status == "succeeded", result.outcome.log
        assert result.run("masked_gone").status == "failed" and result.run("masked_gone").error
        shown = run_cli("runs", "show", str(result.run("masked").id), env=env)
        assert shown.returncode == 0 and PASSWORD.encode() not in shown.stdout + shown.stderr
        engine = make_engine(postgres_url_with_password)
        with Session(engine) as session:
            rows = session.scalars(select(CrawlRun)).all()
            raw = session.execute(text("SELECT * FROM crawl_runs")).all()
        engine.dispose()
    assert rows and all(PASSWORD not in json.dumps(row.stats) + str(row.error) + str(row.log_path) for row in rows)
    assert all(PASSWORD not in str(values) for values in raw)
    logs = [path for path in (tmp_path / "data").rglob("*") if path.is_file()]
    assert any(path.suffix in (".log", ".jsonl") for path in logs)
    for path in logs:
        assert PASSWORD not in path.read_text(errors="replace"), path
    assert set(result.stored("masked")) == canonical(good)


@pytest.mark.parametrize("text, has_control", [
    ("a\x7fb", True), ("&#7;", True), ("&#0000008;", True), ("&#27;[2J", True),
    ("&#x1f;", True), ("&#X1B;", True), ("&#x7F;", True), ("&#127;", True), ("&#11;", True),
    ("tab\tnewline\n", False), ("&#9;", False), ("&#10;", False), ("&#13;", False), ("&#x0a;", False),
    ("&#8217;", False), ("&#x2019;", False), ("&#32;", False), ("&#1270;", False), ("&#x7f0;", False),
])
def test_control_characters_are_found_raw_or_as_references(text, has_control):
    from pipelines.extraction.metadata import _has_control_characters

    assert _has_control_characters(f"<p>{text}</p>") is has_control


@pytest.mark.parametrize("written", ["\x07", "\x1b", "\x7f", "&#7;", "&#x1b;", "&#127;", "\x00"])
def test_no_control_character_reaches_the_parsed_tree(written):
    from pipelines.extraction.metadata import _CONTROL, parse_tree

    tree = parse_tree(f"<html><head><title>a{written}b</title></head><body><p title='x{written}'>c{written}d</p></body></html>")
    assert tree.findtext(".//title") == "ab" and tree.findtext(".//p") == "cd"
    assert not any(_CONTROL.search(value) for element in tree.iter() for value in element.attrib.values())


def crawl_settings():
    """The settings a crawl runs with: Scrapy's defaults under the project's."""
    from scrapy.settings import Settings

    from crawlers import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    return settings


def test_a_crawl_opens_no_listening_port():
    """Scrapy's telnet console and its remote-control server (which runs code sent to it) stay off."""
    settings = crawl_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False


def test_telnet_and_remote_control_are_not_even_imported():
    """Scrapy imports every extension named in its settings, disabled or not: these two are left out
    of the list, and every other extension Scrapy has by default is kept."""
    from scrapy.settings import default_settings as scrapy_defaults

    extensions = set(crawl_settings().getwithbase("EXTENSIONS"))
    left_out = {"scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl"}
    assert not extensions & left_out
    assert extensions >= set(scrapy_defaults.EXTENSIONS_BASE) - left_out
    assert "crawlers.runs.recorder.RunRecorder" in extensions

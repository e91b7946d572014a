"""The operator page: what it shows, who may start a crawl, and the whole thing in a real Chromium.

The Chromium test drives Debian's `chromium` through `chromium-driver` (selenium): it signs in,
presses "Start crawl" on a source of the sample network, follows the run to its end and opens its
log. It saves a screenshot to its tmp directory, and to docs/operator-page.png when
NEWSDESK_UPDATE_SCREENSHOTS=1 (so a test run does not rewrite a file of the repository).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from crawlers.sources import load_sources
from newsdesk.api import create_app
from storage.models import CrawlRun
from storage.sources import sync_sources
from tests.api_helpers import reader_for, seed_newsroom, serve_process
from tests.conftest import REQUIRE_SERVICES
from tests.crawl_helpers import FAST_CRAWL_ENV, crawl, crawl_environment

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def newsroom(sqlite_url):
    from storage import migrate
    from storage.db import make_engine

    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    seed_newsroom(engine)
    yield engine
    engine.dispose()


def run_count(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(CrawlRun))


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def test_without_a_token_there_is_no_button_and_starting_a_crawl_is_forbidden(newsroom):
    with reader_for(newsroom) as reader, TestClient(create_app(reader)) as client:
        page = client.get("/")
        assert page.status_code == 200 and "wire" in page.text and "Recent runs" in page.text
        assert "Start crawl" not in page.text and 'name="token"' not in page.text
        assert "NEWSDESK_OPERATOR_TOKEN is not set" in page.text
        before = run_count(newsroom)
        refused = client.post("/operator/sources/wire/crawl", data={"csrf": "x"})
        assert refused.status_code == 403 and "NEWSDESK_OPERATOR_TOKEN is not set" in refused.text
        assert client.post("/operator/sign-in", data={"token": ""}).status_code == 403
        assert run_count(newsroom) == before


def test_with_a_token_only_a_signed_in_same_site_form_starts_a_crawl(newsroom):
    launched: list[str] = []
    app = None
    with reader_for(newsroom) as reader:
        # The launcher is the only part replaced here: starting real crawls is the Chromium test's job.
        app = create_app(reader, operator_token="s3cret-token", crawl_launcher=lambda key: launched.append(key) or 4242)
        with TestClient(app, base_url="http://testserver") as client:
            page = client.get("/")
            assert 'name="token"' in page.text and "Start crawl" not in page.text
            assert client.post("/operator/sources/wire/crawl", data={"csrf": "x"}).status_code == 403  # not signed in
            assert client.post("/operator/sign-in", data={"token": "wrong"}).status_code == 403
            cross_site = client.post("/operator/sign-in", data={"token": "s3cret-token"},
                                     headers={"Origin": "http://evil.example"}, follow_redirects=False)
            assert cross_site.status_code == 403 and "newsdesk_operator" not in cross_site.cookies
            signed = client.post("/operator/sign-in", data={"token": "s3cret-token"}, follow_redirects=False)
            assert signed.status_code == 303
            assert "httponly" in signed.headers["set-cookie"].lower() and "samesite=strict" in signed.headers["set-cookie"].lower()
            page = client.get("/")
            assert page.text.count("Start crawl") == 3
            csrf = csrf_of(page.text)
            # A forged form: right cookie (the browser sends it), wrong or missing CSRF token, or another site.
            assert client.post("/operator/sources/wire/crawl", data={"csrf": "0" * 64}).status_code == 403
            assert client.post("/operator/sources/wire/crawl", data={}).status_code == 403
            assert client.post("/operator/sources/wire/crawl", data={"csrf": csrf},
                               headers={"Origin": "http://evil.example"}).status_code == 403
            assert launched == []
            started = client.post("/operator/sources/wire/crawl", data={"csrf": csrf},
                                  headers={"Origin": "http://testserver"}, follow_redirects=False)
            assert started.status_code == 303 and started.headers["location"] == "/?started=wire&pid=4242"
            assert launched == ["wire"]
            assert "Crawl of wire started (process 4242)" in client.get(started.headers["location"]).text
            assert client.post("/operator/sources/nosuch/crawl", data={"csrf": csrf}).status_code == 404
            # Signed out, the same cookie no longer counts.
            assert client.post("/operator/sign-out", data={"csrf": csrf}, follow_redirects=False).status_code == 303
            assert "Start crawl" not in client.get("/").text


def test_a_run_page_shows_the_log_tail_escaped_and_only_from_the_log_folder(newsroom, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "run.log"
    log.write_text("".join(f"line {n}\n" for n in range(500)) + "<script>alert(1)</script>\n")
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("not for the page\n")
    with newsroom.begin() as connection:
        connection.exec_driver_sql("UPDATE crawl_runs SET log_path = ? WHERE id = 1", (str(log),))
        connection.exec_driver_sql("UPDATE crawl_runs SET log_path = ? WHERE id = 3", (str(logs / ".." / "elsewhere.txt"),))
    with reader_for(newsroom) as reader, TestClient(create_app(reader, log_root=logs)) as client:
        page = client.get("/operator/runs/1").text
        assert "line 499" in page and "line 299" not in page  # the last 200 lines
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
        missing = client.get("/operator/runs/2").text
        assert "has no log file" in missing
        outside = client.get("/operator/runs/3").text
        assert "not for the page" not in outside and "outside this server&#39;s log folder" in outside
        assert client.get("/operator/runs/999").status_code == 404


def chromium_or_skip():
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    reason = f"{CHROMIUM} or {CHROMEDRIVER} is absent (apt-get install -y chromium chromium-driver)"
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (NEWSDESK_REQUIRE_SERVICES=1: this must not be skipped)")
    pytest.skip(reason)


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.mark.slow
def test_operator_page_in_a_real_chromium_signs_in_starts_a_crawl_and_shows_its_log(tmp_path):
    chromium_or_skip()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from newsdesk.samplenet.server import sample_network

    database_url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
    with crawl_environment(tmp_path, database_url) as env, sample_network() as network:
        sources_file = network.write_sources(tmp_path / "sources.yaml")
        from storage.db import get_engine

        engine = get_engine()
        with Session(engine) as session, session.begin():
            sync_sources(session, load_sources(sources_file))
        assert crawl(["indus_herald"], sources_file).code == 0  # one run already there
        serve_env = {**env, **FAST_CRAWL_ENV, "NEWSDESK_SOURCES": str(sources_file),
                     "NEWSDESK_OPERATOR_TOKEN": "operator-secret"}
        with serve_process(serve_env) as base:
            driver = browser(tmp_path / "chromium-profile")
            try:
                driver.get(base + "/")
                assert "indus_herald" in driver.page_source and "meridian_wire" in driver.page_source
                assert driver.find_elements(By.XPATH, "//button[text()='Start crawl']") == []
                driver.find_element(By.NAME, "token").send_keys("operator-secret")
                driver.find_element(By.XPATH, "//button[text()='Sign in']").click()
                WebDriverWait(driver, 10).until(lambda d: "signed in as operator" in d.page_source)
                form = driver.find_element(By.XPATH, "//form[@action='/operator/sources/meridian_wire/crawl']")
                form.find_element(By.TAG_NAME, "button").click()
                WebDriverWait(driver, 10).until(lambda d: "started" in d.current_url or "notice" in d.page_source)
                assert "Crawl of meridian_wire started" in driver.page_source, driver.find_element(By.TAG_NAME, "main").text[:300]
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    driver.get(base + "/")
                    row = driver.find_element(By.XPATH, "//tr[td/strong[text()='meridian_wire']]").text
                    if "succeeded" in row or "failed" in row:
                        break
                    time.sleep(1)
                assert "succeeded" in row and "manual" in row, row
                driver.find_element(By.XPATH, "//tr[td/strong[text()='meridian_wire']]//a").click()
                WebDriverWait(driver, 10).until(lambda d: "Log tail" in d.page_source)
                assert "Log tail" in driver.page_source and "meridian_wire" in driver.page_source
                log_text = driver.find_element(By.CSS_SELECTOR, "pre.log").text
                assert "Spider closed" in log_text or "finished" in log_text, log_text[-500:]
                driver.get(base + "/")
                shot = tmp_path / "operator-page.png"
                assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
                if os.environ.get("NEWSDESK_UPDATE_SCREENSHOTS") == "1":
                    shutil.copy(shot, ROOT / "docs" / "operator-page.png")
            finally:
                driver.quit()

"""The guarded uses of upstream internals (compat/): on the locked versions every one applies; a
changed upstream makes each one step aside, recorded, instead of crashing an import or a crawl."""

from __future__ import annotations

import threading

import pytest
from lxml import etree
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.test import get_crawler

import compat
from compat import apscheduler as compat_apscheduler
from compat import scrapy as compat_scrapy
from compat import scrapy_redis as compat_scrapy_redis
from compat import trafilatura as compat_trafilatura
from compat import twisted as compat_twisted
from compat import typer as compat_typer


@pytest.fixture
def fresh_checks():
    for check in (compat_scrapy.robots_internals_match, compat_scrapy._engine_has_next_call,
                  compat_scrapy_redis._has_decoder, compat_apscheduler.process_jobs_hook_matches, compat_typer.install):
        check.cache_clear()
    yield
    for check in (compat_scrapy.robots_internals_match, compat_scrapy._engine_has_next_call,
                  compat_scrapy_redis._has_decoder, compat_apscheduler.process_jobs_hook_matches):
        check.cache_clear()
    compat._patches.clear()
    compat_trafilatura.uninstall()
    compat_trafilatura.install()


def test_every_guarded_use_applies_on_the_locked_versions(fresh_checks):
    from scrapy.core.engine import ExecutionEngine
    from scrapy_redis.queue import PriorityQueue

    compat_trafilatura.uninstall()
    assert compat_trafilatura.install() == []
    assert compat_scrapy.robots_internals_match()
    assert compat_scrapy._engine_has_next_call(ExecutionEngine)
    assert compat_scrapy_redis._has_decoder(PriorityQueue)
    assert compat_apscheduler.process_jobs_hook_matches()
    assert compat_twisted.install()
    assert compat_typer.install()
    assert compat_scrapy.install_caller_module()
    assert compat.skipped() == []
    assert {p.library for p in compat.patches()} == {"trafilatura", "scrapy", "scrapy_redis", "apscheduler", "twisted",
                                                     "typer"}


def test_a_renamed_trafilatura_table_is_skipped_and_recorded(fresh_checks, monkeypatch):
    from trafilatura import xpaths

    compat_trafilatura.uninstall()
    monkeypatch.delattr(xpaths, "BODY_XPATH")
    skipped = compat_trafilatura.install()
    assert skipped == ["BODY_XPATH[0]"]
    [patch] = compat.skipped()
    assert (patch.key, patch.reason) == ("trafilatura.BODY_XPATH[0]", "xpaths.BODY_XPATH has no expression 0")


def test_trafilatura_without_sources_keeps_its_own_copy(fresh_checks, monkeypatch):
    from trafilatura import core

    def no_source(_obj):
        raise OSError("could not get source code")

    compat_trafilatura.uninstall()
    compat_trafilatura._bare_extraction_fingerprint.cache_clear()
    monkeypatch.setattr(compat_trafilatura.inspect, "getsource", no_source)
    try:
        assert compat_trafilatura.install() == ["core.bare_extraction (hand-over)"]
        assert core.copy is compat_trafilatura.copy.copy
    finally:
        monkeypatch.undo()
        compat_trafilatura._bare_extraction_fingerprint.cache_clear()


def test_the_element_class_lookup_is_installed_only_on_lxml_html_parser(fresh_checks, monkeypatch):
    from trafilatura import utils

    compat_trafilatura.uninstall()
    monkeypatch.setattr(utils, "HTML_PARSER", etree.HTMLParser())
    assert compat_trafilatura.install() == ["utils.HTML_PARSER (element classes)"]


def test_changed_robots_internals_leave_scrapy_s_own_middleware(fresh_checks, monkeypatch):
    from crawlers.middlewares import UnreachableRobotsMiddleware

    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    assert type(UnreachableRobotsMiddleware.from_crawler(crawler)) is UnreachableRobotsMiddleware
    compat_scrapy.robots_internals_match.cache_clear()
    monkeypatch.setattr(RobotsTxtMiddleware, "_robots_error", lambda self, failure: None)
    assert type(UnreachableRobotsMiddleware.from_crawler(crawler)) is RobotsTxtMiddleware
    assert [p.key for p in compat.skipped()] == ["scrapy.robots_unreachable"]


def test_a_scrapy_redis_queue_without_its_decoder_still_decodes(fresh_checks):
    from scrapy import Request, Spider
    from scrapy_redis import picklecompat

    class OldQueue:  # the public pieces only
        serializer = picklecompat
        spider = Spider(name="wire")

    request = Request("https://wire.example/a", meta={"newsdesk_run": 7})
    encoded = picklecompat.dumps(request.to_dict(spider=OldQueue.spider))
    request = compat_scrapy_redis.decode_request(OldQueue(), encoded)
    assert (request.url, request.meta["newsdesk_run"]) == ("https://wire.example/a", 7)
    assert [p.key for p in compat.skipped()] == ["scrapy_redis.decode_request"]


def test_the_job_store_client_writes_jobs_without_a_thread_or_a_chance_to_run_them(tmp_path, monkeypatch):
    # No thread: Python 3.12 refuses to start one at interpreter shutdown, which is when a stopping
    # scheduler queues its interrupted crawl again. No main loop: a job due now is stored, not run.
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    def refused(_thread):
        raise RuntimeError("can't create new thread at interpreter shutdown")

    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    client = compat_apscheduler.JobStoreClient(jobstores={"default": SQLAlchemyJobStore(url=url)})
    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", refused)
        client.start(paused=True)
        client.add_job(print, "date", args=["a job due now"], id="run-now:a")
        client.shutdown(wait=False)
    stored = SQLAlchemyJobStore(url=url)
    stored.start(None, "default")
    assert [job.id for job in stored.get_all_jobs()] == ["run-now:a"]  # still there: it did not run


def test_scrapy_refusals_are_read_from_scrapy_s_own_messages():
    assert compat_scrapy.refusal_kind("Forbidden by robots.txt") == "robots_disallowed"
    assert compat_scrapy.refusal_kind("max redirections reached") == "too_many_redirects"
    assert compat_scrapy.refusal_kind("Cancelling processing of http://x/ because it exceeded "
                                      "DOWNLOAD_MAXSIZE (1 B) during decompression.") == "too_large"
    assert compat_scrapy.refusal_kind("robots.txt unreachable (server error or no answer)") is None


def test_a_changed_twisted_parser_is_left_alone_and_recorded(fresh_checks, monkeypatch):
    from twisted.web._newclient import HTTPClientParser

    compat_twisted.uninstall()
    monkeypatch.setattr(HTTPClientParser, "_finished", lambda self, rest, extra=None: None)
    assert not compat_twisted.install()
    assert [p.key for p in compat.skipped()] == ["twisted.excess_body"]
    monkeypatch.undo()
    assert compat_twisted.install()


def test_typer_without_its_type_column_hook_leaves_help_as_released(fresh_checks, monkeypatch):
    from typer.core import TyperOption

    monkeypatch.setattr(TyperOption, "display_type_rich", None)  # gone from this release
    assert compat_typer.install() is False
    assert [p.key for p in compat.skipped()] == ["typer.flag_help"]


def test_the_scheduler_stops_between_passes_and_reads_jobs_without_writing(fresh_checks, tmp_path):
    from apscheduler.jobstores.memory import MemoryJobStore
    from sqlalchemy import inspect

    from storage.db import make_engine

    scheduler = compat_apscheduler.NightlyScheduler(jobstores={"default": MemoryJobStore()})
    scheduler.request_stop()  # before it starts: its first pass stops it
    scheduler.start()  # returns: a stopped blocking scheduler does not block
    assert not scheduler.running
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, "
                                   "next_run_time FLOAT, job_state BLOB NOT NULL)")
        connection.exec_driver_sql("INSERT INTO apscheduler_jobs VALUES ('broken', 1.0, x'00')")
    [(job_id, error)] = compat_apscheduler.read_stored_jobs(engine, "apscheduler_jobs")
    assert job_id == "broken" and error  # reported, and left where it was (APScheduler deletes it)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM apscheduler_jobs").scalar() == 1
    assert "apscheduler_jobs" in inspect(engine).get_table_names()
    engine.dispose()


def test_scrapy_s_deprecated_aliases_get_the_same_module_without_reading_sources(fresh_checks):
    import inspect

    from scrapy.utils import deprecate

    class New:
        pass

    compat_scrapy.uninstall_caller_module()
    assert deprecate.inspect is inspect
    released = deprecate.create_deprecated_class("Old", New)
    assert compat_scrapy.install_caller_module()
    assert deprecate.inspect is not inspect
    patched = deprecate.create_deprecated_class("Old", New)
    assert patched.__module__ == released.__module__ == __name__
    assert deprecate.inspect.isclass is inspect.isclass  # the rest of `inspect` as it is


def test_a_changed_create_deprecated_class_is_left_alone_and_recorded(fresh_checks, monkeypatch):
    import inspect

    from scrapy.utils import deprecate

    compat_scrapy.uninstall_caller_module()
    monkeypatch.setattr(deprecate, "create_deprecated_class", lambda name, new_class, **_: new_class)
    assert not compat_scrapy.install_caller_module()
    assert deprecate.inspect is inspect
    assert [p.key for p in compat.skipped()] == ["scrapy.deprecated_class_module"]
    monkeypatch.undo()
    assert compat_scrapy.install_caller_module()

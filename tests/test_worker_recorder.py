"""A worker's share of a distributed run: what it saves, and when."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawlers.distributed.queue import RUN_META
from crawlers.distributed.worker_recorder import WorkerRecorder
from storage import migrate, runs
from storage.db import get_engine, session_factory
from storage.models import CrawlRunWorker, Source


def saved_share(run_id: int) -> CrawlRunWorker:
    with session_factory()() as session:
        return session.scalars(select(CrawlRunWorker).where(CrawlRunWorker.run_id == run_id)).one()


def test_counts_made_after_a_heartbeat_are_saved_when_the_worker_goes_idle(env, sqlite_url):
    env(DATABASE_URL=sqlite_url)
    migrate.upgrade(get_engine())
    with session_factory().begin() as session:
        source = Source(key="wire", name="Wire", discovery="feeds")
        session.add(source)
        session.flush()
        run_id = runs.start_run(session, source_id=source.id, spider="wire", trigger="cli").id
    crawler = get_crawler(Spider)
    recorder = WorkerRecorder(crawler)
    request = Request("http://127.0.0.1/news/a", meta={RUN_META: run_id})
    recorder.response(Response(request.url, request=request), request, None)
    crawler.stats.inc_value("newsdesk/pages_fetched")
    recorder.save()  # the heartbeat, while the page is still in the pipelines
    crawler.stats.inc_value("newsdesk/articles_new")  # stored after the heartbeat
    recorder.idle(None)  # the coordinator sums the shares once no worker is busy: they must be complete
    share = saved_share(run_id)
    assert (share.stats["newsdesk/pages_fetched"], share.stats["newsdesk/articles_new"]) == (1, 1)
    # Idle again with nothing new (an idle worker polls every half second): nothing is written.
    recorder.idle(None)
    assert saved_share(run_id).heartbeat_at == share.heartbeat_at

"""`newsdesk worker`: a crawler worker taking requests from the shared Redis queue."""

from __future__ import annotations

from pathlib import Path

import typer

from core.masking import mask_secrets
from core.settings import get_settings
from newsdesk.cli.app import app, err_console


@app.command("worker")
def worker(
    concurrency: int = typer.Option(None, "--concurrency", min=1, help="Concurrent downloads (default NEWSDESK_CONCURRENT_REQUESTS)."),
    sources: Path = typer.Option(None, "--sources", help="Sources file (default NEWSDESK_SOURCES).", dir_okay=False),
) -> None:
    """Crawl from the shared Redis queue (NEWSDESK_REDIS_URL) until idle, then exit.

    Start any number of workers, on any machines that reach the same Redis and PostgreSQL; seed a
    run with `newsdesk crawl --distributed KEY...` (or let the scheduler do it). A worker closes
    after NEWSDESK_WORKER_IDLE_SECONDS with nothing to do.

    Example: `NEWSDESK_REDIS_URL=redis://queue:6379/0 newsdesk worker --concurrency 16`
    """
    from scrapy.crawler import CrawlerProcess

    from crawlers.distributed.coordinator import redis_server, scrapy_settings
    from storage import schema_version
    from storage.db import get_engine

    settings = get_settings()
    schema_version.ensure_current(get_engine())
    redis_server()  # one clear line now if Redis is not there
    scrapy = scrapy_settings(sources, "worker")
    if concurrency:
        scrapy.set("CONCURRENT_REQUESTS", concurrency, priority="cmdline")
    scrapy.set("EXTENSIONS", {
        "crawlers.runs.recorder.RunRecorder": None,
        "crawlers.distributed.worker_recorder.WorkerRecorder": 100,
        "crawlers.distributed.queue.WorkerPresence": 110,
        "crawlers.rejections.RejectedPages": 200,
        "scrapy.extensions.telnet.TelnetConsole": None,
    }, priority="cmdline")
    scrapy.set("SPIDER_MIDDLEWARES", {"crawlers.distributed.queue.RunTagMiddleware": 950}, priority="cmdline")
    from scrapy.spiderloader import get_spider_loader

    from crawlers.runs.process import share_process_budget

    keys = get_spider_loader(scrapy).list()
    share_process_budget(scrapy, len(keys))
    process = CrawlerProcess(scrapy)
    err_console.print(f"worker on {mask_secrets(settings.redis_url)}: {len(keys)} sources, idle close after "
                      f"{settings.worker_idle_seconds} s", markup=False, highlight=False)
    for key in keys:
        process.crawl(process.spider_loader.load(key))
    process.start()

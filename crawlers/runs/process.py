"""The crawl process: runs the spiders of some sources in one Scrapy reactor, then exits.

Every crawl newsdesk starts (`newsdesk crawl`, the scheduler, the demo) runs here, in a process of
its own: a Twisted reactor cannot be restarted within one process, and a crawl that hangs or
crashes must not take its caller down. Usage:

    python -m crawlers.runs.process --trigger cli [--sources FILE] [--hold] KEY [KEY ...]

With --hold, the process loads everything a crawl needs (Scrapy, the spiders, the extraction
workers) and then waits for a line `go` on its standard input before it opens a run; at end of
file instead, it leaves without crawling. `newsdesk crawl` checks the schema and the sources'
locks meanwhile (runner.launch(hold=True)), so its start-up is the longer of the two, not both.

With --prestarted (and nothing else), the process was started before its caller knew what to crawl
(crawlers/runs/prestart.py): it imports what every crawl needs, then reads its arguments and log
file as one JSON line on its standard input, and goes on as above.

Exit status: 0 when every run succeeded, 1 when one failed, 2 for bad arguments or settings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import sys

from core import collection


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crawlers.runs.process")
    parser.add_argument("--trigger", default="manual", choices=["scheduled", "manual", "cli", "demo"])
    parser.add_argument("--sources", help="sources file (default: NEWSDESK_SOURCES)")
    parser.add_argument("--log-level", default="WARNING", help="level of what goes to stderr")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for this crawl (tests, benchmarks)")
    parser.add_argument("--hold", action="store_true",
                        help="load, then wait for `go` on standard input before crawling (end of file: leave)")
    parser.add_argument("keys", nargs="+")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    # Scrapy, Twisted, SQLAlchemy and the spiders (about a second of imports on the path to the
    # first request) loaded without the collector walking them; it resumes, with them frozen, when
    # the crawl starts (_crawl; core/collection.py).
    collection.pause()
    argv = sys.argv[1:] if argv is None else argv
    prestarted = argv == ["--prestarted"]
    if prestarted:
        # A bad setting exits crawlers.settings' import: it fails again in _crawl, reported in the log.
        with contextlib.suppress(Exception, SystemExit):
            _import_what_every_crawl_needs()
    extraction = _hold_extraction_pool()
    try:
        if prestarted:
            argv = _arguments_from_caller()
            if argv is None:
                return 0  # called off before it was told what to crawl
        args = _parse(argv)
        from core.dates import utcnow

        return _crawl(args, utcnow())
    finally:
        if extraction is not None:
            from pipelines.extraction import worker_pool

            worker_pool.release(extraction)


def _import_what_every_crawl_needs() -> None:
    """Scrapy, the spider classes and the crawl's components: what `_crawl` and `preload` import,
    whatever the sources; imported before the arguments arrive (the caller imports its own meanwhile)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    import scrapy.crawler  # noqa: F401
    from scrapy.utils.project import get_project_settings

    import crawlers.loader  # noqa: F401 (every spider base class, the sources file's reader)

    preload(get_project_settings())


def _arguments_from_caller() -> list[str] | None:
    """The JSON line {"argv": [...], "log": PATH} a prestarted process waits for (None at end of
    file). From here on its output goes to that log file, which first receives what it wrote before."""
    line = sys.stdin.readline()
    if not line.strip():
        return None
    request = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    written = os.fstat(1).st_size
    early = os.pread(1, written, 0) if written else b""
    log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if early:
        os.write(log, early)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    return list(request["argv"])


def _hold_extraction_pool():
    """The extraction pool, held for the whole process, so that the crawlers (one per source)
    share it however their spiders open and close. Its workers start when the first spider opens
    (ExtractPipeline.open_spider), while the first requests go out: each takes about a second of
    CPU to import trafilatura and build its tables, and started here, before Scrapy was even
    imported, they took that second from this process's own start on two busy cores (first
    request 6.4-6.8 s after the command's start against 3.9-4.5 s without them, bench/RESULTS.md).
    None for a bad setting, which _crawl reports."""
    from core.errors import UserError
    from core.settings import get_settings
    from pipelines.extraction import worker_pool

    try:
        workers = get_settings().effective_extract_workers
    except UserError:
        return None
    return worker_pool.acquire(workers, start=False)


def _crawl(args: argparse.Namespace, started) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from core.errors import UserError

    try:
        settings = get_project_settings()
        settings.set("NEWSDESK_TRIGGER", args.trigger, priority="cmdline")
        if args.sources:
            settings.set("NEWSDESK_SOURCES", args.sources, priority="cmdline")
        settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
        for item in args.set:
            name, _, value = item.partition("=")
            settings.set(name, value, priority="cmdline")
        share_process_budget(settings, len(args.keys))
        process = CrawlerProcess(settings)
        loader = process.spider_loader
        spiders = [loader.load(key) for key in args.keys]
    except (UserError, KeyError) as exc:
        print(f"newsdesk: error: {str(exc).strip(chr(39))}", file=sys.stderr)
        return 2
    if args.hold:
        preload(settings)
        if sys.stdin.readline().strip() != "go":
            return 0  # called off by the command that started it (a check failed, Ctrl-C): no run opened
    collection.resume()
    for spider in spiders:
        process.crawl(spider)
    process.start()
    return _exit_status(started)


# What a crawl imports only once it runs (download handlers, middlewares, pipelines, extensions,
# the schema check), imported while a held crawl waits for `go`: the time is spent anyway, and
# there it overlaps the checks of the command that started it.
_COMPONENT_SETTINGS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS")


def preload(settings) -> None:
    """Import the modules of the crawl's components now. Only an import: what fails here fails
    again where Scrapy loads the component, and is reported there."""
    import importlib

    from scrapy.utils.conf import build_component_list

    modules = {"storage.schema_version", "scrapy.core.engine", "scrapy.core.scraper", "scrapy.core.downloader"}
    components = [path for name in _COMPONENT_SETTINGS for path in build_component_list(settings.getwithbase(name))]
    # Download handlers are keyed by scheme; the crawl uses http and https (others load lazily).
    handlers = {**settings.getdict("DOWNLOAD_HANDLERS_BASE"), **settings.getdict("DOWNLOAD_HANDLERS")}
    components += [handlers.get(scheme) for scheme in ("http", "https")]
    for path in components:
        if isinstance(path, str) and "." in path:
            modules.add(path.rpartition(".")[0])
    for module in sorted(modules):
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 (reported where Scrapy imports it)
            continue


# Bytes of responses waiting for the item pipelines, for the whole process (Scrapy's own limit,
# SCRAPER_SLOT_MAX_ACTIVE_SIZE, is per source).
PROCESS_SCRAPER_BYTES = 8 * 1024 * 1024


def share_process_budget(settings, crawlers: int) -> None:
    """Split the process's download and buffer budget between its crawlers (one per source).

    Scrapy's limits are per crawler: ten sources in one process would otherwise mean ten times
    NEWSDESK_CONCURRENT_REQUESTS downloads and ten times the response buffer waiting for the
    extraction workers (a crawl of ten sources held 1,300 pages in memory before this).
    """
    from scrapy.settings import SETTINGS_PRIORITIES

    from core.settings import from_scrapy

    crawlers = max(1, crawlers)
    # CONCURRENT_REQUESTS is set by the addon when each crawler starts: until then it is Scrapy's
    # default, unless given explicitly (`-s CONCURRENT_REQUESTS=...`, `newsdesk worker --concurrency`).
    explicit = settings.getpriority("CONCURRENT_REQUESTS") > SETTINGS_PRIORITIES["default"]
    total = settings.getint("CONCURRENT_REQUESTS") if explicit else from_scrapy(settings).concurrent_requests
    settings.set("CONCURRENT_REQUESTS", max(2, -(-total // crawlers)), priority="cmdline")
    settings.set("SCRAPER_SLOT_MAX_ACTIVE_SIZE", max(512 * 1024, PROCESS_SCRAPER_BYTES // crawlers),
                 priority="cmdline")


def _exit_status(started) -> int:
    """1 when a run of this process did not succeed (read back from the run records)."""
    from sqlalchemy import select

    from storage.db import session_factory
    from storage.models import CrawlRun

    with session_factory()() as session:
        statuses = session.scalars(
            select(CrawlRun.status).where(CrawlRun.pid == os.getpid(), CrawlRun.host == socket.gethostname(),
                                          CrawlRun.started_at >= started)
        ).all()
    return 0 if statuses and all(status == "succeeded" for status in statuses) else 1


if __name__ == "__main__":
    sys.exit(main())

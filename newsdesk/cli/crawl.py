"""`newsdesk crawl`: crawl sources now, with live progress and a summary."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path

import typer
from rich.console import Console

from core.errors import UserError
from core.settings import get_settings
from crawlers.runs import prestart, runner
from crawlers.sources import select_sources
from newsdesk.cli.app import app, err_console, print_table, wide_console

# The display, the run tables and the database checks (SQLAlchemy's ORM, Alembic) are imported
# where they are used: `newsdesk crawl` starts the crawl process before it needs them, and the
# crawl's start-up (command to first request) is what an operator waits for.

SourcesOption = typer.Option(None, "--sources", help="Sources file to use instead of NEWSDESK_SOURCES.",
                             exists=False, dir_okay=False)


def refuse_locked_sources(keys: list[str]) -> None:
    """One line and no crawl when a source is being crawled already (by the scheduler, say)."""
    from storage import runs
    from storage.db import session_factory
    from storage.sources import source_id

    settings = get_settings()
    with session_factory().begin() as session:
        for key in keys:
            source = source_id(session, key)
            if source is not None:
                runs.check_not_locked(session, source, key, stale_after=timedelta(minutes=settings.stale_lock_minutes))


# `newsdesk crawl` interrupted by Ctrl-C or SIGTERM exits as a shell reports SIGINT.
INTERRUPTED_EXIT = 130


def run_crawl(keys: list[str], *, trigger: str, sources: Path | None, console: Console,
              scrapy_settings: dict[str, str] | None = None, env: dict[str, str] | None = None,
              collect: list[int] | None = None, launched: runner.CrawlProcess | None = None) -> int:
    """Start one crawl process for these sources, show its progress, print the summary.

    Ctrl-C (or SIGTERM) is passed on to the crawl process, which closes cleanly: its runs end
    `interrupted` and the next crawl takes up exactly what they did not store. A second Ctrl-C
    kills it (its runs are still marked). Returns the exit code for the command: 0 when every run
    succeeded, 130 when interrupted. `launched`: the crawl process, when the caller started it.
    """
    from newsdesk.cli.progress import CrawlDisplay
    from newsdesk.cli.runs import runs_table

    settings = get_settings()
    process = launched or runner.launch(keys, trigger=trigger, sources_path=sources,
                                        scrapy_settings=scrapy_settings, env=env)
    console.print(f"crawling {', '.join(keys)} (process {process.pid}, log {process.log_path})", markup=False,
                  highlight=False)
    display = CrawlDisplay(console, err_console, pid=process.pid, keys=keys)
    interrupts = runner.Interrupts.forwarded_to(process, then=lambda signum: display.tell(
        f"{signal.Signals(signum).name}: stopping the crawl cleanly (its runs end `interrupted`); Ctrl-C again to kill it"))
    with interrupts, display:
        code = runner.follow(
            process,
            on_progress=display.update,
            timeout_seconds=settings.crawl_timeout_minutes * 60 + settings.shutdown_grace_seconds,
            grace_seconds=settings.shutdown_grace_seconds,
        )
    runs = process.runs()
    if collect is not None:
        collect.extend(run.id for run in runs)
    print_table(runs_table(runs, title="crawl summary"), console)
    if interrupts.interrupted:
        err_console.print(f"newsdesk: interrupted: {interrupted_summary(runs)}", markup=False, highlight=False)
        return INTERRUPTED_EXIT
    if not runs:
        tail = process.stderr_tail()
        raise UserError(f"the crawl process ended (status {code}) without starting a run: {tail.splitlines()[-1] if tail else 'no output'}")
    failed = [run for run in runs if run.status != "succeeded"]
    for run in failed:
        err_console.print(f"run {run.id} ({run.spider}) {run.status}: {run.error or 'see its log'} "
                          f"[log: {run.log_path}]", markup=False, highlight=False)
    return 1 if failed or code != 0 else 0


def interrupted_summary(runs) -> str:
    if not runs:
        return "the crawl stopped before it opened a run"
    listed = ", ".join(f"{run.id} ({run.spider}) {run.status}" for run in runs)
    return f"runs {listed}; `newsdesk crawl` again takes up what they did not store"


def run_distributed(keys: list[str], *, trigger: str, sources: Path | None, console: Console) -> int:
    """Seed a distributed run and follow the workers. Ctrl-C (or SIGTERM) stops it: the queued
    requests are dropped, what workers hold is finished, the runs end `interrupted`; a second
    Ctrl-C stops waiting for the workers."""
    from sqlalchemy import select

    from crawlers.distributed import coordinator
    from newsdesk.cli.progress import CrawlDisplay
    from newsdesk.cli.runs import runs_table
    from storage.db import session_factory
    from storage.models import CrawlRun

    settings = get_settings()
    seeded = coordinator.seed(keys, trigger=trigger, sources_path=sources)
    console.print(f"seeded {len(seeded)} runs in {settings.redis_url and 'Redis'}; waiting for `newsdesk worker`s",
                  markup=False, highlight=False)
    run_ids = [s.run_id for s in seeded]
    display = CrawlDisplay(console, err_console, pid=os.getpid(), keys=keys, title="distributed crawl")

    def stopping(signum: int) -> None:
        display.tell(f"{signal.Signals(signum).name}: stopping the distributed run (queued requests dropped, "
                     "workers finish what they hold); Ctrl-C again not to wait for them")

    def rows():
        with session_factory()() as session:
            return session.scalars(select(CrawlRun).where(CrawlRun.id.in_(run_ids)).order_by(CrawlRun.id)).all()

    with runner.Interrupts(stopping) as stop, display:
        statuses = coordinator.follow(seeded, timeout_seconds=settings.crawl_timeout_minutes * 60,
                                      on_progress=lambda _states: display.update(rows()), stop=stop)
    final = rows()
    print_table(runs_table(final, title="distributed crawl"), console)
    if stop.interrupted:
        err_console.print(f"newsdesk: interrupted: {interrupted_summary(final)}", markup=False, highlight=False)
        return INTERRUPTED_EXIT
    return 0 if all(status == "succeeded" for status in statuses.values()) else 1


@app.command("crawl")
def crawl(
    keys: list[str] = typer.Argument(None, help="Source keys to crawl (see `newsdesk sources list`)."),
    all_sources: bool = typer.Option(False, "--all", help="Crawl every enabled source."),
    sources: Path = SourcesOption,
    distributed: bool = typer.Option(False, "--distributed",
                                     help="Seed the shared Redis queue for `newsdesk worker`s and follow the run."),
) -> None:
    """Crawl sources now, showing live progress and a summary table; exit 1 if a run failed.

    Each source gets a run record (`newsdesk runs`) and a log file. A source already being crawled
    (by the scheduler, say) is refused.

    With --distributed (NEWSDESK_REDIS_URL set), the crawling is done by `newsdesk worker`
    processes on any number of machines; this command seeds the run, shows its progress and
    records it.

    Example: `newsdesk crawl dawn_world bbc_world` or `newsdesk crawl --all --distributed`
    """
    chosen = [s.key for s in select_sources(keys or [], all_sources=all_sources, path=sources)]
    if distributed:
        check_before_crawling(chosen)
        raise typer.Exit(run_distributed(chosen, trigger="cli", sources=sources, console=wide_console()))
    # The crawl process loads Scrapy, its spiders and the extraction workers while the schema and
    # the locks are checked here; it opens no run until they pass, and leaves if one does not. It
    # was started before this command's own imports (newsdesk.cli.main, crawlers/runs/prestart.py).
    process = runner.launch(chosen, trigger="cli", sources_path=sources, hold=True, prestarted=prestart.take())
    try:
        check_before_crawling(chosen)
    except BaseException:
        process.cancel()
        raise
    process.release()
    raise typer.Exit(run_crawl(chosen, trigger="cli", sources=sources, console=wide_console(), launched=process))


def check_before_crawling(keys: list[str]) -> None:
    """The schema at the code's revision and no source being crawled already, or one line and no crawl."""
    from storage import schema_version
    from storage.db import get_engine

    schema_version.ensure_current(get_engine())
    refuse_locked_sources(keys)

"""`newsdesk demo`: the whole pipeline, offline, against the bundled sample news network."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import func, select

from core.masking import mask_secrets
from core.settings import get_settings
from crawlers.runs.counters import counters, not_stored
from newsdesk.cli.app import app, print_table, wide_console
from newsdesk.cli.crawl import INTERRUPTED_EXIT, run_crawl
from storage import migrate
from storage.db import get_engine, session_factory
from storage.models import Article, ArticleRevision, CrawlRun, Story

# Fixed ports when free, so that a second `make demo` sees the same URLs (and fetches nothing known).
DEMO_PORTS = {"indus_herald": 8741, "meridian_wire": 8742, "global_courier": 8743, "quotidien_nations": 8744}
# The demo's network answers at once; what a crawl of the real web waits for, the demo need not.
DEMO_ENV = {"NEWSDESK_DOWNLOAD_DELAY": "0", "NEWSDESK_RETRY_BACKOFF_SECONDS": "0.2", "NEWSDESK_HEARTBEAT_SECONDS": "1"}


def _summary(console, run_ids: list[int]) -> None:
    with session_factory()() as session:
        runs = session.scalars(select(CrawlRun).where(CrawlRun.id.in_(run_ids)).order_by(CrawlRun.id)).all()
        table = Table(title="demo: per source and crawl", title_justify="left")
        for column in ("crawl", "source", "status", "pages", "new", "updated", "duplicates", "not stored (why)"):
            table.add_column(column)
        first_ids = {run.spider: run.id for run in sorted(runs, key=lambda r: r.id, reverse=True)}
        for run in runs:
            numbers = counters(run.stats)
            reasons = ", ".join(f"{k} {v}" for k, v in not_stored(run.stats).items()) or "-"
            table.add_row("1st" if first_ids[run.spider] == run.id else "2nd", run.spider, run.status,
                          str(numbers["pages"]), str(numbers["new"]), str(numbers["updated"]),
                          str(numbers["duplicates"]), reasons)
        print_table(table, console)
        articles = session.scalar(select(func.count()).select_from(Article))
        stories = session.scalar(select(func.count()).select_from(Story))
        syndicated = session.scalars(select(Story).where(Story.member_count > 1)).all()
        revisions = session.scalar(select(func.count()).select_from(ArticleRevision))
    console.print(f"{articles} articles in {stories} stories; {revisions} article revisions kept")
    for story in syndicated:
        console.print(f"  syndicated story {story.id}: {story.member_count} copies from {', '.join(story.sources)}: "
                      f"{story.title!r}", markup=False, highlight=False)


@app.command("demo")
def demo() -> None:
    """Run the offline demo: crawl the bundled sample news network into the default database.

    Starts the sample network (four fictional outlets on 127.0.0.1), crawls it with the real
    spiders, changes one article and crawls again (incremental: only the changed article is
    fetched again and kept as a revision), stops the network and prints what was stored.

    Example: `newsdesk demo` (or `make demo`, which also creates the virtualenv)
    """
    from newsdesk.samplenet.server import sample_network

    settings = get_settings()
    engine = get_engine()
    migrate.upgrade(engine)
    console = wide_console()
    console.print(f"database: {mask_secrets(settings.resolved_database_url)} "
                  f"(schema {migrate.current_revision(engine)})", markup=False, highlight=False)
    network = sample_network(preferred_ports=DEMO_PORTS).start()
    try:
        sources_path = network.write_sources(settings.path(settings.data_dir) / "demo-sources.yaml")
        keys = [outlet.key for outlet in network.outlets]
        console.print(f"sample network: {', '.join(f'{k} {u}' for k, u in network.base_urls.items())}",
                      markup=False, highlight=False)
        runs: list[int] = []
        code = 0
        for label in ("first crawl", "second crawl, after one article changed"):
            console.rule(label)
            status = run_crawl(keys, trigger="demo", sources=sources_path, console=console, env=DEMO_ENV,
                               collect=runs)
            if status == INTERRUPTED_EXIT:  # Ctrl-C: the crawl stopped cleanly; so does the demo
                raise typer.Exit(status)
            code |= status
            network.advance()
    finally:
        network.stop()
    _summary(console, runs)
    console.print(f"database: {settings.resolved_database_url.removeprefix('sqlite:///')}", markup=False,
                  highlight=False)
    console.print("next: `newsdesk runs`, `newsdesk search \"border talks\"`, or open the database with sqlite3",
                  markup=False, highlight=False)
    raise typer.Exit(code)

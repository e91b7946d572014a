"""`newsdesk runs`: the record of every crawl, newest first; `newsdesk runs show ID` for one."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from core.errors import UserError
from crawlers.runs.counters import counters, dropped_by_reason, duration
from newsdesk.cli.app import app, wide_console
from storage import runs as runs_repo
from storage.db import session_factory
from storage.models import RUN_STATUSES, CrawlRun, CrawlRunWorker

STATUS_STYLE = {"succeeded": "green", "running": "cyan", "failed": "red", "interrupted": "yellow", "timeout": "red"}
HEALTH_STYLE = {"ok": "green", "learning": "cyan", "warning": "yellow", "failing": "red"}


def health_cell(run: CrawlRun) -> str:
    """The run's health verdict and its first finding's check (crawl_runs.health); '-' when not judged."""
    verdict = run.health or {}
    status = verdict.get("status")
    if not status:
        return "-"
    findings = verdict.get("findings") or []
    first = f" ({findings[0]['check']})" if findings and status in ("warning", "failing") else ""
    return f"[{HEALTH_STYLE.get(status, 'white')}]{status}[/]{first}"

def runs_table(runs: list[CrawlRun], *, title: str, show_started: bool = False) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("run", justify="right")
    table.add_column("source")
    if show_started:
        table.add_column("trigger")
        table.add_column("started (UTC)")
    table.add_column("status")
    table.add_column("health")
    table.add_column("time", justify="right")
    for name in ("pages", "new", "updated", "duplicates", "dropped", "errors"):
        table.add_column(name, justify="right")
    for run in runs:
        numbers = counters(run.stats or {})
        started = [run.trigger, f"{run.started_at:%Y-%m-%d %H:%M}"] if show_started else []
        status = f"[{STATUS_STYLE.get(run.status, 'white')}]{run.status}[/]"
        table.add_row(str(run.id), run.spider, *started, status, health_cell(run), duration(run),
                      *(str(numbers[name]) for name in ("pages", "new", "updated", "duplicates", "dropped", "errors")))
    return table


runs_app = typer.Typer(invoke_without_command=True, help="Recent crawl runs and their details.")
app.add_typer(runs_app, name="runs")


@runs_app.callback()
def list_runs(
    ctx: typer.Context,
    source: str = typer.Option(None, "--source", help="Only runs of this source key."),
    status: str = typer.Option(None, "--status", help=f"Only runs with this status: {', '.join(RUN_STATUSES)}."),
    limit: int = typer.Option(20, "--limit", min=1, help="How many runs to show."),
) -> None:
    """Show recent runs: source, trigger, status, duration, pages, articles, drops and errors.

    Example: `newsdesk runs --status failed --limit 50`
    """
    if ctx.invoked_subcommand is not None:
        return
    if status and status not in RUN_STATUSES:
        raise UserError(f"unknown status {status!r} (use one of {', '.join(RUN_STATUSES)})")
    with session_factory(readonly_engine())() as session:
        found = runs_repo.recent_runs(session, source_key=source, status=status, limit=limit)
    if not found:
        typer.echo("no runs recorded yet" if not (source or status) else "no run matches")
        return
    wide_console().print(runs_table(found, title="crawl runs (newest first)", show_started=True))


def readonly_engine():
    from storage.db import get_engine

    return get_engine(readonly=True)


def error_kinds(stats: dict) -> dict[str, int]:
    kinds = {k.removeprefix("newsdesk/errors/"): int(v) for k, v in stats.items() if k.startswith("newsdesk/errors/")}
    for key, value in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            kinds["download: " + key.rsplit(".", 1)[-1]] = int(value)
        elif key.startswith("downloader/response_status_count/") and not key.endswith(("/200", "/304", "/301", "/302")):
            kinds["HTTP " + key.rsplit("/", 1)[-1]] = int(value)
    return kinds


@runs_app.command("show")
def show(run_id: int = typer.Argument(..., help="Run ID (from `newsdesk runs`).")) -> None:
    """Show one run: status, timings, counters, drops by reason, errors grouped by kind, log file.

    Example: `newsdesk runs show 42`
    """
    with session_factory(readonly_engine())() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            raise UserError(f"no run {run_id} (see `newsdesk runs`)")
        source_key = run.source.key
        workers = session.scalars(select(CrawlRunWorker).where(CrawlRunWorker.run_id == run_id)
                                  .order_by(CrawlRunWorker.started_at)).all()
    stats = run.stats or {}
    console = wide_console()
    table = Table(title=f"run {run.id}: {source_key}", show_header=False, title_justify="left")
    table.add_column("field")
    table.add_column("value")
    rows = [
        ("status", run.status + (f" ({run.error})" if run.error else "")),
        ("trigger", run.trigger),
        ("started", f"{run.started_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("finished", f"{run.finished_at:%Y-%m-%d %H:%M:%S} UTC" if run.finished_at else "-"),
        ("duration", duration(run)),
        ("host / pid", f"{run.host} / {run.pid}"),
        ("log", run.log_path or "-"),
    ]
    rows += [(name, str(value)) for name, value in counters(stats).items()]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for title, values in (("dropped, by reason", dropped_by_reason(stats)), ("errors, by kind", error_kinds(stats)),
                          ("skipped before fetching", {k.removeprefix("newsdesk/skipped/"): v for k, v in stats.items()
                                                      if k.startswith("newsdesk/skipped/")})):
        if values:
            sub = Table(title=title, title_justify="left")
            sub.add_column("kind")
            sub.add_column("count", justify="right")
            for kind, count in values.items():
                sub.add_row(kind, str(count))
            console.print(sub)
    if workers:
        sub = Table(title="workers (distributed run)", title_justify="left")
        for column in ("worker", "pages", "new", "duplicates", "errors", "last report (UTC)", "finished"):
            sub.add_column(column)
        for worker in workers:
            numbers = counters(worker.stats or {})
            sub.add_row(worker.worker, str(numbers["pages"]), str(numbers["new"]), str(numbers["duplicates"]),
                        str(numbers["errors"]), f"{worker.heartbeat_at:%H:%M:%S}",
                        "yes" if worker.finished_at else "no (died or still running)")
        console.print(sub)

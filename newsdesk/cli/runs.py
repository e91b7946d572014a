"""`newsdesk runs`: the record of every crawl, newest first; `newsdesk runs show ID` for one.

Counters speak the vocabulary of outcomes (core/outcomes.py, read through crawlers/runs/counters.py).
A run recorded `running` whose process is gone (no heartbeat, or its pid gone on this host) is
shown `stale`: this command only reads, so the run is marked `interrupted` by the next crawl of
its source, not here.
"""

from __future__ import annotations

from datetime import timedelta

import typer
from rich.table import Table
from sqlalchemy import select

from core.errors import UserError
from core.settings import get_settings
from crawlers.runs.counters import (
    HEADLINE,
    counters,
    dropped_by_reason,
    duration,
    failed_by_kind,
    retried_by_kind,
    skipped_by_reason,
)
from newsdesk.cli.app import (
    JsonOption,
    app,
    check_source_key,
    print_json,
    print_table,
    reading_sessions,
)
from storage import runs as runs_repo
from storage.models import RUN_STATUSES, CrawlRun, CrawlRunWorker

STATUS_STYLE = {"succeeded": "green", "running": "cyan", "failed": "red", "interrupted": "yellow", "timeout": "red",
                "stale": "yellow"}
HEALTH_STYLE = {"ok": "green", "learning": "cyan", "warning": "yellow", "failing": "red"}


def is_stale(run: CrawlRun) -> bool:
    """A `running` run whose process is gone: silent past NEWSDESK_STALE_LOCK_MINUTES, or (on this
    host) its pid no longer the crawl's."""
    if run.status != "running":
        return False
    return not runs_repo.holder_is_alive(run, stale_after=timedelta(minutes=get_settings().stale_lock_minutes))


def shown_status(run: CrawlRun) -> str:
    return "stale" if is_stale(run) else run.status


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
    for name in HEADLINE:
        table.add_column(name, justify="right")
    for run in runs:
        numbers = counters(run.stats or {})
        started = [run.trigger, f"{run.started_at:%Y-%m-%d %H:%M}"] if show_started else []
        status = shown_status(run)
        table.add_row(str(run.id), run.spider, *started, f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]",
                      health_cell(run), duration(run, alive=status != "stale"),
                      *(str(numbers[name]) for name in HEADLINE))
    return table


def run_record(run: CrawlRun) -> dict:
    """A run as JSON: what the table shows, with the stored status beside the shown one."""
    status = shown_status(run)
    return {
        "run": run.id, "source": run.spider, "trigger": run.trigger, "status": status,
        "recorded_status": run.status, "health": (run.health or {}).get("status"),
        "started_at": run.started_at.isoformat(), "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None,
        "duration": duration(run, alive=status != "stale"), "error": run.error,
        "counters": {name: value for name, value in counters(run.stats or {}).items()},
    }


runs_app = typer.Typer(invoke_without_command=True, help="Recent crawl runs and their details.")
app.add_typer(runs_app, name="runs")


@runs_app.callback()
def list_runs(
    ctx: typer.Context,
    source: str = typer.Option(None, "--source", help="Only runs of this source key."),
    status: str = typer.Option(None, "--status", help=f"Only runs with this status: {', '.join(RUN_STATUSES)}."),
    limit: int = typer.Option(20, "--limit", min=1, help="How many runs to show."),
    as_json: bool = JsonOption,
) -> None:
    """Show recent runs: source, trigger, status, duration, pages, stored, duplicates, dropped, failed, retried.

    A run still recorded `running` whose process is gone shows as `stale` (the next crawl of its
    source marks it `interrupted`).

    Example: `newsdesk runs --status failed --limit 50`
    """
    if ctx.invoked_subcommand is not None:
        return
    if status and status not in RUN_STATUSES:
        raise UserError(f"unknown status {status!r} (use one of {', '.join(RUN_STATUSES)})")
    with reading_sessions()() as session:
        check_source_key(session, source)
        found = runs_repo.recent_runs(session, source_key=source, status=status, limit=limit)
    if as_json:
        print_json([run_record(run) for run in found])
        return
    if not found:
        typer.echo("no runs recorded yet" if not (source or status) else "no run matches")
        return
    print_table(runs_table(found, title="crawl runs (newest first)", show_started=True))


# The detail of `runs show`: (JSON key, table title, first column, counts).
DETAIL = (("dropped", "dropped, by reason", "reason", dropped_by_reason),
          ("failed", "failed, by kind", "kind", failed_by_kind),
          ("retried", "retried, by kind", "kind", retried_by_kind),
          ("skipped", "skipped, by reason", "reason", skipped_by_reason))


@runs_app.command("show")
def show(run_id: int = typer.Argument(..., help="Run ID (from `newsdesk runs`)."), as_json: bool = JsonOption) -> None:
    """Show one run: status, timings, counters, drops by reason, failures and retries by kind, log file.

    Example: `newsdesk runs show 42`
    """
    with reading_sessions()() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            raise UserError(f"no run {run_id} (see `newsdesk runs`)")
        source_key = run.source.key
        workers = session.scalars(select(CrawlRunWorker).where(CrawlRunWorker.run_id == run_id)
                                  .order_by(CrawlRunWorker.started_at)).all()
    stats = run.stats or {}
    status = shown_status(run)
    if as_json:
        print_json({**run_record(run), "host": run.host, "pid": run.pid, "log": run.log_path,
                    **{key: counted(stats) for key, _title, _column, counted in DETAIL},
                    "workers": [{"worker": w.worker, "counters": counters(w.stats or {}),
                                 "heartbeat_at": w.heartbeat_at.isoformat(),
                                 "finished_at": w.finished_at.isoformat() if w.finished_at else None} for w in workers]})
        return
    table = Table(title=f"run {run.id}: {source_key}", show_header=False, title_justify="left")
    table.add_column("field")
    table.add_column("value")
    status_text = status + (f" ({run.error})" if run.error else "")
    if status == "stale":
        status_text = (f"stale: recorded running, but its process (pid {run.pid} on {run.host}) is gone or silent since "
                       f"{run.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC; the next crawl of {source_key} marks it interrupted")
    rows = [
        ("status", status_text),
        ("trigger", run.trigger),
        ("started", f"{run.started_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("finished", f"{run.finished_at:%Y-%m-%d %H:%M:%S} UTC" if run.finished_at else "-"),
        ("duration", duration(run, alive=status != "stale")),
        ("host / pid", f"{run.host} / {run.pid}"),
        ("log", run.log_path or "-"),
    ]
    rows += [(name.replace("_", " "), str(value)) for name, value in counters(stats).items()]
    for row in rows:
        table.add_row(*row)
    print_table(table)
    for _key, title, column, counted in DETAIL:
        values = counted(stats)
        if values:
            sub = Table(title=title, title_justify="left")
            sub.add_column(column)
            sub.add_column("count", justify="right")
            for kind, count in values.items():
                sub.add_row(kind, str(count))
            print_table(sub)
    if workers:
        sub = Table(title="workers (distributed run)", title_justify="left")
        for column in ("worker", "pages", "new", "duplicates", "failed", "retried", "last report (UTC)", "finished"):
            sub.add_column(column)
        for worker in workers:
            numbers = counters(worker.stats or {})
            sub.add_row(worker.worker, *(str(numbers[n]) for n in ("pages", "new", "duplicates", "failed", "retried")),
                        f"{worker.heartbeat_at:%H:%M:%S}", "yes" if worker.finished_at else "no (died or still running)")
        print_table(sub)

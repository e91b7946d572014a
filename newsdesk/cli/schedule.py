"""`newsdesk schedule`: the nightly scheduler, its jobs, and queueing a run through it."""

from __future__ import annotations

import typer
from rich.table import Table

from core.logs import configure
from core.settings import get_settings
from crawlers.sources import select_sources
from newsdesk.cli.app import JsonOption, app, err_console, print_json, print_table, reading_engine
from storage import schema_version
from storage.db import get_engine

schedule_app = typer.Typer(
    invoke_without_command=True, no_args_is_help=False,
    help="The nightly scheduler (APScheduler, jobs kept in the database). Plain `newsdesk schedule` STARTS "
         "the scheduler in the foreground (stop it with Ctrl-C or SIGTERM); `list` and `run-now` do not.")
app.add_typer(schedule_app, name="schedule")


@schedule_app.callback()
def schedule(ctx: typer.Context) -> None:
    """Plain `newsdesk schedule` STARTS the scheduler in the foreground (as `python scheduler.py`
    does) and runs until SIGTERM or Ctrl-C.

    Crawls all enabled sources at NEWSDESK_NIGHTLY_CRON (NEWSDESK_TIMEZONE), sources with their own
    `schedule:` at theirs; each crawl in its own process, with NEWSDESK_CRAWL_TIMEOUT_MINUTES.

    Example: `newsdesk schedule` (or `newsdesk schedule list`, `newsdesk schedule run-now dawn_world`)
    """
    if ctx.invoked_subcommand is not None:
        return
    import scheduler

    configure("scheduler")
    raise typer.Exit(scheduler.serve())


@schedule_app.command("list")
def list_jobs(as_json: bool = JsonOption) -> None:
    """Show every stored job with its next run time (and whether a scheduler is running).

    Only reads: the jobs are shown as stored; a running scheduler keeps them in step with its
    sources file (and does so when it starts).

    Example: `newsdesk schedule list`
    """
    import scheduler

    engine = reading_engine()
    jobs = scheduler.stored_jobs(engine)
    live = scheduler.live_instances(engine)
    if as_json:
        print_json({"jobs": [{"job": job_id, "crawls": name.removeprefix("crawl "),
                              "next_run": next_run.isoformat() if next_run else None, "trigger": trigger}
                             for job_id, name, next_run, trigger in jobs],
                    "schedulers": [{"pid": i.pid, "host": i.host, "started_at": i.started_at.isoformat(),
                                    "heartbeat_at": i.heartbeat_at.isoformat()} for i in live]})
        return
    table = Table(title="scheduled jobs", title_justify="left")
    for column in ("job", "crawls", "next run", "trigger"):
        table.add_column(column)
    for job_id, name, next_run, trigger in jobs:
        table.add_row(job_id, name.removeprefix("crawl "), f"{next_run:%Y-%m-%d %H:%M %Z}" if next_run else "paused", trigger)
    if jobs:
        print_table(table)
    else:
        typer.echo("no job stored yet: the scheduler stores its jobs when it starts (`newsdesk schedule`)")
    if live:
        typer.echo("scheduler running: " + ", ".join(f"pid {i.pid} on {i.host} since {i.started_at:%Y-%m-%d %H:%M} UTC" for i in live))
    else:
        typer.echo("no scheduler is running (start one with `newsdesk schedule`)")


@schedule_app.command("run-now")
def run_now(key: str = typer.Argument(..., help="Source key.")) -> None:
    """Queue a crawl of one source through the scheduler (it starts within seconds if a scheduler runs).

    The run is recorded with trigger `manual`. To crawl in this terminal instead, use `newsdesk crawl`.

    Example: `newsdesk schedule run-now dawn_world`
    """
    import scheduler

    schema_version.ensure_current(get_engine())
    select_sources([key], all_sources=False)
    job_id = scheduler.queue_run_now(key)
    live = scheduler.live_instances()
    if live:
        typer.echo(f"queued {job_id}; the scheduler (pid {live[0].pid} on {live[0].host}) starts it within "
                   f"{get_settings().scheduler_poll_seconds:g} s; follow it with `newsdesk runs --source {key}`")
    else:
        typer.echo(f"queued {job_id}")
        err_console.print("warning: no scheduler is running; the crawl starts when one does (`newsdesk schedule`)")

"""How runs look to an operator: the counters that matter, read from a run's stats."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table

from storage.models import CrawlRun
from storage.types import utcnow

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


def counters(stats: dict) -> dict[str, int]:
    """The headline numbers of a run from its stats."""
    def total(prefix: str) -> int:
        return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, (int, float)))

    return {
        "pages": int(stats.get("newsdesk/pages_fetched", 0)),
        "new": int(stats.get("newsdesk/articles_new", 0)),
        "updated": int(stats.get("newsdesk/articles_updated", 0)),
        "unchanged": int(stats.get("newsdesk/articles_unchanged", 0)),
        "duplicates": int(stats.get("newsdesk/articles_duplicate", 0)) + int(stats.get("newsdesk/articles_alias", 0)),
        "dropped": total("newsdesk/dropped/"),
        "skipped": total("newsdesk/skipped/"),
        # Our own error counters only: Scrapy's log_count/ERROR counts every ERROR line logged in
        # the process, and one crawl process serves several sources.
        "errors": total("newsdesk/errors/"),
    }


def dropped_by_reason(stats: dict) -> dict[str, int]:
    return {k.removeprefix("newsdesk/dropped/"): int(v) for k, v in sorted(stats.items())
            if k.startswith("newsdesk/dropped/")}


# Skips that are routine, not a verdict on a page: already seen this run, stored before.
ROUTINE_SKIPS = {"seen_in_run", "known", "rejected_before"}


def not_stored(stats: dict) -> dict[str, int]:
    """Why pages were not stored: dropped after fetching, or skipped before (routine skips aside)."""
    reasons = dict(dropped_by_reason(stats))
    for key, value in sorted(stats.items()):
        name = key.removeprefix("newsdesk/skipped/")
        if key.startswith("newsdesk/skipped/") and name not in ROUTINE_SKIPS and value:
            reasons[name] = reasons.get(name, 0) + int(value)
    return reasons


def duration(run: CrawlRun, now: datetime | None = None) -> str:
    end = run.finished_at or now or utcnow()
    seconds = int((end - run.started_at).total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


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

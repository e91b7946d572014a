"""What a crawl is doing now, for the operator who started it: a live display on a terminal, a
plain progress line on standard error elsewhere (a pipe, a log, CI).

Both read the runs' heartbeats (crawl_runs.stats, refreshed every NEWSDESK_HEARTBEAT_SECONDS),
as `newsdesk runs` does: what is shown here is what is recorded. The display starts at once,
before the crawl process has opened its runs, and says what the crawl is waiting for (downloads,
retries waiting out their back-off, robots.txt files); the final table is printed once, by the
caller, after the display is gone.
"""

from __future__ import annotations

import time

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from core.outcomes import LIVE_PREFIX
from crawlers.runs.counters import counters
from newsdesk.cli.runs import runs_table
from storage.models import CrawlRun

# How often the plain progress line is printed when nothing is on a terminal.
PLAIN_EVERY_SECONDS = 10.0


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def waiting_for(runs: list[CrawlRun]) -> str:
    """"3 downloads, 2 retries waiting out their back-off, robots.txt of 1 site" from the runs'
    live gauges; "" when nothing is pending."""
    totals = {name: 0 for name in ("downloading", "queued", "backing_off", "robots_txt")}
    for run in runs:
        if run.status != "running":
            continue
        for name in totals:
            value = (run.stats or {}).get(LIVE_PREFIX + name, 0)
            totals[name] += int(value) if isinstance(value, (int, float)) else 0
    parts = []
    if totals["robots_txt"]:
        parts.append(f"robots.txt of {_plural(totals['robots_txt'], 'site')}")
    if totals["backing_off"]:
        parts.append(f"{_plural(totals['backing_off'], 'retry', 'retries')} waiting out their back-off")
    if totals["downloading"] - totals["robots_txt"] > 0:
        parts.append(_plural(totals["downloading"] - totals["robots_txt"], "download"))
    if totals["queued"]:
        parts.append(f"{totals['queued']} queued")
    return ", ".join(parts)


def status_line(runs: list[CrawlRun], *, pid: int, keys: list[str], elapsed: float) -> str:
    """One line: where the crawl stands, in the vocabulary of outcomes, and what it waits for."""
    if not runs:
        return (f"starting the crawl process (pid {pid}) for {', '.join(keys)}: loading Scrapy and the spiders, "
                f"starting extraction workers ({elapsed:.0f} s)")
    running = sum(1 for run in runs if run.status == "running")
    totals = {name: 0 for name in ("pages", "new", "updated", "duplicates", "dropped", "failed", "retried")}
    for run in runs:
        numbers = counters(run.stats or {})
        for name in totals:
            totals[name] += numbers[name]
    line = (f"crawling {_plural(len(keys), 'source')} ({elapsed:.0f} s): {running} running, "
            f"{len(runs) - running} finished; " + ", ".join(f"{name} {value}" for name, value in totals.items()))
    waits = waiting_for(runs)
    if running and waits:
        line += f"; waiting for {waits}"
    return line


class CrawlDisplay:
    """`on_progress` for runner.follow: a live table with a status line on a terminal, a plain
    line every PLAIN_EVERY_SECONDS on stderr otherwise."""

    def __init__(self, console: Console, err_console: Console, *, pid: int, keys: list[str], title: str = "crawling"):
        self.console, self.err_console = console, err_console
        self.pid, self.keys, self.title = pid, keys, title
        self.started = time.monotonic()
        self.live: Live | None = None
        self.last_plain = 0.0
        self.note = ""  # what the operator should know now ("stopping ..."), shown above the status

    def tell(self, note: str) -> None:
        """A note from a signal handler: only stored here, shown by the next update (printing from
        a handler could interleave with the display's own output)."""
        self.note = note
        self.last_plain = 0.0  # the plain line goes out at the next update, not 10 s later

    def _renderable(self, runs: list[CrawlRun]):
        lines = [Text(self.note, style="bold yellow")] if self.note else []
        lines.append(Text(status_line(runs, pid=self.pid, keys=self.keys, elapsed=time.monotonic() - self.started),
                          style="dim"))
        return Group(*lines, runs_table(runs, title=self.title)) if runs else Group(*lines)

    def __enter__(self) -> CrawlDisplay:
        if self.console.is_terminal:
            self.live = Live(self._renderable([]), console=self.console, refresh_per_second=4, transient=True)
            self.live.__enter__()
        else:
            self.update([])
        return self

    def update(self, runs: list[CrawlRun]) -> None:
        if self.live is not None:
            self.live.update(self._renderable(runs))
            return
        now = time.monotonic()
        if now - self.last_plain >= PLAIN_EVERY_SECONDS or not self.last_plain:
            if self.note:
                self.err_console.print(self.note, markup=False, highlight=False)
                self.note = ""
            self.err_console.print(status_line(runs, pid=self.pid, keys=self.keys, elapsed=now - self.started),
                                   markup=False, highlight=False)
            self.last_plain = now

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)
            self.live = None

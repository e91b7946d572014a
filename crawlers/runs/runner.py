"""Start a crawl process and follow it: the one run path of `newsdesk crawl`, the scheduler and the demo.

The crawl itself runs in `crawlers.runs.process` (its own process); what it does is read back
from its `crawl_runs` rows, which the crawl refreshes every few seconds. So progress, summaries and
exit codes come from the same records an operator reads later with `newsdesk runs`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from core.dates import utcnow
from core.settings import get_settings
from crawlers.runs import prestart

# storage.db and storage.models (SQLAlchemy's ORM, every model) are imported where they are used:
# `newsdesk crawl` launches the crawl process before it needs them, and the crawl's start-up
# (command to first request) should not wait for them.


@dataclass
class CrawlProcess:
    popen: subprocess.Popen
    started_at: datetime
    log_path: Path
    host: str
    prestarted: prestart.Prestarted | None = None  # its output before it had a log file, if it died then

    @property
    def pid(self) -> int:
        return self.popen.pid

    def runs(self) -> list:
        """The run records (CrawlRun) this process has created so far."""
        from sqlalchemy import select

        from storage.db import session_factory
        from storage.models import CrawlRun

        with session_factory()() as session:
            return list(session.scalars(
                select(CrawlRun).where(CrawlRun.host == self.host, CrawlRun.pid == self.pid,
                                       CrawlRun.started_at >= self.started_at).order_by(CrawlRun.id)
            ))

    def last_error(self) -> str | None:
        """The last error the crawl process printed (its log line or exception), for the run record."""
        for line in reversed(self.stderr_tail(200).splitlines()):
            if " ERROR: " in line or " CRITICAL: " in line:
                return line.split(": ", 1)[-1].strip()[:500]
            if line and not line.startswith(" ") and ("Error" in line.split(":")[0] or "Exception" in line.split(":")[0]):
                return line.strip()[:500]
        return None

    def release(self) -> None:
        """Let a crawl launched with `hold=True` start crawling (it has been loading Scrapy meanwhile)."""
        if self.popen.stdin is None:
            return
        with contextlib.suppress(BrokenPipeError, OSError):  # it ended already: `follow` reads its status
            self.popen.stdin.write(b"go\n")
            self.popen.stdin.flush()
        with contextlib.suppress(BrokenPipeError, OSError):
            self.popen.stdin.close()

    def cancel(self, timeout: float = 10) -> None:
        """Call off a crawl launched with `hold=True` before it crawled: it exits without opening a run.
        Its log file goes too when nothing was written to it."""
        if self.popen.stdin is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.popen.stdin.close()  # end of file: the crawl process leaves
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        with contextlib.suppress(OSError):
            if self.log_path.stat().st_size == 0:
                self.log_path.unlink()

    def stderr_tail(self, lines: int = 5) -> str:
        if self.prestarted is not None and self.popen.poll() is not None:
            with contextlib.suppress(OSError):
                if self.log_path.stat().st_size == 0:  # it died before it could switch to its log
                    self.prestarted.copy_early_output(str(self.log_path))
        try:
            return "\n".join(self.log_path.read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return ""


def launch(keys: list[str], *, trigger: str, sources_path: Path | None = None,
           scrapy_settings: dict[str, str] | None = None, env: dict[str, str] | None = None,
           distributed: bool = False, hold: bool = False,
           prestarted: prestart.Prestarted | None = None) -> CrawlProcess:
    """Start the crawl process (or, distributed, the coordinator that seeds and follows workers).

    With `hold`, the crawl process loads Scrapy, its spiders and the extraction workers, then waits
    for `release()` (or `cancel()`) before it opens a run: the caller checks what it must (the
    schema, the sources' locks) while the crawl starts up, instead of before. `prestarted`: a crawl
    process the command started before its own imports (prestart.py), given its arguments here
    instead of starting another; it is held the same way (`env` must be None: it is running)."""
    settings = get_settings()
    module = "crawlers.distributed.coordinator" if distributed else "crawlers.runs.process"
    arguments = ["--trigger", trigger]
    if (hold or prestarted) and not distributed:
        arguments += ["--hold"]
    if sources_path:
        arguments += ["--sources", str(sources_path)]
    for name, value in (scrapy_settings or {}).items():
        arguments += ["-s", f"{name}={value}"]
    arguments += list(keys)
    log_dir = settings.log_path / "processes"
    log_dir.mkdir(parents=True, exist_ok=True)
    started = utcnow()
    log_path = log_dir / f"{started:%Y%m%dT%H%M%S}-{trigger}-{os.getpid()}.log"
    if prestarted is not None and not distributed and env is None:
        log_path.touch()
        prestarted.configure(arguments, str(log_path))
        return CrawlProcess(prestarted.popen, started, log_path, socket.gethostname(), prestarted)
    if prestarted is not None:
        prestarted.call_off()
    command = [sys.executable, "-m", module, *arguments]
    with open(log_path, "ab") as log_file:
        popen = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.PIPE if hold and not distributed else subprocess.DEVNULL,
            env={**prestart.CRAWL_PROCESS_ENV, **os.environ, **(env or {})}, start_new_session=True,
        )
    return CrawlProcess(popen, started, log_path, socket.gethostname())


class Interrupts:
    """Ctrl-C and SIGTERM while a command follows a crawl it started (or, distributed, seeded).

    The crawl process runs in a session of its own (start_new_session: a crash or a hang-up of the
    caller's terminal must not take it down), so a terminal's Ctrl-C reaches only the caller. Here
    the first SIGINT or SIGTERM calls `first` (pass it on: the crawl closes cleanly, its runs end
    `interrupted`) and a second calls `second` (kill it). Either may be left out: the signals are
    counted all the same, for a loop that reads `interrupted` and `insisted` between polls (the
    distributed coordinator). Handlers are restored on exit; used in the main thread only, as
    Python's signal handlers must be.
    """

    def __init__(self, first: Callable[[int], None] | None = None, second: Callable[[int], None] | None = None):
        self.first, self.second = first, second
        self.received: list[int] = []
        self._previous: dict[int, object] = {}

    @classmethod
    def forwarded_to(cls, process: CrawlProcess, *, then: Callable[[int], None] | None = None) -> Interrupts:
        """First signal: the same signal to the crawl process (Scrapy closes its spiders cleanly on
        SIGINT and SIGTERM), then `then(signum)`; second: SIGKILL (`follow` then marks the runs)."""
        def first(signum: int) -> None:
            _send(process, signum)
            if then is not None:
                then(signum)

        return cls(first, lambda _signum: _send(process, signal.SIGKILL))

    def _handle(self, signum, _frame) -> None:
        self.received.append(signum)
        then = self.first if len(self.received) == 1 else self.second
        if then is not None:
            then(signum)

    def __enter__(self) -> Interrupts:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @property
    def interrupted(self) -> bool:
        return bool(self.received)

    @property
    def insisted(self) -> bool:
        """A second signal came: kill, or stop waiting."""
        return len(self.received) > 1


def _send(process: CrawlProcess, signum: int) -> None:
    if process.popen.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.popen.send_signal(signum)


def stop(process: CrawlProcess, grace_seconds: float) -> None:
    """Ask the crawl to stop (Scrapy closes its spiders cleanly on SIGTERM); kill it after the grace."""
    if process.popen.poll() is not None:
        return
    process.popen.send_signal(signal.SIGTERM)
    try:
        process.popen.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        process.popen.kill()
        process.popen.wait()


def mark_unfinished(process: CrawlProcess, status: str, error: str) -> int:
    """Runs of a process that is gone but left them `running`: give them their real end."""
    from sqlalchemy import update

    from storage.db import session_factory
    from storage.models import CrawlRun

    with session_factory().begin() as session:
        result = session.execute(
            update(CrawlRun)
            .where(CrawlRun.host == process.host, CrawlRun.pid == process.pid,
                   CrawlRun.started_at >= process.started_at, CrawlRun.status == "running")
            .values(status=status, finished_at=utcnow(), error=error)
        )
        return result.rowcount or 0


def _report(process: CrawlProcess, on_progress: Callable[[list], None] | None) -> bool:
    """Show progress; False when the database could not be read this time."""
    if on_progress is None:
        return True
    try:
        on_progress(process.runs())
    except SQLAlchemyError:
        return False
    return True


def follow(process: CrawlProcess, *, on_progress: Callable[[list], None] | None = None,
           timeout_seconds: float | None = None, grace_seconds: float = 30, poll_seconds: float = 0.5,
           database_grace_seconds: float = 300) -> int:
    """Wait for the crawl to end, reporting progress; stop it at its timeout. Returns its exit code.

    Progress is read from the database. One dropped connection ended `newsdesk crawl` (exit 3)
    while the crawl went on unwatched (issue 23): a failed read is tried again at the next poll;
    only a database unreadable for `database_grace_seconds` stops the crawl (cleanly, as at its
    timeout) and marks its runs `interrupted` where the database lets us.
    """
    deadline = time.monotonic() + timeout_seconds if timeout_seconds else None
    timed_out = lost_database = False
    unreadable_since: float | None = None
    while process.popen.poll() is None:
        if _report(process, on_progress):
            unreadable_since = None
        else:
            unreadable_since = unreadable_since or time.monotonic()
            if time.monotonic() - unreadable_since > database_grace_seconds:
                lost_database = True
                stop(process, grace_seconds)
                break
        if deadline is not None and time.monotonic() > deadline:
            timed_out = True
            stop(process, grace_seconds)
            break
        with contextlib.suppress(subprocess.TimeoutExpired):  # back as soon as the crawl ends
            process.popen.wait(timeout=poll_seconds)
    code = process.popen.wait()
    if lost_database:
        with contextlib.suppress(SQLAlchemyError):  # still away: the next crawl of the source takes its runs over
            mark_unfinished(process, "interrupted",
                            f"stopped: the database was unreadable for {database_grace_seconds:.0f} s")
        return code or 1
    if timed_out:
        mark_unfinished(process, "timeout", f"stopped after the {timeout_seconds:.0f} s crawl timeout")
        # A crawl stopped by our SIGTERM ended its runs `interrupted`: the truth is `timeout`.
        from sqlalchemy import update

        from storage.db import session_factory
        from storage.models import CrawlRun

        with session_factory().begin() as session:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.host == process.host, CrawlRun.pid == process.pid,
                       CrawlRun.started_at >= process.started_at, CrawlRun.status == "interrupted")
                .values(status="timeout", error=f"stopped after the {timeout_seconds:.0f} s crawl timeout")
            )
    elif code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        mark_unfinished(process, "interrupted", f"the crawl process was killed by signal {-code} ({name})")
    elif code != 0:
        cause = process.last_error()
        mark_unfinished(process, "failed", f"the crawl process exited with status {code}" + (f": {cause}" if cause else ""))
    _report(process, on_progress)
    return code

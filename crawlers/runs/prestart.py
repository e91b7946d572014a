"""Start the crawl process before `newsdesk crawl` has imported anything: the crawl's start-up.

A crawl's start-up (command to first request) was two Python start-ups one after the other: the
command's own imports (typer, rich, the pydantic settings, SQLAlchemy: 0.3-0.6 s before it could
launch anything) and then the crawl process's (Scrapy, the spiders, the ORM: about a second).
Started first thing, with only the standard library imported, the crawl process does its imports
while the command does its own, on the other core. It knows nothing yet: it waits on its standard
input for one JSON line with its arguments and log file (runner.launch(prestarted=...)), then for
`go`, as a held crawl does. End of file instead of either line: it leaves without crawling, so a
command that fails its checks (or is never a crawl: `newsdesk crawl --help`) loses nothing.

Only the standard library is imported here: this module runs before the command's own imports.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import tempfile

# glibc gives each thread that allocates its own malloc arena, and the crawl process has about ten
# (reactor, database writers, the extraction pool's helpers, asyncio's executor). Two arenas: 5 MB
# less resident memory in the throughput benchmark, at the same speed. The environment wins.
CRAWL_PROCESS_ENV = {"MALLOC_ARENA_MAX": "2"}


class Prestarted:
    """A crawl process started with no arguments yet. Its output goes to an unnamed temporary file
    until it learns its log file, which then receives what was written so far (an import that
    failed is in the log like any other error)."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.early_output = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process it holds)
        self.popen = subprocess.Popen(
            command or [sys.executable, "-m", "crawlers.runs.process", "--prestarted"],
            stdin=subprocess.PIPE, stdout=self.early_output, stderr=subprocess.STDOUT,
            env={**CRAWL_PROCESS_ENV, **os.environ}, start_new_session=True,
        )

    def configure(self, argv: list[str], log_path: str) -> None:
        """Send the crawl's arguments and log file. A process that died meanwhile (an import
        failed) has its output copied to the log file instead: the caller reads it from there."""
        line = json.dumps({"argv": argv, "log": log_path}) + "\n"
        try:
            self.popen.stdin.write(line.encode())
            self.popen.stdin.flush()
        except (BrokenPipeError, OSError):
            self.popen.wait()
            self.copy_early_output(log_path)

    def copy_early_output(self, log_path: str) -> None:
        self.early_output.seek(0)
        early = self.early_output.read()
        if early:
            with open(log_path, "ab") as log:
                log.write(early)

    def call_off(self) -> None:
        """End of file on its input: it leaves without crawling."""
        with contextlib.suppress(BrokenPipeError, OSError):
            self.popen.stdin.close()


_waiting: Prestarted | None = None


def start() -> None:
    """Start the crawl process now; `take()` hands it to the command. Not taken (a usage error, a
    check that failed before the launch), it is called off by `call_off_untaken()` when the command
    ends (newsdesk.cli.main), or at the latest when this process exits."""
    global _waiting
    if _waiting is None:
        _waiting = Prestarted()
        atexit.register(call_off_untaken)


def take() -> Prestarted | None:
    global _waiting
    prestarted, _waiting = _waiting, None
    return prestarted


def call_off_untaken() -> None:
    """Call off the crawl process `start()` started if no command took it (the command failed)."""
    prestarted = take()
    if prestarted is not None:
        prestarted.call_off()

"""The `newsdesk` command. The app is in app.py; each sub-command lives in its own module beside it."""

from __future__ import annotations

import sys

from core import collection

# The module that registers each command. A command line that names one imports that module only:
# the others (the API server, the dedup and reprocess jobs...) would add a few tenths of a second to
# every command's start, `newsdesk crawl`'s start-up included. tests/test_cli_help.py checks the table.
COMMAND_MODULES = {
    "crawl": "crawl", "db": "db", "dedup": "dedup", "demo": "demo", "demo-health": "demo_health",
    "extract": "extract", "health": "health", "search": "read", "export": "read", "reprocess": "reprocess",
    "runs": "runs", "schedule": "schedule", "serve": "serve", "config": "settings_cmd", "sources": "sources",
    "worker": "worker",
}


def _register(args: list[str] | None = None) -> None:
    """Register the command that the command line `args` starts with, or every command (no `args`,
    help, a mistyped name)."""
    import importlib

    named = args[0] if args else None
    if named in COMMAND_MODULES:
        # Imported here so that each module registers its commands on `app` exactly once.
        importlib.import_module(f"newsdesk.cli.{COMMAND_MODULES[named]}")
        return
    from newsdesk.cli import (  # noqa: F401
        crawl,
        db,
        dedup,
        demo,
        demo_health,
        extract,
        health,
        read,
        reprocess,
        runs,
        schedule,
        serve,
        settings_cmd,
        sources,
        worker,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command; expected errors become one line on stderr and a non-zero exit code."""
    args = sys.argv[1:] if argv is None else argv
    prestart = None
    if starts_a_crawl(args):
        from crawlers.runs import prestart

        prestart.start()  # before the imports below: the crawl process imports its own meanwhile
    try:
        return _run(args, argv, own_process=argv is None)
    finally:
        if prestart is not None:
            prestart.call_off_untaken()  # the command ended before it launched the crawl (an error)


def _run(args: list[str], argv: list[str] | None, own_process: bool) -> int:
    # The command's imports, without the collector walking them (core/collection.py); frozen only
    # in a process of its own (the tests call main() in theirs).
    with collection.paused(freeze=own_process):
        from sqlalchemy.exc import OperationalError

        from compat import typer as typer_help
        from core.errors import UserError, one_line
        from newsdesk.cli.app import app, err_console

        typer_help.install()  # flags in --help without a bogus value type
        _register(args)
    try:
        app(args=argv, prog_name="newsdesk")  # click exits by itself on success and usage errors
    except (UserError, OperationalError) as exc:
        message, status = one_line(exc)
        err_console.print(f"newsdesk: error: {message}", markup=False)
        return status
    except KeyboardInterrupt:
        err_console.print("newsdesk: interrupted")
        return 130
    return 0


def starts_a_crawl(args: list[str]) -> bool:
    """`newsdesk crawl ...` that will run a crawl process here (not --help, not --distributed).
    A guess from the words alone, made before anything is imported: when it is wrong (a usage
    error, say), the crawl process started for it is called off and leaves having crawled nothing."""
    return bool(args) and args[0] == "crawl" and not {"--help", "-h", "--distributed"} & set(args[1:])

"""The `newsdesk` command. The app is in app.py; each sub-command lives in its own module beside it."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from core.errors import UserError, one_line
from newsdesk.cli.app import app, err_console


def _register() -> None:
    # Imported here so that each module registers its commands on `app` exactly once.
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
    from compat import typer as typer_help

    typer_help.install()  # flags in --help without a bogus value type
    _register()
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

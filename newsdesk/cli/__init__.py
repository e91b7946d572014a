"""The `newsdesk` command. Each sub-command lives in its own module beside this one."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

from newsdesk.config import mask_secrets
from newsdesk.errors import UserError

app = typer.Typer(
    name="newsdesk",
    help="Collect foreign-affairs news: crawl outlets, clean and deduplicate articles, store them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def wide_console() -> Console:
    """stdout; 160 columns when it is not a terminal, so tables in logs and pipes stay readable."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _register() -> None:
    # Imported here so that each module registers its commands on `app` exactly once.
    from newsdesk.cli import (  # noqa: F401
        crawl,
        db,
        dedup,
        demo,
        extract,
        read,
        runs,
        schedule,
        serve,
        settings_cmd,
        sources,
        worker,
    )


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"newsdesk: error: {mask_secrets(message)}", markup=False)
    raise typer.Exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command; expected errors become one line on stderr and a non-zero exit code."""
    _register()
    try:
        app(args=argv, prog_name="newsdesk")  # click exits by itself on success and usage errors
    except UserError as exc:
        err_console.print(f"newsdesk: error: {mask_secrets(str(exc))}", markup=False)
        return exc.exit_code
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        err_console.print(
            f"newsdesk: error: database unavailable: {mask_secrets(reason)} "
            "(check DATABASE_URL and that the server is running)",
            markup=False,
        )
        return 3
    except KeyboardInterrupt:
        err_console.print("newsdesk: interrupted")
        return 130
    return 0

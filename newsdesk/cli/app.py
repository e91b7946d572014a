"""The `newsdesk` Typer app and what its commands share: consoles, --since parsing, failing in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console

from core.errors import UserError
from core.masking import mask_secrets

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


def parse_since(value: str | None) -> datetime | None:
    """--since / --until values of every command: a date, a time, or an age (7d, 12h)."""
    if not value:
        return None
    if value[-1:] in ("d", "h") and value[:-1].isascii() and value[:-1].isdigit():
        amount = int(value[:-1])
        try:
            return datetime.now(UTC) - (timedelta(days=amount) if value.endswith("d") else timedelta(hours=amount))
        except OverflowError:  # 999999999d: before the year 1, a traceback (issue 23)
            raise UserError(f"--since {value!r}: an age before the year 1; give a date or a smaller age") from None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--since {value!r}: give a date (2026-11-01), a time (2026-11-01T08:00) or an age (7d, 12h)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"newsdesk: error: {mask_secrets(message)}", markup=False)
    raise typer.Exit(code)

"""`newsdesk demo`: the offline end-to-end demonstration."""

from __future__ import annotations

import typer

from newsdesk.cli import app, err_console
from newsdesk.config import get_settings, mask_secrets
from storage import migrate
from storage.db import get_engine


@app.command("demo")
def demo() -> None:
    """Run the offline demo into the default SQLite database (upgrading its schema first).

    Example: `newsdesk demo`
    """
    engine = get_engine()
    migrate.upgrade(engine)
    err_console.print(f"database: {mask_secrets(get_settings().resolved_database_url)} "
                      f"at {migrate.current_revision(engine)}", markup=False)
    typer.echo("no sources yet")

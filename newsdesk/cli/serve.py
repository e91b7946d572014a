"""`newsdesk serve`: the read API, the change feed and the operator page, over HTTP."""

from __future__ import annotations

import errno
import socket

import typer

from core.errors import UserError
from core.masking import mask_secrets
from core.settings import get_settings
from newsdesk.cli.app import app, err_console


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} on {host} is in use: choose another with --port") from None
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the read API (JSON, OpenAPI at /openapi.json, documented at /docs), the change feed
    (/changes) and the operator page (/), in this process, until Ctrl-C or SIGTERM.

    It reads through a read-only connection: on PostgreSQL the reader role named by
    NEWSDESK_READER_DATABASE_URL (`newsdesk db grant-reader NAME --tables`), on SQLite the database
    file opened read-only. Crawls started from the operator page (with NEWSDESK_OPERATOR_TOKEN) run
    in their own processes, as with `newsdesk crawl`.

    Example: `newsdesk serve --port 8000`, then open http://127.0.0.1:8000/
    """
    import uvicorn

    from newsdesk.api import create_app
    from newsdesk.api.database import check_read_only_contract, reader_engine, reader_url
    from storage import migrate

    settings = get_settings()
    engine = reader_engine(reader_url(settings))
    check_read_only_contract(engine)
    migrate.ensure_current(engine)
    _check_port_free(host, port)
    api = create_app(engine, operator_token=settings.operator_token, rate_limit=settings.api_rate_limit)
    reading = (f"{engine.url.database.removeprefix('file:')} (SQLite, read-only)" if engine.dialect.name == "sqlite"
               else mask_secrets(engine.url.render_as_string(hide_password=False)))
    err_console.print(
        f"newsdesk serve: http://{host}:{port}/ (API docs at /docs) reading {reading}"
        + ("; operator sign-in on" if settings.operator_token else "; no operator token: crawls cannot be started here"),
        markup=False, highlight=False)
    uvicorn.run(api, host=host, port=port, log_level=settings.log_level.lower(), server_header=False)

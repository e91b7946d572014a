"""The ASGI app of `newsdesk serve`: routers, errors, the rate limit, the change-feed listener."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from newsdesk import __version__
from newsdesk.api import articles, changes, docs_page, errors, operator, runs, stories
from newsdesk.api.ratelimit import RateLimit

DESCRIPTION = (
    "Read access to what newsdesk collected: articles, stories, sources and crawl runs (the reader "
    "views of docs/schema.md), and a change feed. Lists are pages in a stable order: pass the "
    "`next` of a page as `cursor` to get the following one; `Accept: application/x-ndjson` streams "
    "a whole result instead. Times are ISO-8601 UTC."
)


def create_app(engine: Engine, *, operator_token: str | None = None, rate_limit: str = "off",
               crawl_launcher: Callable[[str], int] | None = None, log_root: Path | None = None) -> FastAPI:
    """The app, reading through `engine` (built by newsdesk.api.database: read-only). Run log
    tails are shown from files under `log_root` only (default: the settings' log folder)."""
    if log_root is None:
        from core.settings import get_settings

        log_root = get_settings().log_path
    signal = changes.ChangeSignal()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with changes.notifications(engine, signal):
            yield

    app = FastAPI(title="newsdesk", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # FastAPI's pages load from a CDN: ours is docs_page
    app.state.engine = engine
    app.state.change_signal = signal
    app.state.operator_auth = operator.OperatorAuth(operator_token)
    app.state.crawl_launcher = crawl_launcher or operator.launch_crawl
    app.state.log_root = log_root
    errors.install(app)
    for module in (articles, stories, runs, changes, operator, docs_page):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.add_middleware(RateLimit, limit=rate_limit)
    app.openapi = lambda: _openapi(app)
    return app


def _openapi(app: FastAPI) -> dict:
    """FastAPI's schema without its 422 responses: invalid parameters get 400 here (errors.py)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for methods in schema["paths"].values():
            for operation in methods.values():
                operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema

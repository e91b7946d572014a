"""The operator page at `/`: sources with their last run, recent runs, a run's log tail, and (with
NEWSDESK_OPERATOR_TOKEN) a button that starts a crawl of a source.

Server-rendered (Jinja2 templates and one stylesheet in this package), no JavaScript at all.

Who may start a crawl: nobody when NEWSDESK_OPERATOR_TOKEN is unset (no button; the endpoint
answers 403). Otherwise an operator signs in once with the token and gets a session cookie
(HttpOnly, SameSite=Strict, signed with a key derived from the token and a secret of this server
process). Every state-changing form carries a CSRF token bound to that session (an HMAC of the
session id), and a request whose Origin (or Referer) names another site is refused, so another
site cannot make an operator's browser start crawls.

A crawl is started through newsdesk/runner.py, in a process of its own, exactly like `newsdesk
crawl` (trigger `manual`); a background thread follows it as `newsdesk crawl` does (marking its run
failed if the process dies). The API's read-only connection plays no part in it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import text

from newsdesk.api.articles import MAX_ID, SOURCE_KEY
from newsdesk.api.rows import record
from newsdesk.api.runs import RUN_COLUMNS, all_sources, recent_runs

log = logging.getLogger("newsdesk.api.operator")
router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

COOKIE = "newsdesk_operator"
RECENT_RUNS = 30
LOG_TAIL_LINES = 200
LOG_TAIL_BYTES = 256 * 1024


def _when(value) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _ticks(value: str) -> Markup:
    """Markdown's `code` spans as <code>, everything else escaped (descriptions in the schema)."""
    parts = str(escape(value or "")).split("`")
    return Markup("".join(f"<code>{part}</code>" if n % 2 else part for n, part in enumerate(parts)))


templates.env.filters["when"] = _when
templates.env.filters["ticks"] = _ticks


class OperatorAuth:
    """Sessions and CSRF tokens for one server process; nothing is stored server-side."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None
        # A restart (or a new token) signs everyone out: the key includes a per-process secret.
        self._key = hashlib.sha256((token or "").encode() + secrets.token_bytes(32)).digest()

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def token_matches(self, offered: str) -> bool:
        return self.enabled and hmac.compare_digest(offered.encode(), self.token.encode())

    def new_session(self) -> str:
        session = secrets.token_urlsafe(24)
        return f"{session}.{self._sign('session', session)}"

    def session_of(self, request: Request) -> str | None:
        if not self.enabled:
            return None
        cookie = request.cookies.get(COOKIE, "")
        session, _, signature = cookie.partition(".")
        if session and hmac.compare_digest(signature, self._sign("session", session)):
            return session
        return None

    def csrf_for(self, session: str) -> str:
        return self._sign("csrf", session)


def _same_origin(request: Request) -> bool:
    """A browser names the page a form was sent from; it must be this server."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        return claimed is None  # no header at all: not a browser's cross-site form
    parts = urlsplit(claimed)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)


def _refuse(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "message.html", {"title": title, "message": message},
                                      status_code=status)


def _auth(request: Request) -> OperatorAuth:
    return request.app.state.operator_auth


def _operator_view(request: Request) -> dict:
    auth = _auth(request)
    session = auth.session_of(request)
    return {"enabled": auth.enabled, "signed_in": session is not None,
            "csrf": auth.csrf_for(session) if session else ""}


@router.get("/", response_class=HTMLResponse)
def operator_page(request: Request, started: str | None = None, pid: int | None = None):
    with request.app.state.engine.connect() as connection:
        sources = all_sources(connection)
        runs = recent_runs(connection, limit=RECENT_RUNS)
    message = None
    if started and re.match(SOURCE_KEY, started):
        message = (f"Crawl of {started} started" + (f" (process {pid})" if pid else "")
                   + ": its run appears below within a few seconds; reload to follow it.")
    return templates.TemplateResponse(request, "operator.html", {
        "sources": sources, "runs": runs, "operator": _operator_view(request), "message": message,
        "message_is_error": False})


def log_tail(path: str | None, log_root: Path) -> tuple[str | None, str]:
    """The last lines of a run's log file, or None and why there is none. Only files under the
    log folder are read: the page is public, and log_path is whatever a writer stored."""
    if not path:
        return None, "This run has no log file."
    file = Path(path).resolve()
    if not file.is_relative_to(log_root.resolve()):
        return None, f"The log file is outside this server's log folder ({log_root}); it is not shown."
    try:
        with file.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - LOG_TAIL_BYTES))
            data = handle.read()
    except FileNotFoundError:
        return None, "The log file is not on this machine (the run ran elsewhere, or the log was pruned)."
    except OSError as exc:
        return None, f"The log file cannot be read: {exc.strerror}."
    lines = data.decode("utf-8", errors="replace").splitlines()
    if len(data) == LOG_TAIL_BYTES or len(lines) > LOG_TAIL_LINES:
        lines = lines[1:]  # the first line may be cut
    return "\n".join(lines[-LOG_TAIL_LINES:]), ""


@router.get("/operator/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int):
    if not 1 <= run_id <= MAX_ID:
        return _refuse(request, 404, "No such run", f"there is no run {run_id}")
    with request.app.state.engine.connect() as connection:
        row = connection.execute(text(f"SELECT {', '.join(RUN_COLUMNS)} FROM v_crawl_runs WHERE run_id = :id"),
                                 {"id": run_id}).first()
    if row is None:
        return _refuse(request, 404, "No such run", f"there is no run {run_id}")
    run = record(RUN_COLUMNS, row)
    tail, missing = log_tail(run["log_path"], request.app.state.log_root)
    return templates.TemplateResponse(request, "run.html", {"run": run, "log_tail": tail, "log_missing": missing})


@router.post("/operator/sign-in")
def sign_in(request: Request, token: str = Form("")):
    auth = _auth(request)
    if not auth.enabled:
        return _refuse(request, 403, "Not allowed", "crawls cannot be started from this page: "
                       "NEWSDESK_OPERATOR_TOKEN is not set on the server")
    if not _same_origin(request):
        return _refuse(request, 403, "Refused", "the sign-in form was sent from another site")
    if not auth.token_matches(token):
        log.warning("operator sign-in with a wrong token from %s", request.client.host if request.client else "?")
        return _refuse(request, 403, "Wrong token", "that is not the operator token")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, auth.new_session(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


def _checked_session(request: Request, csrf: str) -> HTMLResponse | None:
    """None when the request may change something; else the refusal to send."""
    auth = _auth(request)
    if not auth.enabled:
        return _refuse(request, 403, "Not allowed", "crawls cannot be started from this page: "
                       "NEWSDESK_OPERATOR_TOKEN is not set on the server")
    session = auth.session_of(request)
    if session is None:
        return _refuse(request, 403, "Not signed in", "sign in with the operator token first")
    if not _same_origin(request) or not hmac.compare_digest(csrf, auth.csrf_for(session)):
        return _refuse(request, 403, "Refused", "the form is stale or came from another site (CSRF check failed): "
                       "reload the page and try again")
    return None


@router.post("/operator/sign-out")
def sign_out(request: Request, csrf: str = Form("")):
    refusal = _checked_session(request, csrf)
    if refusal is not None:
        return refusal
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/operator/sources/{key}/crawl")
def start_crawl(request: Request, key: str, csrf: str = Form("")):
    refusal = _checked_session(request, csrf)
    if refusal is not None:
        return refusal
    if not re.match(SOURCE_KEY, key):
        return _refuse(request, 404, "No such source", "no source with that key")
    with request.app.state.engine.connect() as connection:
        source = connection.execute(text("SELECT enabled FROM sources WHERE key = :k"), {"k": key}).first()
        running = connection.execute(text(
            "SELECT run_id FROM v_crawl_runs WHERE source_key = :k AND status = 'running'"), {"k": key}).scalar()
    if source is None:
        return _refuse(request, 404, "No such source", f"no source {key}")
    if not source[0]:
        return _refuse(request, 409, "Source disabled", f"{key} is disabled (or gone from the sources file)")
    if running is not None:
        return _refuse(request, 409, "Already running", f"{key} is being crawled right now (run {running})")
    pid = request.app.state.crawl_launcher(key)
    log.info("operator started a crawl of %s (process %s)", key, pid)
    return RedirectResponse(f"/?started={key}&pid={pid}", status_code=303)


def launch_crawl(key: str) -> int:
    """Start a crawl of one source the way `newsdesk crawl` does, and follow it in the background."""
    from core.settings import get_settings
    from crawlers.runs import runner

    settings = get_settings()
    process = runner.launch([key], trigger="manual")

    def follow() -> None:
        try:
            runner.follow(process, timeout_seconds=settings.crawl_timeout_minutes * 60,
                          grace_seconds=settings.shutdown_grace_seconds)
        except Exception:  # noqa: BLE001 - the crawl's own run record still tells what happened
            log.exception("following the crawl of %s (process %s)", key, process.pid)

    threading.Thread(target=follow, name=f"crawl-{key}", daemon=True).start()
    return process.pid

"""GET /changes: every article insert, revision and story change since a cursor, each exactly once.

The rows come from change_log, written by triggers inside each writing transaction (see the
migration 20261207_01 for the full argument). In short:

- PostgreSQL. A serial alone is not a cursor: writer A takes serial 7 and is still open when
  writer B takes 8 and commits; a reader that returned 8 and moved its cursor past it would never
  return 7. Each row therefore carries its writer's transaction id, and a reader returns only rows
  whose transaction id is below the horizon `pg_snapshot_xmin(pg_current_snapshot())`: every
  transaction below it has ended (committed rows are visible, rolled-back rows never will be), and
  any transaction that writes later gets a higher id. The rows below the horizon are therefore
  final, and reading them in (txid, id) order with the cursor (txid, id) of the last row returned
  neither skips one (nothing can appear behind the cursor) nor repeats one (the order is total).
  A transaction's changes come together, transactions in the order of their ids: the order in
  which they began to write, which differs from commit order only for transactions that
  overlapped (and then neither is delivered before both have ended).
- SQLite. Writers take turns (one write transaction at a time, BEGIN IMMEDIATE), so the
  AUTOINCREMENT id is handed out in commit order and never reused: `id > cursor` is exact.

Waiting: with `wait=N` the request is held until there is something to return or N seconds have
passed. On PostgreSQL the triggers NOTIFY `newsdesk_changes` and one LISTEN connection per server
process wakes every waiting request at the commit; while rows exist that an older, still open
transaction holds back, the feed is looked at again every POLL_PENDING seconds. SQLite has no
notifications: waiting requests look every POLL_SQLITE seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

from fastapi import APIRouter, Query, Request
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from starlette.concurrency import run_in_threadpool

from newsdesk.api import cursors
from newsdesk.api.errors import ERROR_RESPONSES, ApiError, ErrorBody
from newsdesk.api.rows import record
from newsdesk.api.schemas import ChangePage
from storage.change_log import HORIZON_SQL, pruned_through

log = logging.getLogger("newsdesk.api.changes")
router = APIRouter(tags=["changes"])

CHANNEL = "newsdesk_changes"
MAX_WAIT_SECONDS = 60
POLL_PENDING = 0.2    # rows committed but held back by an older open transaction
POLL_POSTGRES = 1.0   # a safety net under LISTEN (a notification lost with a dropped connection)
POLL_SQLITE = 0.25
COLUMNS = ["txid", "id", "kind", "article_id", "story_id", "revision", "changed_at"]


CURSOR_EXPIRED = {410: {"model": ErrorBody, "description": "The cursor is older than the change log keeps "
                                                             "(NEWSDESK_CHANGE_LOG_RETENTION_DAYS): start again."}}


@dataclass
class Feed:
    changes: list[dict]
    next: str
    held_back: bool  # PostgreSQL: committed changes exist past the cursor that are not final yet


def encode(txid: int, serial: int) -> str:
    return cursors.encode("changes", x=txid, s=serial)


def read(connection: Connection, after: str | None, limit: int) -> Feed:
    position = cursors.decode(after, "changes", {"x": int, "s": int}) if after else {"x": -1, "s": 0}
    if after:
        refuse_if_pruned(connection, position["x"], position["s"])
    params = {"x": position["x"], "s": position["s"], "limit": limit}
    select = f"SELECT {', '.join(COLUMNS)} FROM change_log"
    if connection.dialect.name == "postgresql":
        rows = connection.execute(text(
            f"{select} WHERE (txid, id) > (:x, :s) AND txid < {HORIZON_SQL} ORDER BY txid, id LIMIT :limit"), params).all()
    else:
        rows = connection.execute(text(f"{select} WHERE id > :s ORDER BY id LIMIT :limit"), params).all()
    changes = []
    for row in rows:
        change = record(COLUMNS, row)
        txid = change.pop("txid") or 0
        change["cursor"] = encode(txid, change.pop("id"))
        changes.append(change)
    held_back = False
    if not changes and connection.dialect.name == "postgresql":
        held_back = bool(connection.execute(text(
            f"SELECT EXISTS (SELECT 1 FROM change_log WHERE (txid, id) > (:x, :s) AND txid >= {HORIZON_SQL})"),
            params).scalar())
    following = changes[-1]["cursor"] if changes else encode(position["x"], position["s"])
    return Feed(changes, following, held_back)


def refuse_if_pruned(connection: Connection, txid: int, serial: int) -> None:
    """A cursor from before the log's pruned end (storage/change_log.py) would read on past a hole:
    410, and what to do, instead of a feed that silently lacks changes."""
    pruned = pruned_through(connection)
    if pruned is not None and pruned.missed_by(txid, serial, connection.dialect.name):
        raise ApiError(410, "cursor_expired",
                       f"this cursor is older than the change log keeps: changes after it were pruned "
                       f"(the log keeps NEWSDESK_CHANGE_LOG_RETENTION_DAYS; last pruned {pruned.at:%Y-%m-%d %H:%M} UTC); "
                       "read what you keep again with GET /articles and GET /stories, then follow the feed "
                       "from its start (no `after`)")


class ChangeSignal:
    """Wakes every waiting request when a NOTIFY arrives. A waiter takes the current generation
    *before* it reads the feed, so a commit between its read and its wait still wakes it."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.listening = False

    def generation(self) -> asyncio.Event:
        return self._event

    def fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()


async def listen(conninfo: str, signal: ChangeSignal) -> None:
    """LISTEN on one connection for the life of the server; reconnect when it drops."""
    import psycopg

    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:
                await connection.execute(f"LISTEN {CHANNEL}")
                signal.listening = True
                signal.fire()  # anything committed while we were not listening
                async for _notification in connection.notifies():
                    signal.fire()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure: the poll covers us, retry shortly
            log.warning("LISTEN %s: %s; retrying in 2 s", CHANNEL, str(exc).splitlines()[0] if str(exc) else exc)
        signal.listening = False
        await asyncio.sleep(2)


def libpq_conninfo(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def notifications(engine: Engine, signal: ChangeSignal):
    """The lifespan part of the feed: a LISTEN task on PostgreSQL, nothing on SQLite."""
    if engine.dialect.name != "postgresql":
        yield
        return
    task = asyncio.create_task(listen(libpq_conninfo(engine.url), signal))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _read(engine: Engine, after: str | None, limit: int) -> Feed:
    with engine.connect() as connection:
        return read(connection, after, limit)


@router.get("/changes", response_model=ChangePage, responses={**ERROR_RESPONSES, **CURSOR_EXPIRED},
            summary="The change feed: every change since a cursor, exactly once")
async def changes(
    request: Request,
    after: str | None = Query(None, max_length=cursors.MAX_CURSOR_CHARS,
                              description="The `next` of your previous call; omit it to start from the beginning."),
    limit: int = Query(1000, ge=1, le=1000, description="Changes per call."),
    wait: float = Query(0, ge=0, le=MAX_WAIT_SECONDS, description="Seconds to wait for a change when there is none yet (long polling)."),
):
    """Article inserts and deletions, revisions, and story changes, in transaction order; store
    `next` and pass it as `after` next time to get each change exactly once. Fetch the objects
    themselves with GET /articles/{id} and GET /stories/{id}."""
    engine: Engine = request.app.state.engine
    signal: ChangeSignal = request.app.state.change_signal
    if after:
        cursors.decode(after, "changes", {"x": int, "s": int})  # a bad cursor fails now, not after waiting
    deadline = time.monotonic() + wait
    while True:
        woken = signal.generation()
        feed = await run_in_threadpool(_read, engine, after, limit)
        remaining = deadline - time.monotonic()
        if feed.changes or remaining <= 0:
            return {"changes": feed.changes, "next": feed.next}
        if engine.dialect.name != "postgresql":
            pause = POLL_SQLITE
        else:
            pause = POLL_PENDING if feed.held_back or not signal.listening else POLL_POSTGRES
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), timeout=min(pause, remaining))

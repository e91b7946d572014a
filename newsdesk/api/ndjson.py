"""`Accept: application/x-ndjson`: the whole result as JSON lines, in constant memory.

Rows come from a server-side cursor (PostgreSQL) or SQLite's lazy cursor, BATCH at a time, and are
sent as they come: the connection is the stream's own, held for as long as the client reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from sqlalchemy import Engine, TextClause
from starlette.requests import Request
from starlette.responses import StreamingResponse

from newsdesk.api.rows import record

MEDIA_TYPE = "application/x-ndjson"
BATCH = 500


def wanted(request: Request) -> bool:
    return MEDIA_TYPE in request.headers.get("accept", "")


def stream(engine: Engine, statement: TextClause, params: dict, columns: list[str],
           shape: Callable[[dict], dict] | None = None) -> StreamingResponse:
    def lines() -> Iterator[str]:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(statement, params)
            chunk: list[str] = []
            for row in result:
                item = record(columns, row)
                chunk.append(json.dumps(shape(item) if shape else item, ensure_ascii=False))
                if len(chunk) == BATCH:
                    yield "\n".join(chunk) + "\n"
                    chunk = []
            if chunk:
                yield "\n".join(chunk) + "\n"

    return StreamingResponse(lines(), media_type=MEDIA_TYPE)

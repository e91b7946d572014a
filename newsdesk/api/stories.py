"""GET /stories and GET /stories/{id}: v_stories page by page, and one story with its members."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import text

from newsdesk.api import cursors, ndjson
from newsdesk.api.articles import MAX_ID, NDJSON_RESPONSE, SourceKey, expanding
from newsdesk.api.errors import ERROR_RESPONSES, NOT_FOUND, ApiError
from newsdesk.api.rows import record, utc
from newsdesk.api.schemas import StoryDetail, StoryPage
from storage.export import STORY_COLUMNS

router = APIRouter(tags=["stories"])


@router.get("/stories", response_model=StoryPage, responses={**NDJSON_RESPONSE, **ERROR_RESPONSES},
            summary="Stories (v_stories), page by page")
def list_stories(
    request: Request,
    source: list[SourceKey] | None = Query(None, description="Stories with an article from this source; repeat for several."),
    since: datetime | None = Query(None, description="First published at or after (ISO 8601)."),
    until: datetime | None = Query(None, description="First published before (ISO 8601)."),
    min_members: int | None = Query(None, ge=1, le=MAX_ID, description="Only stories with at least this many articles (2: syndicated stories)."),
    limit: int = Query(100, ge=1, le=1000),
    cursor: str | None = Query(None, max_length=cursors.MAX_CURSOR_CHARS, description="The `next` of the previous page."),
):
    """Stories in story-id order (the order they were formed), `limit` at a time; follow `next`.
    `Accept: application/x-ndjson` streams them all."""
    engine = request.app.state.engine
    filters, params = [], {}
    if source:
        filters.append("EXISTS (SELECT 1 FROM v_articles a WHERE a.story_id = v.story_id AND a.source_key IN :sources)")
        params["sources"] = list(source)
    if since is not None:
        filters.append("v.first_published_at >= :since")
        params["since"] = utc(since)
    if until is not None:
        filters.append("v.first_published_at < :until")
        params["until"] = utc(until)
    if min_members is not None:
        filters.append("v.member_count >= :min_members")
        params["min_members"] = min_members
    if cursor is not None:
        filters.append("v.story_id > :after")
        params["after"] = cursors.decode(cursor, "stories", {"id": int})["id"]
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    sql = f"SELECT {', '.join(f'v.{c}' for c in STORY_COLUMNS)} FROM v_stories v{where} ORDER BY v.story_id"
    if ndjson.wanted(request):
        return ndjson.stream(engine, expanding(text(sql), params), params, STORY_COLUMNS)
    params["limit"] = limit + 1
    with engine.connect() as connection:
        rows = connection.execute(expanding(text(sql + " LIMIT :limit"), params), params).all()
    items = [record(STORY_COLUMNS, row) for row in rows[:limit]]
    more = len(rows) > limit
    return {"items": items, "next": cursors.encode("stories", id=items[-1]["story_id"]) if more else None}


MEMBER_COLUMNS = ["id", "source_key", "source_name", "url", "title", "published_at", "language", "is_canonical",
                  "duplicate_of", "similarity"]


@router.get("/stories/{story_id}", response_model=StoryDetail, responses={**NOT_FOUND, **ERROR_RESPONSES},
            summary="One story with its articles")
def get_story(request: Request, story_id: int = Path(ge=1, le=MAX_ID)):
    """A story and its member articles, first published first (the canonical one leads)."""
    with request.app.state.engine.connect() as connection:
        row = connection.execute(text(
            f"SELECT {', '.join(STORY_COLUMNS)} FROM v_stories WHERE story_id = :id"), {"id": story_id}).first()
        if row is None:
            raise ApiError(404, "not_found", f"no story {story_id}")
        story = record(STORY_COLUMNS, row)
        members = connection.execute(text(
            "SELECT v.id, v.source_key, v.source_name, v.url, v.title, v.published_at, v.language, v.is_canonical, "
            "v.duplicate_of, a.similarity FROM v_articles v JOIN articles a ON a.id = v.id WHERE v.story_id = :id "
            "ORDER BY COALESCE(v.published_at, v.first_seen_at), v.id"), {"id": story_id})
        story["members"] = [record(MEMBER_COLUMNS, member) for member in members]
    return story

"""GET /articles and GET /articles/{id}: v_articles with filters, in a stable order, page by page.

Pages are keyset pages on the article id (`WHERE id > last ORDER BY id`), not offsets: a page costs
the same at row 100,000 as at row 0, and articles stored while a client walks the list neither
shift nor repeat what it has already seen (new ones come after, in ascending order).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import StringConstraints
from sqlalchemy import bindparam, text

from newsdesk.api import cursors, ndjson
from newsdesk.api.errors import ERROR_RESPONSES, NOT_FOUND, ApiError
from newsdesk.api.rows import record, utc
from newsdesk.api.schemas import ArticleDetail, ArticlePage
from storage.export import ARTICLE_COLUMNS
from storage.search import terms
from storage.tags import tag_filters

router = APIRouter(tags=["articles"])

MAX_ID = 2**31 - 1
SOURCE_KEY = r"^[a-z0-9_]{1,64}$"
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$"
COUNTRY = r"^[A-Za-z]{2,3}$"
SourceKey = Annotated[str, StringConstraints(pattern=SOURCE_KEY)]
LanguageCode = Annotated[str, StringConstraints(pattern=LANGUAGE)]
CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY)]
TaggedCountry = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
OrganisationKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,32}$")]
NDJSON_RESPONSE = {200: {"content": {ndjson.MEDIA_TYPE: {"schema": {"type": "string"}}},
                         "description": "JSON: one page. With `Accept: application/x-ndjson`: every matching row, "
                                        "one JSON object a line, no limit."}}


def search_clause(dialect: str, q: str, params: dict) -> str:
    """Articles containing every word of `q` (quoted phrases kept together); the user's text is
    reduced to words, so nothing in it can act as query syntax (as in `newsdesk search`)."""
    phrases = [" ".join(re.findall(r"\w+", term)) for term in terms(q)]
    phrases = [p for p in phrases if p]
    if not phrases:
        return "1 = 0"  # nothing searchable: nothing matches
    if dialect == "sqlite":
        params["match"] = " ".join(f'"{p}"' for p in phrases)
        return "v.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match)"
    params["query"] = " ".join(f'"{p}"' if " " in p else p for p in phrases)
    return ("v.id IN (SELECT article_id FROM articles_fts "
            "WHERE document @@ websearch_to_tsquery('simple', :query))")


def organisation_keys(values: list[str] | None) -> list[str] | None:
    """The `organisation` values upper-cased; 400 naming the keys when one is not among them."""
    from pipelines.tagging import ORGANISATIONS

    keys = [value.upper() for value in values or ()]
    unknown = [value for value, key in zip(values or (), keys, strict=True) if key not in ORGANISATIONS]
    if unknown:
        raise ApiError(400, "invalid_parameter", f"organisation: {unknown[0]!r} is not an organisation key; "
                                                 f"use one of {', '.join(ORGANISATIONS)}")
    return keys or None


def article_filters(dialect: str, *, source, language, source_country, since, until, story, q, tagged_country=None,
                    organisation=None) -> tuple[list[str], dict]:
    filters, params = [], {}
    moment = "COALESCE(v.published_at, v.first_seen_at)"  # as `newsdesk export --since/--until`
    if source:
        filters.append("v.source_key IN :sources")
        params["sources"] = list(source)
    if language:
        filters.append("lower(v.language) IN :languages")
        params["languages"] = [value.lower() for value in language]
    if source_country:
        filters.append("v.source_key IN (SELECT key FROM sources WHERE upper(country) IN :source_countries)")
        params["source_countries"] = [value.upper() for value in source_country]
    if since is not None:
        filters.append(f"{moment} >= :since")
        params["since"] = utc(since)
    if until is not None:
        filters.append(f"{moment} < :until")
        params["until"] = utc(until)
    if story is not None:
        filters.append("v.story_id = :story")
        params["story"] = story
    if q is not None:
        filters.append(search_clause(dialect, q, params))
    filters += tag_filters("v.id", params, countries=tagged_country, organisations=organisation_keys(organisation))
    return filters, params


def expanding(statement, params: dict):
    lists = [name for name, value in params.items() if isinstance(value, list)]
    return statement.bindparams(*(bindparam(name, expanding=True) for name in lists))


@router.get("/articles", response_model=ArticlePage, responses={**NDJSON_RESPONSE, **ERROR_RESPONSES},
            summary="Articles (v_articles), filtered, page by page")
def list_articles(
    request: Request,
    source: list[SourceKey] | None = Query(None, description="Source key; repeat for several."),
    language: list[LanguageCode] | None = Query(None, description="Language code (`en`, `fr`); repeat for several."),
    country: list[TaggedCountry] | None = Query(
        None, description="A country the article names (its tags, v_article_countries; ISO 3166-1 alpha-2, e.g. `KG`); "
                          "repeat for any of several. The same as `newsdesk search/export --country`."),
    source_country: list[CountryCode] | None = Query(
        None, description="The publisher's country (sources.country: ISO 3166-1 alpha-2, or `INT`); repeat for several."),
    organisation: list[OrganisationKey] | None = Query(
        None, description="An international organisation the article names (`SCO`, `AU`, `UNSC`, ... the keys of "
                          "v_article_organisations); repeat for any of several. With `country`, both must hold."),
    since: datetime | None = Query(None, description="Published at or after (ISO 8601; a date means its midnight UTC). "
                                                     "Articles without a publication time count by when they were first stored, as in `newsdesk export`."),
    until: datetime | None = Query(None, description="Published before (same rules as `since`)."),
    story: int | None = Query(None, ge=1, le=MAX_ID, description="Only the members of this story."),
    q: str | None = Query(None, max_length=500, description="Full text: every word in the title or body; quote a phrase."),
    order: Literal["asc", "desc"] = Query("asc", description="By article id: `asc` = oldest stored first, `desc` = newest first."),
    limit: int = Query(100, ge=1, le=1000, description="Articles per page."),
    cursor: str | None = Query(None, max_length=cursors.MAX_CURSOR_CHARS, description="The `next` of the previous page."),
):
    """Articles in a stable order (article id), `limit` at a time; follow `next` until it is null.
    Send `Accept: application/x-ndjson` for the whole result in one streamed response."""
    engine = request.app.state.engine
    dialect = engine.dialect.name
    filters, params = article_filters(dialect, source=source, language=language, source_country=source_country,
                                      since=since, until=until, story=story, q=q, tagged_country=country,
                                      organisation=organisation)
    if cursor is not None:
        position = cursors.decode(cursor, "articles", {"id": int, "o": str})
        if position["o"] != order:
            raise ApiError(400, "bad_cursor", f"this cursor belongs to order={position['o']}, not order={order}")
        filters.append("v.id > :after" if order == "asc" else "v.id < :after")
        params["after"] = position["id"]
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    select = ", ".join(f"v.{c}" for c in ARTICLE_COLUMNS)
    sql = f"SELECT {select} FROM v_articles v{where} ORDER BY v.id {order.upper()}"
    if ndjson.wanted(request):
        return ndjson.stream(engine, expanding(text(sql), params), params, ARTICLE_COLUMNS)
    params["limit"] = limit + 1
    with engine.connect() as connection:
        rows = connection.execute(expanding(text(sql + " LIMIT :limit"), params), params).all()
    items = [record(ARTICLE_COLUMNS, row) for row in rows[:limit]]
    more = len(rows) > limit
    return {"items": items, "next": cursors.encode("articles", id=items[-1]["id"], o=order) if more else None}


URL_COLUMNS = ["url", "kind", "first_seen_at", "last_fetched_at"]
REVISION_COLUMNS = ["revision", "title", "text", "content_hash", "url", "published_at", "updated_at", "valid_from",
                    "replaced_at"]


@router.get("/articles/{article_id}", response_model=ArticleDetail, responses={**NOT_FOUND, **ERROR_RESPONSES},
            summary="One article, with its URLs and earlier versions")
def get_article(request: Request, article_id: int = Path(ge=1, le=MAX_ID)):
    """An article (its v_articles row and a few more fields), its country and organisation tags,
    every URL that leads to it, and its revisions (earlier versions, oldest first; the article
    itself is the newest)."""
    select = ", ".join(f"v.{c}" for c in ARTICLE_COLUMNS)
    with request.app.state.engine.connect() as connection:
        row = connection.execute(text(
            f"SELECT {select}, s.country, a.description, a.image_url, a.similarity FROM v_articles v "
            "JOIN articles a ON a.id = v.id JOIN sources s ON s.key = v.source_key WHERE v.id = :id"),
            {"id": article_id}).first()
        if row is None:
            raise ApiError(404, "not_found", f"no article {article_id}")
        article = record([*ARTICLE_COLUMNS, "source_country", "description", "image_url", "similarity"], row)
        article["urls"] = [record(URL_COLUMNS, r) for r in connection.execute(text(
            f"SELECT {', '.join(URL_COLUMNS)} FROM article_urls WHERE article_id = :id ORDER BY id"), {"id": article_id})]
        article["revisions"] = [record(REVISION_COLUMNS, r) for r in connection.execute(text(
            f"SELECT {', '.join(REVISION_COLUMNS)} FROM article_revisions WHERE article_id = :id ORDER BY revision"),
            {"id": article_id})]
        countries = connection.execute(text(
            "SELECT country, mentions, is_primary FROM v_article_countries WHERE article_id = :id "
            "ORDER BY mentions DESC, country"), {"id": article_id}).all()
        article["countries"] = {row.country: row.mentions for row in countries}
        article["primary_country"] = next((row.country for row in countries if row.is_primary), None)
        article["organisations"] = {row.organisation: row.mentions for row in connection.execute(text(
            "SELECT organisation, mentions FROM v_article_organisations WHERE article_id = :id "
            "ORDER BY mentions DESC, organisation"), {"id": article_id})}
    return article

"""Streaming export of the reader views: constant memory, stable column order, ISO-8601 UTC times.

Rows are read with a server-side cursor (PostgreSQL) or a lazy cursor (SQLite) in batches and
written as they come, so exporting a million articles needs no more memory than exporting ten.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.tags import tag_filters

ARTICLE_COLUMNS = ["id", "source_key", "source_name", "url", "title", "authors", "published_at", "updated_at",
                   "language", "section", "dateline", "text", "word_count", "story_id", "duplicate_of",
                   "is_canonical", "first_seen_at", "last_seen_at"]
STORY_COLUMNS = ["story_id", "canonical_article_id", "title", "first_published_at", "last_published_at",
                 "member_count", "source_count", "sources"]
TIME_COLUMNS = {"published_at", "updated_at", "first_seen_at", "last_seen_at", "first_published_at", "last_published_at"}
JSON_COLUMNS = {"authors", "sources"}
BATCH = 1000
# Control characters other than newline and tab: data, never terminal or spreadsheet instructions.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_control(value: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value)


def iso_utc(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite: naive UTC text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _query(stories_only: bool, since, until, source_key, countries=None, organisations=None) -> tuple[str, dict, list[str]]:
    params: dict = {}
    filters = []
    if stories_only:
        columns, view, moment = STORY_COLUMNS, "v_stories v", "v.first_published_at"
        if source_key:
            filters.append("EXISTS (SELECT 1 FROM v_articles a WHERE a.story_id = v.story_id AND a.source_key = :source)")
        order = "v.first_published_at, v.story_id"
    else:
        columns, view, moment = ARTICLE_COLUMNS, "v_articles v", "COALESCE(v.published_at, v.first_seen_at)"
        if source_key:
            filters.append("v.source_key = :source")
        order = f"{moment}, v.id"
    if source_key:
        params["source"] = source_key
    if since is not None:
        filters.append(f"{moment} >= :since")
        params["since"] = since
    if until is not None:
        filters.append(f"{moment} < :until")
        params["until"] = until
    filters += tag_filters("v.story_id" if stories_only else "v.id", params, countries=countries,
                           organisations=organisations, stories=stories_only)
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    select = ", ".join(f"v.{c}" for c in columns)
    return f"SELECT {select} FROM {view}{where} ORDER BY {order}", params, columns


def rows(connection: Connection, *, stories_only: bool = False, since: datetime | None = None,
         until: datetime | None = None, source_key: str | None = None, countries: list[str] | None = None,
         organisations: list[str] | None = None) -> Iterator[dict]:
    """The rows of v_articles (v_stories with ``stories_only``) in publication order; ``countries`` /
    ``organisations``: only those that name one of them (a story: any of its articles)."""
    sql, params, columns = _query(stories_only, since, until, source_key, countries, organisations)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(text(sql), params)
    for row in result:
        record = dict(zip(columns, row, strict=True))
        for column in TIME_COLUMNS & record.keys():
            record[column] = iso_utc(record[column])
        for column in JSON_COLUMNS & record.keys():
            if isinstance(record[column], str):
                record[column] = json.loads(record[column])
        if "is_canonical" in record:
            record["is_canonical"] = bool(record["is_canonical"])
        yield record


def write_jsonl(records: Iterator[dict], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False))  # json escapes every control character
        out.write("\n")
        count += 1
    return count


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    return escape_control(str(value))


def write_csv(records: Iterator[dict], out: IO[str], columns: list[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([_csv_cell(record[c]) for c in columns])
        count += 1
    return count

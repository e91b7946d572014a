"""Database rows to JSON-ready records, exactly as `newsdesk export` writes them (ISO-8601 UTC
times, JSON lists as lists, booleans as booleans), and request values to database parameters."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from storage.export import iso_utc

TIME_SUFFIXES = ("_at",)
JSON_FIELDS = {"authors", "sources"}
BOOL_FIELDS = {"is_canonical", "enabled"}


def record(columns: Sequence[str], row: Iterable) -> dict:
    out = dict(zip(columns, row, strict=True))
    for name, value in out.items():
        if value is None:
            continue
        if name.endswith(TIME_SUFFIXES) or name == "valid_from":
            out[name] = iso_utc(value)
        elif name in JSON_FIELDS and isinstance(value, str):
            out[name] = json.loads(value)
        elif name in BOOL_FIELDS:
            out[name] = bool(value)
    return out


def utc(moment: datetime) -> datetime:
    """A request's date or time in UTC; a naive one is taken as UTC. Dates beyond what a UTC
    datetime can hold (year 1 with a positive offset) are pinned to the nearest end. Bound as is on
    either database: storage/db.py writes it for SQLite as the columns store times."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC) if moment.year < 2 else datetime.max.replace(tzinfo=UTC)

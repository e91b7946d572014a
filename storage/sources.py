"""Repository functions for the sources table (synced from the sources file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import utcnow
from storage.db import insert_missing
from storage.models import Source


class SourceLike(Protocol):
    key: str
    name: str
    homepage: str | None
    country: str | None
    language: str | None
    enabled: bool

    @property
    def discovery(self) -> str: ...


def sync_sources(session: Session, specs: Iterable[SourceLike], *, disable_missing: bool = True) -> dict[str, int]:
    """Make the table match the sources file; returns key -> id.

    Sources that left the file are disabled, not deleted: their articles and runs stay readable.
    Safe when several processes sync the same new sources at once (workers starting together).
    """
    values = {spec.key: {"name": spec.name, "homepage": spec.homepage, "country": spec.country,
                         "language": spec.language, "discovery": spec.discovery, "enabled": spec.enabled}
              for spec in specs}
    known = set(session.scalars(select(Source.key)))
    now = utcnow()
    insert_missing(session, Source, [{"key": key, **row, "created_at": now, "updated_at": now}
                                     for key, row in values.items() if key not in known], key="key")
    existing = {source.key: source for source in session.scalars(select(Source))}
    for key, row in values.items():
        source = existing[key]
        for name, value in row.items():
            if getattr(source, name) != value:
                setattr(source, name, value)
    if disable_missing:
        for key, source in existing.items():
            if key not in values and source.enabled:
                source.enabled = False
    session.flush()
    return {key: source.id for key, source in existing.items()}


def source_id(session: Session, key: str) -> int | None:
    return session.scalar(select(Source.id).where(Source.key == key))

"""The identity of this database: the UUID its migration made once (storage/models.py DatabaseIdentity)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import UserError
from storage.models import DatabaseIdentity


def database_id(session: Session) -> str:
    identity = session.scalar(select(DatabaseIdentity.id).order_by(DatabaseIdentity.created_at).limit(1))
    if identity is None:
        raise UserError("this database has no identity row (table database_identity is empty): "
                        "run `newsdesk db downgrade 20261207_03` then `newsdesk db upgrade` to make one")
    return identity

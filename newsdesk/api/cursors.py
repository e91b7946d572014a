"""Opaque page and feed cursors: what a client hands back unchanged to get what comes next.

A cursor is base64url text of a small JSON object naming what it is a cursor of, so a cursor of
/articles given to /changes, or one cut short in a copy-paste, is refused with a message instead of
silently meaning something else. Cursors are not secret and carry no filters: they only say where
in a stable order the previous page stopped.
"""

from __future__ import annotations

import base64
import binascii
import json

from newsdesk.api.errors import ApiError

MAX_CURSOR_CHARS = 200


def encode(kind: str, **position: int | str) -> str:
    raw = json.dumps({"k": kind, **position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, kind: str, fields: dict[str, type]) -> dict:
    """The position in a cursor of `kind`; ApiError 400 for anything else."""
    problem = f"bad cursor {token[:40]!r}: pass the `next` value of a previous response of this endpoint, unchanged"
    if len(token) > MAX_CURSOR_CHARS:
        raise ApiError(400, "bad_cursor", problem)
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_cursor", problem) from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise ApiError(400, "bad_cursor", problem)
    position = {}
    for name, expected in fields.items():
        value = data.get(name)
        if type(value) is not expected or (expected is int and not -2**63 <= value < 2**63):
            raise ApiError(400, "bad_cursor", problem)
        position[name] = value
    return position

"""Passwords in URLs, hidden from everything newsdesk prints, logs and records."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@\s/]+)@")


def mask_secrets(text: str) -> str:
    """Hide the password of every URL in ``text`` (``scheme://user:***@host``)."""
    return _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)

"""The language of an article: as the page declares it, else detected from the text."""

from __future__ import annotations

import re

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def primary_language(declared: str | None) -> str | None:
    """"en-US" -> "en", "zh_Hans" -> "zh"; None for anything that is not a language tag."""
    if not declared:
        return None
    match = _TAG.match(declared.strip())
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """py3langid on the first few thousand characters (enough, and keeps it fast)."""
    if len(text) < 40:
        return None
    import py3langid

    language, _score = py3langid.classify(text[:4000])
    return language

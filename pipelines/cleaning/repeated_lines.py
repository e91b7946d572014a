"""Lines repeated within the body: pull quotes, teasers and sticky footers printed twice."""

from __future__ import annotations

from pipelines.cleaning.headline import match_key


def remove_repeated_lines(paragraphs: list[str]) -> list[str]:
    """Keep the first occurrence of each paragraph (compared case- and punctuation-insensitively)."""
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        key = match_key(paragraph) or paragraph
        if key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept

"""What a dedup pass decides about an incoming article."""

from __future__ import annotations

from dataclasses import dataclass

ALIAS = "alias"        # same source, same text, another URL: one article with one more URL
COPY = "copy"          # another source's copy of a stored article: stored, joined to its story
REVISION = "revision"  # same source, near-identical text at a new URL: the stored article, revised


@dataclass(frozen=True)
class Match:
    kind: str
    article_id: int
    story_id: int | None
    score: float
    pass_name: str

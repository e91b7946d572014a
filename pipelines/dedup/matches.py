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
    # Other stories the article matches as well: two copies stored before their original, that
    # did not match each other, are each a story of their own; the original joins one and brings
    # the other along, so arrival order cannot leave one story split in two.
    also_stories: tuple[int, ...] = ()

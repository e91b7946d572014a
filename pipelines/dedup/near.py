"""Dedup pass 3, near duplicates: syndicated copies with other headlines, boilerplate and cuts.

Candidates come from the persisted LSH index (storage/dedup_index.py); each is scored by the
MinHash estimate of how much of the shorter text the longer one contains, so a copy with its
last paragraphs cut still matches. Briefs (fewer than NEWSDESK_DEDUP_MIN_WORDS words) are never
matched here: short texts built of stock phrases look alike without being the same story, so a
brief is only ever merged as an exact copy (pass 2).

Another source's copy joins the stored article's story. A near-identical text from the same source
at a new URL is the same article whose slug changed: a revision (pass 4); since that replaces a
stored article's text, it needs a stricter score (NEWSDESK_DEDUP_REVISION_THRESHOLD).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from core.records import Signature
from pipelines.dedup.matches import COPY, REVISION, Match
from pipelines.dedup.signatures import containment, jaccard
from storage.dedup_index import candidates


class NearDuplicatePass:
    name = "near"

    def __init__(self, stats, *, threshold: float, revision_threshold: float, min_words: int):
        self.stats = stats
        self.threshold = threshold
        self.revision_threshold = revision_threshold
        self.min_words = min_words

    def is_brief(self, word_count: int) -> bool:
        return word_count < self.min_words

    def score(self, a: Signature, b: Signature) -> float:
        return containment(a, b, jaccard(a, b))

    def find(self, session: Session, signature: Signature, keys: list[int], *, word_count: int,
             source_id: int) -> Match | None:
        if self.is_brief(word_count):
            self.stats.inc_value("newsdesk/dedup/briefs_exact_only")
            return None
        found = candidates(session, keys)
        self.stats.inc_value("newsdesk/dedup/candidates", len(found))
        best: Match | None = None
        matched_stories: set[int] = set()
        for candidate in found:
            if self.is_brief(candidate.word_count):
                continue
            score = self.score(signature, candidate.signature)
            same_source = candidate.source_id == source_id
            needed = self.revision_threshold if same_source else self.threshold
            if score < needed:
                continue
            if candidate.story_id is not None:
                matched_stories.add(candidate.story_id)
            kind = REVISION if same_source else COPY
            # A same-source match wins: the article itself, re-published, comes before its copies.
            rank = (kind == REVISION, score)
            if best is None or rank > (best.kind == REVISION, best.score):
                best = Match(kind, candidate.article_id, candidate.story_id, round(score, 4), self.name)
        if best is not None:
            others = tuple(sorted(matched_stories - {best.story_id}))
            best = replace(best, also_stories=others) if best.kind == COPY else best
            self.stats.inc_value(f"newsdesk/dedup/near_{best.kind}")
            if best.also_stories:
                self.stats.inc_value("newsdesk/dedup/stories_merged", len(best.also_stories))
        return best

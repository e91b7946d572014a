"""Shingle scoring of extracted article text, as in the article-extraction-benchmark.

Each text becomes a multiset of 4-token shingles (tokens are ``\\w+`` runs, case kept). Per page
the shared, extra and missing shingles are normalised to sum to 1, so that long articles weigh no
more than short ones; precision and recall are means over pages and F1 is their harmonic mean.

Written by hand because the benchmark ships its scorer as a script, not as a library. One edge
case follows that script so our numbers compare with the published ones: a text of fewer than
four tokens is one short shingle.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import fmean

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


def tokenize(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))


@dataclass(frozen=True)
class PageScore:
    """Shared (tp), extracted-only (fp) and expected-only (fn) shingles, normalised to sum to 1."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when nothing was extracted: the page is left out of the mean precision."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None when nothing was expected: the page is left out of the mean recall."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        """Per-page F1, for finding regressions; the benchmark's F1 is `Scores.f1`, not a mean of these."""
        precision, recall = self.precision or 0.0, self.recall or 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_page(expected: str | None, extracted: str | None) -> PageScore:
    truth, found = shingles(expected), shingles(extracted)
    tp = sum((truth & found).values())
    fp = sum((found - truth).values())
    fn = sum((truth - found).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def aggregate(pages: list[PageScore]) -> Scores:
    precisions = [p.precision for p in pages if p.precision is not None]
    recalls = [p.recall for p in pages if p.recall is not None]
    return Scores(
        precision=fmean(precisions) if precisions else 0.0,
        recall=fmean(recalls) if recalls else 0.0,
    )

"""Lines repeated within the body: a lead paragraph printed twice, a pull quote, a sticky teaser.

A repeat is boilerplate when it is an accident: a line that occurs exactly twice in a text where
few lines repeat. Lines that recur three times or more, list items, and texts where many lines
repeat are structure (an interview's recurring question, a meal plan's daily breakfast, a table
of results) and stay: the benchmark's one meal plan lost half its text to a blunter rule.
"""

from __future__ import annotations

from collections import Counter

from pipelines.extraction.cleaning.headline import match_key

MAX_DISTINCT_REPEATS = 3


def remove_repeated_lines(paragraphs: list[str]) -> list[str]:
    keys = [match_key(p) or p for p in paragraphs]
    counts = Counter(keys)
    accidental = {key for key, n in counts.items() if n == 2}
    if len(accidental) > MAX_DISTINCT_REPEATS:
        accidental = set()
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph, key in zip(paragraphs, keys, strict=True):
        if key in accidental and key in seen and not paragraph.startswith(("- ", "• ", "* ", "|")):
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept

"""Lines repeated within the body: a lead paragraph printed twice, a pull quote, a sticky teaser.

A repeat is boilerplate when it is an accident: a line that occurs exactly twice in a text where
few lines repeat. Lines that recur three times or more, list items, and texts where many lines
repeat are structure (an interview's recurring question, a meal plan's daily breakfast, a table
of results) and stay: the benchmark's one meal plan lost half its text to a blunter rule. So do
short labels ("Pros:", "Price: $30"), which a comparison of two products prints once per card.
"""

from __future__ import annotations

import re
from collections import Counter

from pipelines.extraction.cleaning.headline import match_key

MAX_DISTINCT_REPEATS = 3
MAX_LABEL_WORDS = 8
# "Pros:", "Price: $30", "Where to watch: Netflix", "Glass: FPL-53": a field of a spec sheet or a
# product card, which recurs in the next card by design (the benchmark's reviews and comparisons).
_LABEL = re.compile(r"^[^:.!?]{1,40}:(\s+\S.*)?$")


def is_label(line: str) -> bool:
    return len(line.split()) <= MAX_LABEL_WORDS and bool(_LABEL.match(line.strip()))


def remove_repeated_lines(paragraphs: list[str]) -> list[str]:
    keys = [match_key(p) or p for p in paragraphs]
    counts = Counter(keys)
    accidental = {key for key, n in counts.items() if n == 2}
    if len(accidental) > MAX_DISTINCT_REPEATS:
        accidental = set()
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph, key in zip(paragraphs, keys, strict=True):
        if key in accidental and key in seen and not paragraph.startswith(("- ", "• ", "* ", "|")) \
                and not is_label(paragraph):
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept

"""Whether a gold snippet (`with`: must be there; `without`: must not) occurs in an extraction.

The rule, the same for every extractor measured: both texts are NFKC-normalised, typographic quotes
and dashes made plain, whitespace collapsed; the snippet is found when it occurs in the text with a
word boundary at each end (so the `without` snippet "Home" is not found in "homes", but is in "Home
Secretary": the set's snippets are what they are, and both sides are judged alike). Case counts.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_PLAIN).split())


@functools.lru_cache(maxsize=8192)
def _pattern(snippet: str) -> re.Pattern | None:
    plain = normalise(snippet)
    if not plain:
        return None
    head = r"(?<!\w)" if plain[0].isalnum() else ""
    tail = r"(?!\w)" if plain[-1].isalnum() else ""
    return re.compile(head + re.escape(plain) + tail)


def found(snippets: list[str], text: str | None) -> int:
    """How many of the snippets occur in the text."""
    plain = normalise(text or "")
    return sum(1 for s in snippets if (pattern := _pattern(s)) is not None and pattern.search(plain))

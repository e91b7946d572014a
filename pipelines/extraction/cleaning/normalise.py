"""Whitespace and Unicode normalisation, and the split of a text into paragraphs."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that only get in the way: zero-width space, BOM, word joiner, soft hyphen.
# Zero-width (non-)joiners are kept: Urdu, Persian and Indic scripts need them to spell words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff\u2060\u00ad\u180e"), None)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    line = _CONTROL.sub("", line)
    return _SPACES.sub(" ", line).strip()


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs of an extracted text: one per line (trafilatura's layout), normalised, non-empty."""
    lines = (normalise_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return [line for line in lines if line]


def join_paragraphs(paragraphs: list[str]) -> str:
    """The stored layout: paragraphs separated by one blank line."""
    return "\n\n".join(paragraphs)

"""Bylines: "By Jane Doe", "By Jane Doe and John Roe, Reuters" lines become the authors list; the
author's bio at the end of the article ("Jane Doe is a senior writer who ...") goes."""

from __future__ import annotations

import re

# "By", and its equivalents in the languages of the publishers we collect or are measured on,
# opening a short line of names, with or without a colon ("By: Jane Doe", "Autor: Jan Kowalski").
_BYLINE = re.compile(
    r"^(by|from|von|par|por|di|door|de|av|af|autor|autorka|autoři|tekst|texto|írta|oleh|автор|автори|بقلم|تحریر)"
    r"\s*:?\s+(?P<names>[^\n]{2,120})$", re.IGNORECASE
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|&|\|)\s*", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"\d|https?://|@|\b(staff|correspondent|reporter|desk|agency|editor)\b", re.IGNORECASE)
MAX_BYLINE_SCAN = 4  # bylines open the text; deeper down "By ..." starts real sentences
MAX_BIO_SCAN = 3     # an author box follows the article: its last paragraphs
MAX_BIO_WORDS = 80


def clean_author(name: str) -> str | None:
    name = re.sub(r"^(by|von|par|por)\s+", "", name.strip(), flags=re.IGNORECASE).strip(" ,.;:|-–—")
    if not name or len(name) > 60 or len(name.split()) > 5 or "http" in name:
        return None
    return name


def split_authors(raw: list[str]) -> list[str]:
    authors: list[str] = []
    for value in raw:
        for part in _NAME_SPLIT.split(value or ""):
            name = clean_author(part)
            if name and name.casefold() not in {a.casefold() for a in authors}:
                authors.append(name)
    return authors


def _byline_names(line: str) -> list[str] | None:
    match = _BYLINE.match(line.strip())
    if not match or line.rstrip().endswith((".", "!", "?")) and len(line.split()) > 8:
        return None
    parts = [p for p in _NAME_SPLIT.split(match.group("names")) if p]
    names = []
    for part in parts:
        words = part.split()
        if _NOT_A_NAME.search(part) or not words or len(words) > 4:
            continue
        if not all(w[:1].isupper() or not w[:1].isalpha() for w in words):
            return None  # "by the ministry on Tuesday": a sentence, not a byline
        names.append(part.strip())
    return names or None


def extract_byline(paragraphs: list[str], known_authors: list[str]) -> tuple[list[str], list[str]]:
    """Paragraphs without byline lines, and the authors those lines named."""
    known = {a.casefold() for a in known_authors}
    kept: list[str] = []
    found: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        names = _byline_names(paragraph) if index < MAX_BYLINE_SCAN else None
        if names is None and paragraph.casefold().strip(" .") in known:
            names = [paragraph.strip(" .")]  # a line that is just an author's name
        if names:
            found += names
            continue
        kept.append(paragraph)
    return kept, found


def remove_author_bio(paragraphs: list[str], authors: list[str]) -> list[str]:
    """Paragraphs without the author's bio: one of the last MAX_BIO_SCAN paragraphs that opens with
    an author's full name ("Jane Doe is a senior writer ...", "Jane Doe has covered ..."), as the
    author box under an article does. Only full names (two words or more) known from the page's
    metadata or byline count, and only short paragraphs: an article does not end on a paragraph
    that starts with its own author's name, except to introduce them."""
    names = tuple(name.casefold() for name in authors if len(name.split()) >= 2)
    if not names:
        return paragraphs
    first_checked = max(1, len(paragraphs) - MAX_BIO_SCAN)  # (the first paragraph is the article's)
    return paragraphs[:first_checked] + [
        paragraph for paragraph in paragraphs[first_checked:]
        if not (_opens_with_name(paragraph.casefold(), names) and len(paragraph.split()) <= MAX_BIO_WORDS)]


def _opens_with_name(line: str, names: tuple[str, ...]) -> bool:
    return any(line.startswith(name) and line[len(name):len(name) + 1] in (" ", ",") and
               len(line) > len(name) + 1 for name in names)

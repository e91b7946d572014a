"""The headline: voted from every statement the page makes about it, unescaped.

A page states its headline up to five times: the JSON-LD `headline`, `og:title`, `twitter:title`,
`<title>` (usually with the site name glued on) and the `<h1>` the reader sees. They disagree more
often than one would think: the SEO title is a rewording of the headline, the `<title>` of a print
view is the site name, a blog's first `<h1>` is its name above every post, a div-soup page states
nothing but its `<title>` and its `<h1>`. What a reader (and every hand-made gold standard) calls
the headline is the `<h1>` over the article, so:

1. The page's `<h1>`s are the candidates, minus the site's name (a logo in an `<h1>`) and
   anything too long to be a headline.
2. Each candidate is scored by its best agreement with the page's statements (shared words, Dice
   coefficient): an `<h1>` that shares at least AGREEMENT of its words with one statement is the
   headline as the page shows it; among several, the one that agrees best.
3. When no `<h1>` agrees, the statements are trusted: the JSON-LD headline, else og:title, else
   twitter:title, else `<title>` with the site name taken off (`clean_title`).
4. An `<h1>` whose characters were lost to a wrong encoding ("Beginner? Guide", "Beginner\ufffds
   Guide") gives way to the statement that says the same with them (`restored_characters`).
5. What follows a pipe is the site or the section ("Headline | Opinion", "Headline | Section |
   Site"): a headline has no pipe of its own, so the longest part is kept (`without_pipe_labels`).
6. An `<h1>` that is a statement with a date stamp before or after it ("Dec 18 2025 Headline",
   "Headline Posted on July 1, 2024 by ...": the post's date inside the heading) gives way to the
   statement (`without_stamp`); other words around it (a year, a subtitle) are the headline's.

Metadata is unescaped where it is read (page_metadata.py, cleaning/entities.py): JSON-LD strings
and double-escaped meta tags carry raw entities (`&quot;`, `&#8216;`, `&amp;#8230;`).
"""

from __future__ import annotations

import re

from pipelines.extraction.cleaning.entities import unescaped
from pipelines.extraction.cleaning.headline import key_pattern, match_key
from pipelines.extraction.cleaning.kinds import names_a_date
from pipelines.extraction.cleaning.normalise import normalise_line
from pipelines.extraction.metadata import PageMetadata

AGREEMENT = 0.5
MAX_HEADLINE_CHARS = 300
MAX_CANDIDATES = 5
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+")
def _words(text: str) -> set[str]:
    return set(match_key(text).split())


def agreement(a: str, b: str) -> float:
    """Dice coefficient of the two texts' word sets: 1.0 the same words, 0.0 none in common."""
    first, second = _words(a), _words(b)
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def clean_title(meta: PageMetadata, headings: list[str]) -> str | None:
    """The stated headline without the site name glued to it ("Headline | Site", "Site - Headline").

    The part to keep is the one the page's own `<h1>` repeats (unless that `<h1>` is the site's
    name); failing that, the part that is not the site name; failing that, the longer part when
    the other is a short name.
    """
    title = normalise_line(meta.title or "")
    if not title:
        return normalise_line(headings[0]) if headings else None
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    if len(parts) < 2:
        return title
    site = match_key(meta.site_name or "")
    heading_keys = {match_key(h) for h in headings} - {site}
    for part in parts:
        if match_key(part) in heading_keys:
            return part
    if site and match_key(parts[-1]) == site:
        return " - ".join(parts[:-1])
    if site and match_key(parts[0]) == site:
        return " - ".join(parts[1:])
    if len(parts[-1].split()) <= 3 and len(parts[0].split()) >= len(parts[-1].split()):
        return " - ".join(parts[:-1])
    return title


_LOST = re.compile(r"[?\ufffd]")  # what a character becomes when it could not be encoded


def restored_characters(heading: str, statements: list[str]) -> str:
    """The statement that is the heading with the characters it lost, if one is."""
    if not _LOST.search(heading.rstrip("?")):  # a question mark that ends a headline is one
        return heading
    pattern = re.compile("".join(".{1,3}" if _LOST.fullmatch(c) else re.escape(c) for c in heading))
    for statement in statements:
        statement = normalise_line(unescaped(statement))
        if not _LOST.search(statement) and pattern.fullmatch(statement):
            return statement
    return heading


MAX_STAMP_WORDS = 8


def without_stamp(heading: str, statements: list[str]) -> str:
    """The statement, when the heading is that statement with a date stamp before or after it: an
    `<h1>` holding the post's date or its "Posted on July 1, 2024 by ..." line. Other words around
    a statement ("2025", a subtitle after a colon) are the headline's own and stay."""
    key = match_key(heading)
    for statement in statements:
        statement = normalise_line(unescaped(statement))
        inner = match_key(statement)
        if not inner or inner == key or len(inner.split()) < 3:
            continue
        if key.startswith(inner + " "):
            rest = key[len(inner) + 1:]
        elif key.endswith(" " + inner):
            rest = key[: -len(inner) - 1]
        else:
            continue
        if len(rest.split()) <= MAX_STAMP_WORDS and names_a_date(_rest_in_heading(heading, rest)):
            return statement
    return heading


def _rest_in_heading(heading: str, rest_key: str) -> str:
    """The heading's own words for a part of its match key (dates need their punctuation back)."""
    found = key_pattern(rest_key).search(heading)
    return found.group(0) if found else rest_key


_PIPE = re.compile(r"\s+\|\s+")


def without_pipe_labels(title: str) -> str:
    parts = [part for part in _PIPE.split(title) if part.strip()]
    return max(parts, key=len) if len(parts) > 1 else title


def choose_title(meta: PageMetadata, headings: list[str]) -> str | None:
    """The headline as the page shows it (see the module's docstring), None when it states none."""
    title = _voted_title(meta, headings)
    return without_pipe_labels(title) if title else title


def _voted_title(meta: PageMetadata, headings: list[str]) -> str | None:
    statements = [s for s in (meta.title, meta.og_title, meta.twitter_title, meta.html_title) if s]
    site = match_key(meta.site_name or "")
    best, best_score, seen = None, 0.0, set()
    for heading in headings[:MAX_CANDIDATES]:
        heading = normalise_line(unescaped(heading))  # pages escape twice in headings too
        key = match_key(heading)
        if not key or key in seen or key == site or len(heading) > MAX_HEADLINE_CHARS:
            continue
        seen.add(key)
        score = max((agreement(heading, statement) for statement in statements), default=0.0)
        if score > best_score:
            best, best_score = heading, score
    if best is not None and best_score >= AGREEMENT:
        return without_stamp(restored_characters(best, statements), statements)
    return clean_title(meta, headings)

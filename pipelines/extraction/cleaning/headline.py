"""Repeated headline fragments: the boilerplate trafilatura leaves most often.

Templates print the headline again in breadcrumbs, share boxes, "related" headers and footers,
often with the section label or site name glued on: "China to promote ... SCO My Country",
"Title | World", "World News: Title". A line is such a fragment when, compared word by word
(case and punctuation ignored), it is a title variant alone, or a title variant with a few
words before or after it and no sentence punctuation at its end (a real sentence that happens to
start with the headline words ends like a sentence).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORDS = re.compile(r"\w+", re.UNICODE)
_SEPARATORS = " |-–—:·•»«/\\"
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "؟", "۔", "।", "…", '."', ".”", ".’")
MAX_EXTRA_WORDS = 5
MAX_EXTRA_CHARS = 40
MIN_TITLE_WORDS_FOR_AFFIXES = 3
_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•»]\s+")


def match_key(text: str) -> str:
    """Case, punctuation and spacing removed: what a headline line is compared by."""
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


def title_variants(*titles: str | None) -> list[str]:
    """Each title given, plus its parts when it looks like "Headline | Site" or "Site - Headline"."""
    variants: list[str] = []
    for title in titles:
        if not title:
            continue
        for candidate in [title, *_TITLE_SPLIT.split(title)]:
            key = match_key(candidate)
            long_enough = len(key.split()) >= 2 or (_is_cjk(key) and len(key) >= 6)
            if key and long_enough and key not in variants:
                variants.append(key)
    # Longest first, so "Headline | Site" matches as a whole before "Headline" leaves "Site" extra.
    return sorted(variants, key=len, reverse=True)


@functools.lru_cache(maxsize=256)
def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


def _affix(line_key: str, title_key: str) -> tuple[str, str] | None:
    """("prefix"|"suffix", extra words) when the line is the title with something glued on."""
    if line_key.startswith(title_key + " "):
        return "suffix", line_key[len(title_key) + 1:]
    if line_key.endswith(" " + title_key):
        return "prefix", line_key[: -len(title_key) - 1]
    if _is_cjk(title_key) and title_key in line_key and line_key != title_key:
        # No spaces between words in CJK: compare by characters.
        start = line_key.index(title_key)
        extra = (line_key[:start] + " " + line_key[start + len(title_key):]).strip()
        return ("suffix" if start == 0 else "prefix"), extra
    return None


def _glued(line: str, squashed_line: str, title_key: str) -> bool:
    """The line is the title, or the title and a short kicker or label, with the spaces between
    them lost: a kicker and a headline in two inline elements, or a headline broken by `<br>`,
    come out of trafilatura as one word glued to the next ("Sanctions tightenedCabinet passes the
    reform"). Compared without any spaces, they are the same characters; with a kicker or label,
    the line must also show the join where the title starts or ends (a small letter, then the
    capital of the next word), or "Restaurant Services" would be the title "Restaurant Service"
    with an "s" glued on, and a link ending in ".../TalkingHomeRenovations" a site name."""
    squashed_title = title_key.replace(" ", "")
    if squashed_line == squashed_title:
        return True
    if len(squashed_line) - len(squashed_title) > MAX_EXTRA_CHARS or squashed_title not in squashed_line:
        return False
    found = key_pattern(title_key).search(unicodedata.normalize("NFKC", line))
    if found is None:
        return False
    before, after = found.string[:found.start()], found.string[found.end():]
    if before.strip() and after.strip():
        return False  # the title inside a longer line
    if before.strip():
        return before[-1].islower() and found.string[found.start()].isupper()
    return found.string[found.end() - 1].islower() and after[:1].isupper()


@functools.lru_cache(maxsize=256)
def key_pattern(key: str) -> re.Pattern:
    """The words of a match key in a text, whatever stands between them (spaces, punctuation,
    nothing): where in the text the key's words are."""
    return re.compile(r"\W*".join(re.escape(word) for word in key.split()), re.IGNORECASE)


def _label_from_line(line: str, side: str, extra_words: int) -> str:
    words = line.split()
    part = words[-extra_words:] if side == "suffix" else words[:extra_words]
    return " ".join(part).strip(_SEPARATORS)


def headline_fragment(line: str, titles: list[str], labels: set[str]) -> tuple[bool, str | None]:
    """Whether ``line`` is a headline fragment, and the label glued to it if any.

    titles: match keys from ``title_variants``; labels: match keys of the section and site name.
    """
    line_key = match_key(line)
    if not line_key:
        return False, None
    longest_title = max((len(t) for t in titles), default=0)
    longest_extra = max([MAX_EXTRA_CHARS, *(len(label) for label in labels)])
    if len(line_key) > longest_title + longest_extra + 1:
        return False, None  # longer than any title with a label glued on: a paragraph
    squashed = line_key.replace(" ", "")
    for title_key in titles:
        if line_key == title_key:
            return True, None
        if len(title_key.split()) < MIN_TITLE_WORDS_FOR_AFFIXES and not _is_cjk(title_key):
            continue
        affix = _affix(line_key, title_key)
        if affix is None:
            if _glued(line, squashed, title_key) and not line.rstrip().endswith(_SENTENCE_END):
                return True, None
            continue
        side, extra = affix
        if extra in labels:
            return True, _label_from_line(line, side, len(extra.split()))
        short = len(extra.split()) <= MAX_EXTRA_WORDS and len(extra) <= MAX_EXTRA_CHARS
        if short and not line.rstrip().endswith(_SENTENCE_END):
            return True, _label_from_line(line, side, len(extra.split()))
    return False, None


def remove_headline_fragments(paragraphs: list[str], titles: list[str], labels: set[str]) -> tuple[list[str], list[str]]:
    """Paragraphs without headline fragments, and the labels found glued to the headline."""
    kept: list[str] = []
    glued: list[str] = []
    for paragraph in paragraphs:
        is_fragment, label = headline_fragment(paragraph, titles, labels)
        if is_fragment:
            if label:
                glued.append(label)
            continue
        kept.append(paragraph)
    return kept, glued

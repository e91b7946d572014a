"""Boilerplate by kind: each kind of template line is a data file of per-language phrases and rules.

The kinds (pipelines/cleaning/phrases/*.yaml, one file each) are what templates put around an
article and trafilatura keeps: teasers ("Also read: ..."), share and follow prompts, labels
("Advertisement"), legacy-CMS chrome ("Written by", previous/next links, visitors online), page
chrome of pages without an `<article>` (breadcrumbs, rating prompts), think-tank commentary
furniture (views disclaimers, "cite this"), syndicated-feed notices, sign-in prompts, donation
appeals, end-of-article markers and video-player lines, cookie notices, affiliate disclosures,
and lone date-time lines. A rule matches a *line*, never a sentence inside a paragraph, and only a
short line (each rule has its `max_words`): a long paragraph that merely contains a phrase is
text. Which kind removed a line can be asked (`line_kind`), so each kind is tested and measured
on its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.cleaning.phrases import PhraseFileError, load, names, phrases_of

# Opening characters that are not part of the line's words: bullets, quotes, brackets, arrows.
_LEADING = " \t-–—•*>»›|:·.([{\"'“‘«▶►→"
_TRAILING = " \t-–—•*>»›|:·.!?)]}\"'”’»…"
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "؟", "۔", "।", "…")
_COUNT_SUFFIX = re.compile(r"\s*[\(\[]?\d+[\)\]]?$")
_BULLETS = ("- ", "• ", "* ", "– ", "— ")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def line_key(line: str) -> str:
    return line.casefold().replace("’", "'").strip().lstrip(_LEADING)


def _boundary_after(phrase: str) -> str:
    """Phrases end at a word boundary ("share" is not "shares"), except where words are not
    separated by spaces (Chinese, Japanese) or the phrase ends in punctuation."""
    last = phrase[-1]
    return "(?!\\w)" if last.isalnum() and not _CJK.match(last) else ""


def _boundary_before(phrase: str) -> str:
    first = phrase[0]
    return "(?<!\\w)" if first.isalnum() and not _CJK.match(first) else ""


def opening_pattern(phrases: list[str]) -> re.Pattern | None:
    if not phrases:
        return None
    return re.compile("^(?:" + "|".join(re.escape(p) + _boundary_after(p) for p in phrases) + ")")


def anywhere_pattern(phrases: list[str]) -> re.Pattern | None:
    if not phrases:
        return None
    return re.compile("|".join(_boundary_before(p) + re.escape(p) + _boundary_after(p) for p in phrases))


@dataclass(frozen=True)
class Rule:
    kind: str
    match: str                   # opening | whole | anywhere | heading | breadcrumb | date
    max_words: int
    pattern: re.Pattern | None = None
    whole: frozenset[str] = frozenset()
    anywhere: re.Pattern | None = None   # heading rules: a phrase a heading may contain
    block_items: str = "short"   # heading rules: which following lines belong to the block
    block_lines: int = 0
    block_max_words: int = 0

    def matches(self, line: str, key: str, words: int) -> bool:
        if words > self.max_words:
            return False
        if self.match in ("whole", "heading"):
            bare = _COUNT_SUFFIX.sub("", key.rstrip(_TRAILING)).rstrip(_TRAILING)
            return (bare in self.whole or bool(self.pattern and self.pattern.match(key))
                    or bool(self.anywhere and self.anywhere.search(key)))
        if self.match == "opening":
            return bool(self.pattern.match(key))
        if self.match == "anywhere":
            return bool(self.pattern.search(key))
        if self.match == "breadcrumb":
            return _is_breadcrumb(key, self.pattern)
        if self.match == "date":
            return is_date_line(line)
        raise PhraseFileError(f"{self.kind}: unknown match {self.match!r}")

    def in_block(self, line: str) -> bool:
        """A line that belongs to the block this heading opened."""
        words = len(line.split())
        if words > self.block_max_words:
            return False
        if self.block_items == "any":
            return True
        if self.block_items == "list":
            return line.startswith(_BULLETS) or line.isupper()
        # "short": list items and headline-like lines (no sentence punctuation at the end)
        return line.startswith(_BULLETS) or not line.rstrip().endswith(_SENTENCE_END)


_SEPARATORS = "›»>/|·→\\"


def _is_breadcrumb(key: str, home: re.Pattern) -> bool:
    """"Home › World › Asia", "Accueil / International": a home word, then path separators."""
    match = home.match(key)
    if not match:
        return False
    rest = key[match.end():].lstrip()
    return bool(rest) and rest[0] in _SEPARATORS


def _rule(kind: str, raw: dict) -> Rule:
    match = raw.get("match")
    max_words = int(raw.get("max_words", 0))
    if not max_words:
        raise PhraseFileError(f"{kind}: every rule needs max_words")
    if match == "date":
        return Rule(kind, match, max_words)
    phrases = phrases_of(raw)
    openings = phrases_of({"phrases": raw.get("openings") or {}})
    contained = phrases_of({"phrases": raw.get("anywhere") or {}})
    if not phrases and not openings and not contained:
        raise PhraseFileError(f"{kind}: a {match} rule without phrases")
    if match in ("whole", "heading"):
        block = raw.get("block") or {}
        return Rule(kind, match, max_words, whole=frozenset(p.rstrip(_TRAILING) for p in phrases),
                    pattern=opening_pattern(openings), anywhere=anywhere_pattern(contained),
                    block_items=block.get("items", "short"), block_lines=int(block.get("lines", 0)),
                    block_max_words=int(block.get("max_words", 0)))
    if match in ("opening", "breadcrumb"):
        return Rule(kind, match, max_words, pattern=opening_pattern(phrases))
    if match == "anywhere":
        return Rule(kind, match, max_words, pattern=anywhere_pattern(phrases))
    raise PhraseFileError(f"{kind}: unknown match {match!r}")


# The kinds this pass runs, in order; teasers, prompts and labels run in boilerplate.py, related
# blocks in teasers.py (their rules are older and measured separately).
LINE_KINDS = ("cms_chrome", "page_chrome", "commentary", "syndication", "sign_in", "appeals",
              "end_markers", "cookies", "disclosures", "dates")


@functools.cache
def rules_of(kind: str) -> tuple[Rule, ...]:
    return tuple(_rule(kind, raw) for raw in load(kind).get("rules", []))


@functools.cache
def _all_rules() -> tuple[Rule, ...]:
    missing = set(LINE_KINDS) - set(names())
    if missing:
        raise PhraseFileError(f"no phrase file for {sorted(missing)}")
    return tuple(rule for kind in LINE_KINDS for rule in rules_of(kind))


def line_rule(line: str) -> Rule | None:
    """The first rule a line matches, or None: the line is not boilerplate of these kinds."""
    stripped = line.strip()
    if not stripped:
        return None
    key, words = line_key(stripped), len(stripped.split())
    for rule in _all_rules():
        if rule.matches(stripped, key, words):
            return rule
    return None


def line_kind(line: str) -> str | None:
    rule = line_rule(line)
    return rule.kind if rule else None


def remove_boilerplate_kinds(paragraphs: list[str]) -> list[str]:
    kept: list[str] = []
    block: Rule | None = None
    left_in_block = 0
    for paragraph in paragraphs:
        if block is not None and left_in_block > 0 and block.in_block(paragraph):
            left_in_block -= 1
            continue
        block = None
        rule = line_rule(paragraph)
        if rule is None:
            kept.append(paragraph)
            continue
        if rule.match == "heading" and rule.block_lines:
            block, left_in_block = rule, rule.block_lines
    return kept


# --- lone date-time lines --------------------------------------------------------------------

_TOKEN_SPLIT = re.compile(r"[\s,;/|·•–—\-()\[\]]+")
_NUMBER = re.compile(r"^\d{1,4}(?:st|nd|rd|th|er|e|º|ª|\.|h)?$", re.IGNORECASE)
# Tokens that are a date by their shape alone (2026-11-28, 28.11.2026), or a time (10:32, 14h05).
_DATE_SHAPED = re.compile(r"^\d{4}-\d{2}-\d{2}(?:t[\d:+.z]+)?$|^\d{1,2}[./]\d{1,2}[./]\d{2,4}$", re.IGNORECASE)
_TIME_SHAPED = re.compile(r"^\d{1,2}[:h]\d{2}(?:[:.]\d{2})?(?:am|pm)?$", re.IGNORECASE)
_CJK_DATE = re.compile(r"^[\d年月日时時分秒点點:：./\-号號()（）周週星期曜]*[年月日时時分][\d年月日时時分秒点點:：./\-号號()（）周週星期曜]*$")


@functools.cache
def _date_vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str], re.Pattern | None]:
    """(names: months and weekdays, weekdays, fillers: connectors, am/pm, time zones, the labels)."""
    data = load("dates")

    def words(*groups: str) -> frozenset[str]:
        found = set()
        for group in groups:
            for phrases in (data.get(group) or {}).values():
                for phrase in phrases or ():
                    found.update(str(phrase).casefold().split())
        return frozenset(found)

    labels = phrases_of({"phrases": data.get("labels") or {}})
    return words("months", "weekdays"), words("weekdays"), words("connectors", "times"), opening_pattern(labels)


def is_date_line(line: str) -> bool:
    """A line of nothing but a date and time, after an optional label ("Published", "Mis à jour le"):
    every word a number, a month or weekday name (full or abbreviated), a connector ("de", "um"),
    "am"/"pm" or a time zone, in any of the languages of dates.yaml; and exactly one date in it (a
    month name, or a date-shaped number like 2026-11-28). A bare "2019" or "1." is a heading or a
    list number, a bare time a live blog's entry stamp, two dates a range or a list: all text."""
    if not any(ch.isdigit() for ch in line):
        return False
    names, weekdays, fillers, labels = _date_vocabulary()
    key = line_key(line).rstrip(_TRAILING)
    if labels is not None:
        label = labels.match(key)
        if label:
            key = key[label.end():].lstrip(" :")
    tokens = [t.strip(".:") for t in _TOKEN_SPLIT.split(key) if t.strip(".:")]
    dates = 0
    for token in tokens:
        if token in names or token.rstrip(".") in names:
            dates += token not in weekdays and token.rstrip(".") not in weekdays
        elif _DATE_SHAPED.match(token) or _CJK_DATE.match(token):
            dates += 1
        elif not (_TIME_SHAPED.match(token) or _NUMBER.match(token) or token in fillers):
            return False
    return dates == 1

"""Boilerplate by kind: each kind of template line is a data file of per-language phrases and rules.

The kinds (pipelines/cleaning/phrases/*.yaml, one file each) are what templates put around an
article and trafilatura keeps: teasers ("Also read: ..."), share and follow prompts, labels
("Advertisement"), legacy-CMS chrome ("Written by", previous/next links, visitors online), page
chrome of pages without an `<article>` (breadcrumbs, rating prompts), think-tank commentary
furniture (views disclaimers, "cite this" and citations), syndicated-feed notices, sign-in prompts
and paywall offers, donation appeals, end-of-article markers and video-player lines, forms' sent
and failed messages and consent lines, cookie notices, affiliate disclosures, pagination, and lone
date-time lines. A rule matches a *line*, never a sentence inside a paragraph, and only a short
line (each rule has its `max_words`): a long paragraph that merely contains a phrase is text. A
rule may also need a web address or a price on the line (`needs: link | price`), and a `numbered`
rule's phrases hold numbers ("page {n} of {n}"); a `fields` rule counts the labels that open a
line's parts ("05/10/2018 - Posted by: X - Category: Y - Tags: z", a post's meta line). Which
kind removed a line can be asked (`line_kind`), so each kind is tested and measured on its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.extraction.cleaning.phrases import PhraseFileError, load, names, phrases_of

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


def opening_pattern(phrases: list[str]) -> re.Pattern | None:
    return re.compile("^" + _trie_regex(phrases)) if phrases else None


def _trie_regex(phrases: list[str]) -> str:
    """The phrases as one regular expression shaped like a trie ("sign (?:in|up)"): Python's engine
    tries the alternatives of an alternation one by one at every position of the line, so 300
    phrases side by side cost 120 µs per line, and the trie 5. The longest phrase at a position
    wins; a phrase ends at a word boundary where `_boundary_after` says so."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = _boundary_after(phrase)

    def emit(node: dict) -> str:
        branches = []
        for char in sorted(c for c in node if c):
            child, text = node[char], re.escape(char)
            while len(child) == 1 and "" not in child:  # a chain of single characters: one literal
                (next_char, child), = child.items()
                text += re.escape(next_char)
            branches.append(text + emit(child))
        if "" in node:
            branches.append(node[""])  # the end of a phrase, after its longer continuations
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


class PhraseFinder:
    """Finds phrases anywhere in a line, each starting at a word boundary and ending at one where
    `_boundary_after` says so. A regular expression of 300 alternatives costs Python's engine
    100 µs per line (it tries them one by one at every position); here the line's words (split at
    spaces, which costs the least) are intersected with a dict of the phrases by one of their
    words, and only the phrases filed under a word of the line are looked for.
    Phrases in Chinese or Japanese, whose words are not separated, go through a small regular
    expression, and only for lines with such characters."""

    def __init__(self, phrases: list[str]):
        # Each phrase is filed under its longest word that a space follows in the phrase (so also
        # in the line: no punctuation glued to it), the rarest one as a rule: "views expressed in
        # this article are" under "expressed", not under "views" or "this".
        self.by_word: dict[str, list[tuple[str, bool, bool]]] = {}
        cjk = []
        for phrase in sorted(set(phrases), key=len, reverse=True):
            if _CJK.match(phrase[0]):
                cjk.append(phrase)
                continue
            words = phrase.split()
            anchor = max(words[:-1], key=len) if len(words) > 1 else words[0]
            entry = (phrase, bool(_boundary_after(phrase)), phrase[0].isalnum())
            self.by_word.setdefault(anchor, []).append(entry)
        self.cjk = re.compile(_trie_regex(cjk)) if cjk else None

    def __bool__(self) -> bool:
        return bool(self.by_word or self.cjk)

    def find(self, key: str, words: list[str] | None = None):
        """Every phrase found in `key` (a line casefolded by `line_key`; `words`: its split, if
        the caller has it)."""
        for anchor in self.by_word.keys() & set(key.split() if words is None else words):
            for phrase, checks_end, checks_start in self.by_word[anchor]:
                if self._occurs(phrase, key, checks_start, checks_end):
                    yield phrase
        if self.cjk is not None and not key.isascii() and _CJK.search(key):
            for found in self.cjk.finditer(key):
                yield found.group(0)

    @staticmethod
    def _occurs(phrase: str, key: str, checks_start: bool, checks_end: bool) -> bool:
        start = key.find(phrase)
        while start != -1:
            end = start + len(phrase)
            if ((not checks_start or start == 0 or not key[start - 1].isalnum())
                    and not (checks_end and end < len(key) and key[end].isalnum())):
                return True
            start = key.find(phrase, start + 1)
        return False


def with_numbers(phrase: str, max_digits: int) -> str:
    """A phrase with `{n}` in it ("page {n} of {n}") as a regular expression: `{n}` is a number."""
    return rf"\d{{1,{max_digits}}}".join(map(re.escape, phrase.split("{n}")))


def numbered_pattern(kind: str, phrases: list[str]) -> re.Pattern:
    """Whole lines with numbers in them ("page {n} of {n}")."""
    if any("{n}" not in phrase for phrase in phrases):
        raise PhraseFileError(f"{kind}: every phrase of a numbered rule holds {{n}} (a number)")
    return re.compile("|".join(with_numbers(phrase, 6) for phrase in phrases))


def anywhere_pattern(phrases: list[str]) -> PhraseFinder | None:
    return PhraseFinder(phrases) if phrases else None


def contains(finder: PhraseFinder, key: str) -> bool:
    return next(finder.find(key), None) is not None


@dataclass(frozen=True)
class Rule:
    kind: str
    match: str                   # opening | whole | anywhere | heading | breadcrumb | date | numbered | fields
    max_words: int
    pattern: re.Pattern | None = None
    whole: frozenset[str] = frozenset()
    anywhere: PhraseFinder | None = None  # anywhere rules, and a phrase a heading may contain
    block_items: str = "short"   # heading rules: which following lines belong to the block
    block_lines: int = 0
    block_max_words: int = 0
    needs: str | None = None     # what the line must also hold: "link" (a citation) or "price" (an offer)
    min_fields: int = 0          # fields rules: how many of the line's parts must open with a label

    def fits(self, key: str, words: int) -> bool:
        """The line is short enough for the rule, and holds what the rule needs besides its phrase."""
        return words <= self.max_words and (self.needs is None or bool(_NEEDED[self.needs].search(key)))

    def matches(self, line: str, key: str, words: int) -> bool:
        if not self.fits(key, words):
            return False
        if self.match in ("whole", "heading"):
            bare = key.rstrip(_TRAILING)
            return (bare in self.whole or _COUNT_SUFFIX.sub("", bare).rstrip(_TRAILING) in self.whole or bool(self.pattern and self.pattern.match(key))
                    or bool(self.anywhere and contains(self.anywhere, key)))
        if self.match == "opening":
            return bool(self.pattern.match(key))
        if self.match == "anywhere":
            return contains(self.anywhere, key)
        if self.match == "breadcrumb":
            return _is_breadcrumb(key, self.pattern)
        if self.match == "date":
            return is_date_line(line)
        if self.match == "numbered":
            return bool(self.pattern.fullmatch(key.rstrip(_TRAILING)))
        if self.match == "fields":
            return _labelled_fields(key, self.pattern) >= self.min_fields
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
# What a rule may need on the line besides its phrase (`needs:` in a phrase file).
_NEEDED = {
    "link": re.compile(r"https?://|www\."),
    # A price: an amount with a currency sign or code before or after it ("0,99 €", "$1", "CHF 5").
    "price": re.compile(r"[$€£¥₹₽₺]\s?\d|\d(?:[.,]\d+)?\s?(?:[$€£¥₹₽₺]|eur\b|euro|chf\b|usd\b|gbp\b)|\b(?:eur|chf|usd|gbp)\s?\d"),
}


# The parts of a line of fields: " - ", " | ", " · ", " • " with spaces around them (a hyphen
# inside a word or a date is not one).
_FIELD_SEPARATOR = re.compile(r"\s[-–—|·•]\s")


def _labelled_fields(key: str, label: re.Pattern) -> int:
    """How many different labels open the parts of a line of fields ("05/10/2018 - Posted by: X -
    Category: Y - Tags: z"): a post's meta line, which no sentence is."""
    parts = _FIELD_SEPARATOR.split(key)
    if len(parts) < 2:
        return 0
    return len({found.group(0) for part in parts if (found := label.match(part.strip().lstrip(_LEADING)))})


def _is_breadcrumb(key: str, home: re.Pattern) -> bool:
    """"Home › World › Asia", "Accueil / International": a home word, then path separators."""
    match = home.match(key)
    if not match:
        return False
    rest = key[match.end():].lstrip()
    return bool(rest) and rest[0] in _SEPARATORS


def _needs(kind: str, raw: dict) -> str | None:
    needs = raw.get("needs")
    if needs is not None and needs not in _NEEDED:
        raise PhraseFileError(f"{kind}: a rule can need {' or '.join(sorted(_NEEDED))}, not {needs!r}")
    return needs


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
        return Rule(kind, match, max_words, pattern=opening_pattern(phrases), needs=_needs(kind, raw))
    if match == "numbered":
        return Rule(kind, match, max_words, pattern=numbered_pattern(kind, phrases))
    if match == "fields":
        min_fields = int(raw.get("min_fields", 0))
        if min_fields < 2:
            raise PhraseFileError(f"{kind}: a fields rule needs min_fields of 2 or more (one label is a sentence's opening)")
        return Rule(kind, match, max_words, pattern=opening_pattern(phrases), min_fields=min_fields)
    if match == "anywhere":
        return Rule(kind, match, max_words, anywhere=anywhere_pattern(phrases), needs=_needs(kind, raw))
    raise PhraseFileError(f"{kind}: unknown match {match!r}")


# The kinds this pass runs, in order; teasers, prompts and labels run in boilerplate.py, related
# blocks in teasers.py (their rules are older and measured separately).
LINE_KINDS = ("cms_chrome", "page_chrome", "commentary", "syndication", "sign_in", "appeals",
              "end_markers", "form_messages", "cookies", "disclosures", "dates")


@functools.cache
def rules_of(kind: str) -> tuple[Rule, ...]:
    return tuple(_rule(kind, raw) for raw in load(kind).get("rules", []))


@dataclass(frozen=True)
class _Index:
    """Every rule of LINE_KINDS, merged so that a line costs three look-ups whatever the number of
    phrases: one regular expression for all openings, one for all phrases found anywhere, one set
    for whole lines (tested rule by rule, the pass took 7 ms per page)."""

    rules: tuple[Rule, ...]
    max_words: int
    whole: dict[str, tuple[int, ...]]
    opening: re.Pattern | None
    opening_rules: dict[str, tuple[int, ...]]
    anywhere: PhraseFinder | None
    anywhere_rules: dict[str, tuple[int, ...]]
    one_by_one: tuple[int, ...]  # breadcrumb, date, numbered and fields rules


def _raw_phrases(kind: str, number: int, key: str) -> list[str]:
    raw = load(kind)["rules"][number]
    return phrases_of({"phrases": raw.get(key) or {}})


@functools.cache
def _index() -> _Index:
    missing = set(LINE_KINDS) - set(names())
    if missing:
        raise PhraseFileError(f"no phrase file for {sorted(missing)}")
    rules: list[Rule] = []
    whole: dict[str, list[int]] = {}
    opening: dict[str, list[int]] = {}
    anywhere: dict[str, list[int]] = {}
    one_by_one: list[int] = []
    for kind in LINE_KINDS:
        for number, rule in enumerate(rules_of(kind)):
            index = len(rules)
            rules.append(rule)
            if rule.match in ("breadcrumb", "date", "numbered", "fields"):
                one_by_one.append(index)
                continue
            if rule.match in ("whole", "heading"):
                for phrase in rule.whole:
                    whole.setdefault(phrase, []).append(index)
            phrases = _raw_phrases(kind, number, "phrases")
            if rule.match == "opening":
                targets = [(opening, phrases)]
            elif rule.match == "anywhere":
                targets = [(anywhere, phrases)]
            else:
                targets = [(opening, _raw_phrases(kind, number, "openings")),
                           (anywhere, _raw_phrases(kind, number, "anywhere"))]
            for table, listed in targets:
                for phrase in listed:
                    table.setdefault(phrase, []).append(index)

    def pattern(table: dict, build) -> re.Pattern | None:
        return build(sorted(table, key=len, reverse=True)) if table else None

    return _Index(tuple(rules), max(rule.max_words for rule in rules),
                  {k: tuple(v) for k, v in whole.items()},
                  pattern(opening, opening_pattern), {k: tuple(v) for k, v in opening.items()},
                  pattern(anywhere, anywhere_pattern), {k: tuple(v) for k, v in anywhere.items()},
                  tuple(one_by_one))


def line_rule(line: str) -> Rule | None:
    """The first rule (in LINE_KINDS order) a line matches, or None: not boilerplate of these kinds."""
    stripped = line.strip()
    index = _index()
    key = line_key(stripped)
    bare = key.rstrip(_TRAILING)
    split = bare.split()
    words = len(split)  # bullets, arrows and pipes around the words are not words
    if not bare or words > index.max_words:
        return None
    candidates: set[int] = set()
    candidates.update(index.whole.get(bare, ()))
    if bare[-1:].isdigit():  # "Comments (12)": the count is not part of the label
        candidates.update(index.whole.get(_COUNT_SUFFIX.sub("", bare).rstrip(_TRAILING), ()))
    opened = index.opening is not None and index.opening.match(key)
    if opened:
        candidates.update(index.opening_rules[opened.group(0)])
    if index.anywhere is not None:
        for phrase in index.anywhere.find(key, split):
            candidates.update(index.anywhere_rules[phrase])
    fitting = [i for i in candidates if index.rules[i].fits(key, words)]
    if opened and not fitting:
        # Rare: the longest opening phrase's rules are too short for the line; a shorter
        # phrase's may not be.
        fitting = [i for i, rule in enumerate(index.rules)
                   if rule.match == "opening" and rule.matches(stripped, key, words)]
    fitting += [i for i in index.one_by_one if index.rules[i].matches(stripped, key, words)]
    return index.rules[min(fitting)] if fitting else None


def line_kind(line: str) -> str | None:
    rule = line_rule(line)
    return rule.kind if rule else None


def remove_boilerplate_kinds(paragraphs: list[str]) -> list[str]:
    """The paragraphs without the lines of LINE_KINDS, and without the blocks their headings open
    (the citation under "Cite this article", the list under "Related items"): a block ends at its
    size, at a line that does not look like one of its items, or at the next heading."""
    kept: list[str] = []
    block: Rule | None = None
    left_in_block = 0
    for paragraph in paragraphs:
        rule = line_rule(paragraph)
        if rule is not None and rule.match == "heading":
            block, left_in_block = rule, rule.block_lines
            continue
        if block is not None and left_in_block > 0 and block.in_block(paragraph):
            left_in_block -= 1
            continue
        block = None
        if rule is None:
            kept.append(paragraph)
    return kept


# --- lone date-time lines --------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_TOKEN_SPLIT = re.compile(r"[\s,;/|·⋅•–—\-()\[\]]+")
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


@functools.cache
def _reading_time() -> re.Pattern | None:
    """"8 min read", "5 min de lecture" after a number: the reading time printed beside a date."""
    phrases = phrases_of({"phrases": load("dates").get("reading_times") or {}})
    if not phrases:
        return None
    return re.compile(r"(?<=\d)\s*(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")(?!\w)")


@functools.cache
def _relative_time() -> re.Pattern | None:
    """"14 hours ago", "vor 3 Stunden", "il y a 2 heures": how long ago, beside a date."""
    phrases = phrases_of({"phrases": load("dates").get("relative_times") or {}})
    if not phrases:
        return None
    alternatives = (with_numbers(phrase, 4) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


MAX_STAMP_PARTS = 3
MAX_STAMP_PART_WORDS = 5


def is_date_line(line: str) -> bool:
    """A line of nothing but a date and time, after an optional label ("Published", "Mis à jour le"):
    every word a number, a month or weekday name (full or abbreviated), a connector ("de", "um"),
    "am"/"pm" or a time zone, in any of the languages of dates.yaml; and exactly one date in it (a
    month name, or a date-shaped number like 2026-11-28). A bare "2019" or "1." is a heading or a
    list number, a bare time a live blog's entry stamp, two dates a range or a list: all text.
    A labelled date set off by pipes from a place or a desk ("New Delhi, Courier Bureau | Updated :
    19 November 2026, 09:01 AM") is the same stamp (`_is_date_stamp`)."""
    if not _DIGIT.search(line):
        return False
    if " | " in line:
        return _is_date_stamp(line.split(" | "))
    return _is_date_only(line)


def _is_date_stamp(parts: list[str]) -> bool:
    """One part a labelled date ("Updated : 19 November 2026"), the others (a place, a desk, a
    byline) a few words each, not a sentence. The label is what tells a stamp from a table's row
    ("Kabul | 12 November 2026"), which trafilatura writes with the same pipes."""
    parts = [part.strip() for part in parts if part.strip()]
    if not 1 < len(parts) <= MAX_STAMP_PARTS:
        return False
    labels = _date_vocabulary()[3]
    dates = [part for part in parts if _is_date_only(part)]
    others = [part for part in parts if part not in dates]
    return (len(dates) == 1 and labels is not None and labels.match(line_key(dates[0])) is not None
            and all(len(part.split()) <= MAX_STAMP_PART_WORDS and not part.endswith(_SENTENCE_END) for part in others))


def names_a_date(text: str) -> bool:
    """The text names a calendar date somewhere: a month's name (any language of dates.yaml) or a
    date-shaped number ("2026-11-28", "28.11.2026"). A year alone is not one."""
    if not _DIGIT.search(text):
        return False
    names, weekdays, _, _ = _date_vocabulary()
    return any(_is_date_token(token.strip(".:"), names, weekdays) for token in _TOKEN_SPLIT.split(line_key(text)))


def _is_date_token(token: str, names: frozenset[str], weekdays: frozenset[str]) -> bool:
    """A month's name, or a date by its shape; a weekday's name alone is not a date."""
    return (token in names and token not in weekdays) or bool(_DATE_SHAPED.match(token) or _CJK_DATE.match(token))


def _is_date_only(line: str) -> bool:
    if not _DIGIT.search(line):
        return False
    names, weekdays, fillers, labels = _date_vocabulary()
    key = line_key(line).rstrip(_TRAILING)
    if labels is not None:
        label = labels.match(key)
        if label:
            key = key[label.end():].lstrip(" :")
    for beside_the_date in (_reading_time(), _relative_time()):
        if beside_the_date is not None:
            key = beside_the_date.sub(" ", key)
    tokens = [t.strip(".:") for t in _TOKEN_SPLIT.split(key) if t.strip(".:")]
    dates = 0
    for token in tokens:
        if _is_date_token(token, names, weekdays):
            dates += 1
        elif not (token in names or _TIME_SHAPED.match(token) or _NUMBER.match(token) or token in fillers):
            return False  # (a weekday's name is a word of the stamp, not its date)
    return dates == 1

"""Boilerplate lines by phrase: teasers, share/follow/newsletter prompts, labels, dates and credits.

The phrase lists are data, per language (pipelines/cleaning/phrases: teasers.yaml, prompts.yaml,
labels.yaml); every list applies to every page, since outlets mix languages in their templates.
A line is dropped only when it *is* such a prompt: short, and opening with the phrase (or, for a
label, consisting of it). Long lines that merely contain a phrase are text and stay. The other
kinds of boilerplate (CMS chrome, sign-in prompts, appeals, ...) are cleaning/kinds.py.

What each rule is worth was measured on the 181-page benchmark (bench/extraction.py); the rules
are anchored at the start of the line because loose ones removed real text ("subscribing for so
many shares", "Comments by the minister ...").
"""

from __future__ import annotations

import re

from pipelines.extraction.cleaning.kinds import opening_pattern
from pipelines.extraction.cleaning.phrases import load, phrases_of

MAX_TEASER_WORDS = 30
MAX_PROMPT_WORDS = 40
MAX_SINGLE_WORD_PROMPT_WORDS = 4

# Prompts that may sit anywhere in a short line: "... sign up for our newsletter", "Follow her on Twitter".
PROMO_ANYWHERE = re.compile(
    r"\b(our|daily|weekly|free|email|morning|evening)\s+newsletters?\b|\bnewsletters?\s*(here|now|today|:)"
    r"|\bsign(ing)? up\b.{0,40}\bnewsletter|\bfollow (us|him|her|them|\w+) on (twitter|x|facebook|instagram|telegram|whatsapp)\b"
    r"|\bget the .{1,30} app\b|\bin your inbox\b|\bto your inbox\b|\byoutube channel\b|\bwhatsapp channel\b",
    re.IGNORECASE,
)
# "Updated: 12 Nov 2026", "Published 3 hours ago", "5 min read", "기사입력 : 2018-08-25".
DATE_LINE = re.compile(
    r"^\W*((updated|published|posted|last (updated|modified)|mis à jour|publié le|actualizado|aktualisiert|"
    r"обновлено|опубликовано)\b.{0,40}\d.{0,20}|\d{4}-\d{2}-\d{2}(t[\d:+.\-z]+)?|기사입력.{0,30}|"
    r"\w+-feira, \d{1,2} de \w+ de \d{4}.{0,12}|tempo de leitura: .{1,20}|(\d+ )?min(ute)?s? read|"
    r"lesezeit:? .{1,12}|temps de lecture:? .{1,12})\W*$",
    re.IGNORECASE,
)
# Image credits and agency photo attributions, in any language. What is credited is a name, so it
# has a letter: "Credits to graduate: 36", "Photos: 12" are a table's label and its figure.
CREDIT_LINE = re.compile(
    r"""^(
        [\(\[]?\s*(photo|photograph|image|picture|file\ photo|foto|bild|crédit\ photo|credit|fuente|quelle|фото|صورة|تصویر|图片来源|图)
            [^\n]{0,40}?(by|:|/|-|–|—|：)\s*(?=[^\n]*[^\W\d_])[^\n]{1,80}[\)\]]?
      | [\(\[]\s*(afp|ap|reuters|getty(\ images)?|epa|xinhua|anadolu|app|ani|pti|ips|efe|dpa|ansa|tass|ria)[^\n]{0,60}[\)\]]
      | (getty\s+images|ap\s+photo|epa-efe)(\s*/\s*[^\n]{1,60})?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _phrases(kind: str, rule: int) -> tuple[str, ...]:
    return tuple(phrases_of(load(kind)["rules"][rule]))


_TEASERS = _phrases("teasers", 0)
_PROMPTS = _phrases("prompts", 0)
_LABELS = frozenset(_phrases("labels", 0))
_STRIP = " \t-–—•*>»|:·.!"
_COUNT_SUFFIX = re.compile(r"\s*[\(\[]?\d+[\)\]]?$")


# A one-word prompt ("Partager", "Teilen", "شارك") is also a verb that opens real sentences
# ("شارك الرئيس في القمة": the president took part in the summit): it counts only in a line of
# a few words ("Partager sur Facebook"). prompts.yaml keeps them in a rule of their own.
_SINGLE_WORD = _phrases("prompts", 1)
# "The line opens with one of these phrases", ending at a word boundary ("share" is not "shares",
# "teilen" not "teilnehmen"); phrases ending in ":" need none, nor Chinese and Japanese ones.
_TEASER_OPENING = opening_pattern(list(_TEASERS))
_PROMPT_OPENING = opening_pattern(list(_PROMPTS))
_SINGLE_WORD_OPENING = opening_pattern(list(_SINGLE_WORD))


def is_label_line(line: str) -> bool:
    """A line that is only a label ("Advertisement", "Comments (12)", "Anzeige")."""
    lowered = _COUNT_SUFFIX.sub("", line.casefold().strip(_STRIP)).strip(_STRIP)
    return lowered in _LABELS


def is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    lowered = stripped.casefold().replace("’", "'").lstrip(" \t-–—•*>»|[(")
    if not lowered:
        return True
    words = len(stripped.split())
    if words <= MAX_TEASER_WORDS and _TEASER_OPENING.match(lowered):
        return True
    if words <= MAX_PROMPT_WORDS and (_PROMPT_OPENING.match(lowered) or PROMO_ANYWHERE.search(stripped)):
        return True
    if words <= MAX_SINGLE_WORD_PROMPT_WORDS and _SINGLE_WORD_OPENING.match(lowered):
        return True
    if words <= 6 and is_label_line(stripped):
        return True
    if words <= 12 and DATE_LINE.match(stripped):
        return True
    return len(stripped) <= 140 and bool(CREDIT_LINE.match(stripped))


def remove_boilerplate_lines(paragraphs: list[str]) -> list[str]:
    return [paragraph for paragraph in paragraphs if not is_boilerplate_line(paragraph)]

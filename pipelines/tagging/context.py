"""What a name means in this article: people's names, ambiguous names, acronyms that need their full name.

The rules are data (data/rules.yaml, organisations.yaml, compiled into data/context.json); this
module only applies them:
- a place name that people bear too (Jordan, Paris) does not count right after or before another
  Capitalised word (Michael Jordan, Paris Hilton), unless that word is a capitalised function word
  ("In Jordan", "Jordan Says");
- an ambiguous name (Georgia, Turkey, Congo) takes, for the whole article, the reading whose cue
  words occur most often; a reading whose country is also named unambiguously gets a cue more, the
  publisher's own country breaks ties, and with no cue the rule's default stands;
- an acronym or a generic name that needs confirmation (AU, ICC, "the Security Council") counts
  only when its organisation (or the UN) is named by another form in the same article.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .gazetteer import Gazetteer

_WORD_BEFORE = re.compile(r"(\w[\w.'-]*) $")
_WORD_AFTER = re.compile(r"^ (\w[\w'-]*)")


def is_part_of_a_persons_name(text: str, start: int, end: int, gazetteer: Gazetteer) -> bool:
    function_words = _function_words(gazetteer)
    matched = text[start:end]
    for pattern, piece in ((_WORD_BEFORE, text[max(0, start - 40):start]), (_WORD_AFTER, text[end:end + 40])):
        found = pattern.search(piece)
        if not found:
            continue
        word = found.group(1)
        if matched.isupper() and word.isupper():  # a headline in capitals says nothing about names
            continue
        if word[:1].isupper() and word.capitalize().rstrip(".") not in function_words:
            return True
    return False


@lru_cache(maxsize=1)
def _function_words_cached(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)


def _function_words(gazetteer: Gazetteer) -> frozenset[str]:
    return _function_words_cached(tuple(gazetteer.context["capitalised_function_words"]))


@lru_cache(maxsize=64)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(cue) for cue in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def resolve_ambiguous(rule_index: int, text: str, unambiguous: Counter, publisher_country: str | None,
                      gazetteer: Gazetteer) -> str:
    """The reading ("GE", "US", "-") of ambiguity rule `rule_index` for this article."""
    rule = gazetteer.context["ambiguous"][rule_index]
    scores = {}
    for reading, cues in rule["cues"].items():
        score = len(_cue_pattern(tuple(cues)).findall(text))
        if reading != "-" and unambiguous.get(reading):
            score += 1
        scores[reading] = score
    best = max(scores.values(), default=0)
    tied = [reading for reading, score in scores.items() if score == best]
    if best == 0:
        return publisher_country if publisher_country in scores else rule["default"]
    for preferred in (rule["default"], publisher_country):
        if preferred in tied:
            return preferred
    return tied[0]

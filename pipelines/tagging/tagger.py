"""tag(): one article's countries, main country and organisations (see the package docstring for the rules)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .context import is_part_of_a_persons_name, resolve_ambiguous
from .gazetteer import Gazetteer, load
from .matcher import Mention, find_mentions, normalise_text

# How much a mention weighs when the main country is chosen: the headline says what the article is
# about, the dateline where it was written.
TITLE_WEIGHT = 3
DATELINE_WEIGHT = 2
# A single passing mention in a long text does not make a country the article's subject, nor does
# being the most named of many when the headline and dateline name none of them (a survey of
# producing countries, a travel list): the leader must then have this share of all mentions.
LONG_TEXT = 1500
DIFFUSE_SHARE = 0.4


@dataclass(frozen=True)
class Tags:
    countries: dict[str, int] = field(default_factory=dict)      # ISO 3166-1 alpha-2 -> mentions
    primary_country: str | None = None
    organisations: dict[str, int] = field(default_factory=dict)  # keys of ORGANISATIONS -> mentions

    def as_dict(self) -> dict:
        return {"countries": dict(self.countries), "primary_country": self.primary_country,
                "organisations": dict(self.organisations)}


@dataclass
class _Part:
    """The title, the dateline or the body, with what was found in it."""

    text: str
    mentions: list[Mention]
    countries: Counter = field(default_factory=Counter)
    organisations: Counter = field(default_factory=Counter)
    first_seen: dict[str, int] = field(default_factory=dict)


def _language_code(language: str | None) -> str | None:
    if not language:
        return None
    return language.strip().lower().replace("_", "-").split("-")[0] or None


def tag(title: str | None, text: str | None, *, language: str | None = None, dateline: str | None = None,
        publisher_country: str | None = None) -> Tags:
    """Tags of one article. `language` is the article's (BCP 47 or ISO 639-1; None: every language's
    forms are tried); `publisher_country` (ISO alpha-2) only breaks ties between readings of an
    ambiguous name, it is never counted by itself."""
    gazetteer = load()
    lang = _language_code(language)
    parts = [_Part(t, find_mentions(t, lang, gazetteer)) for t in
             (normalise_text(title or ""), normalise_text(dateline or ""), normalise_text(text or ""))]
    whole = "\n".join(part.text for part in parts)
    unambiguous = Counter()
    for part in parts:
        for mention in part.mentions:
            target = mention.entry.target
            if target[0] not in "-?" and not target.startswith("org:") and not _is_a_name(part.text, mention, gazetteer):
                unambiguous.update(target.split("+"))
    publisher = (publisher_country or "").upper() or None
    readings: dict[int, str] = {}
    pending = []  # organisation forms that need confirmation: (part, organisation, needed organisation)
    for part in parts:
        for position, mention in enumerate(part.mentions):
            target = mention.entry.target
            if target == "-" or _is_a_name(part.text, mention, gazetteer):
                continue
            if target.startswith("org:"):
                if mention.entry.needs:
                    pending.append((part, target[4:], mention.entry.needs))
                else:
                    part.organisations[target[4:]] += 1
                continue
            if target[0] == "?":
                rule = int(target[1:])
                if rule not in readings:
                    readings[rule] = resolve_ambiguous(rule, whole, unambiguous, publisher, gazetteer)
                target = readings[rule]
                if target == "-":
                    continue
            for code in target.split("+"):
                part.countries[code] += 1
                part.first_seen.setdefault(code, position)
    named = set().union(*(part.organisations for part in parts))
    for part, organisation, needed in pending:
        if needed in named:
            part.organisations[organisation] += 1
    countries = sum((part.countries for part in parts), Counter())
    organisations = sum((part.organisations for part in parts), Counter())
    return Tags(dict(countries.most_common()), _primary(parts, len(text or "")), dict(organisations.most_common()))


def _is_a_name(text: str, mention: Mention, gazetteer: Gazetteer) -> bool:
    return mention.entry.person_name and is_part_of_a_persons_name(text, mention.start, mention.end, gazetteer)


def _primary(parts: list[_Part], body_length: int) -> str | None:
    title, dateline, body = parts
    scores = Counter()
    for part, weight in ((title, TITLE_WEIGHT), (dateline, DATELINE_WEIGHT), (body, 1)):
        for code, count in part.countries.items():
            scores[code] += weight * count
    if not scores:
        return None

    def first_mention(code: str) -> tuple[int, int]:
        for rank, part in enumerate(parts):
            if code in part.first_seen:
                return rank, part.first_seen[code]
        return len(parts), 0

    best = max(scores, key=lambda code: (scores[code], tuple(-x for x in first_mention(code))))
    if scores[best] == 1 and body_length > LONG_TEXT:
        return None
    headline_or_dateline = best in title.countries or best in dateline.countries
    if not headline_or_dateline and scores[best] < DIFFUSE_SHARE * sum(scores.values()):
        return None
    return best

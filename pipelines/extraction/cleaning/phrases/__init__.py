"""Per-language phrase lists of the cleaning passes, kept as data: one YAML file per kind of boilerplate.

Each file says what the kind is (`about`) and how its phrases are matched (`rules`: `opening` the
line opens with a phrase, `whole` the line is only the phrase, `anywhere` a short line contains it,
`heading` the line heads a block whose items go too, `breadcrumb` a home word and path separators,
`date` a line of nothing but a date and time, `numbered` a whole line with numbers in it, `fields` a line
of parts of which `min_fields` open with a label). Phrases are grouped by language code; every list
applies to every page, since outlets mix languages in their templates. Adding a language or a
phrase is a change to data, reviewed as such; tests/test_boilerplate_kinds.py loads every file.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
# libyaml's parser when PyYAML was built with it (the wheels are): the same data from these files
# (tests/test_boilerplate_kinds.py compares the two) in a tenth of the time. Every extraction worker
# reads all of them before its first page; with the pure-Python parser that was 0.2 s of CPU each.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PhraseFileError(ValueError):
    """A phrase file does not have the expected shape (a bug in the data, caught at import)."""


@functools.cache
def load(name: str) -> dict:
    """The parsed file `<name>.yaml` of this folder."""
    path = HERE / f"{name}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise PhraseFileError(f"{path.name}: expected a mapping with a list of rules")
    return data


def names() -> list[str]:
    return sorted(path.stem for path in HERE.glob("*.yaml"))


def phrases_of(rule: dict) -> list[str]:
    """Every phrase of a rule, all languages together, casefolded, longest first."""
    table = rule.get("phrases") or {}
    if not isinstance(table, dict):
        raise PhraseFileError(f"phrases must be grouped by language, got {type(table).__name__}")
    found = {str(p).casefold().replace("’", "'") for phrases in table.values() for p in phrases or ()}
    return sorted(found, key=len, reverse=True)

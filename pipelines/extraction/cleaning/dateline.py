"""The dateline that opens wire copy: "BEIJING:", "ISLAMABAD, June 12 (APP) -", "GENEVA (Reuters) -".

The place goes into its own field; the text keeps the dateline, since it is part of the story as
published.
"""

from __future__ import annotations

import re

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATELINE = re.compile(
    rf"""^(?P<place>[A-Z][A-Z'’.\-]+(?:[ /][A-Z][A-Z'’.\-]+){{0,3}})   # BEIJING, NEW DELHI, PORT-AU-PRINCE
        (?:,\s*(?:[A-Z][a-z]+,\s*)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s*\d{{4}})?)?  # , June 12
        (?:\s*\((?P<agency>[A-Za-z][A-Za-z&.\- ]{{1,20}})\))?            # (APP)
        \s*(?::|-{{1,2}}|–|—)\s+\S""",
    re.VERBOSE,
)


def find_dateline(paragraphs: list[str]) -> str | None:
    """The place name of the dateline opening the first paragraph, if there is one."""
    for paragraph in paragraphs[:2]:
        match = DATELINE.match(paragraph)
        if match:
            place = match.group("place").strip()
            if len(place) >= 3 and place not in {"UPDATE", "BREAKING", "EXCLUSIVE", "WATCH", "PHOTO", "VIDEO"}:
                return place
    return None

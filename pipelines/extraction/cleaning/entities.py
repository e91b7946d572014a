"""HTML entities left in text that was never parsed as HTML, or was escaped more than once.

JSON-LD is JSON, not HTML: publishers write `"headline": "The results? &#8216;Sobering&#8217;"`
and nothing on the way resolves the references. Meta tags and `<title>` are parsed once, which
is one time too few for a CMS that escaped twice (`&amp;#8230;` arrives as `&#8230;`).
"""

from __future__ import annotations

import html
import re

_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
MAX_ROUNDS = 3  # "&amp;amp;#8230;": escaped three times


def unescaped(text: str | None) -> str | None:
    """The text with its character and entity references resolved, as often as it was escaped."""
    if not text:
        return text
    for _ in range(MAX_ROUNDS):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text

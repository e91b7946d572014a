"""Values fit to store: each field of an article record coerced to its declared type, length and
character set, or dropped, one field at a time.

Pages are written by others, and what they say about themselves (JSON-LD, meta tags, headers, feed
items) can be of any shape: a list where a string belongs, a number, a nested object, a NUL byte, an
escape sequence for a terminal, a megabyte of title. A field that cannot be made right is dropped
(None, or left out of a list); the page is never lost because of one field. Extraction applies this
to every record it makes, and storage applies it again before binding (it is idempotent and cheap on
clean values), so a record built by other code cannot carry a bad value into the database either.

The caps are documented in docs/schema.md.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

# Declared lengths, in characters (docs/schema.md). Column widths where the column has one.
TITLE_MAX = 1000
TEXT_MAX = 1_000_000
DESCRIPTION_MAX = 5000
SECTION_MAX = 200          # articles.section is String(200)
DATELINE_MAX = 200         # articles.dateline is String(200)
AUTHOR_MAX = 200
AUTHORS_MAX = 50
URL_MAX = 2048             # every URL column is String(2048)
LANGUAGE_MAX = 16          # articles.language is String(16)
SITE_NAME_MAX = 200
ENCODING_MAX = 64
HEADER_VALUE_MAX = 1024    # a response header kept with a raw page
ETAG_MAX = 512             # feed_validators.etag is String(512)
LAST_MODIFIED_MAX = 64     # feed_validators.last_modified is String(64)

# Never storable: NUL (PostgreSQL refuses it in text and JSON) and lone surrogates (not encodable
# as UTF-8; json.loads makes them from "\ud800").
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Control characters of a body: C0 but tab, newline and carriage return; DEL; C1.
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Control characters of a one-line field: every C0 (line breaks become spaces first), DEL, C1.
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r" {2,}")
_URL_REMOVED = dict.fromkeys(map(ord, "\t\n\r"), None)
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")


def storable(value: str) -> str:
    """A string without what no database stores (NUL, lone surrogates); everything else kept."""
    return _UNSTORABLE.sub("", value) if _UNSTORABLE.search(value) else value


def _as_text(value: Any) -> str | None:
    """A string from a scalar: numbers become their text (`"articleSection": 5`); lists, objects,
    booleans and None are not text and give None."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def line(value: Any, max_chars: int) -> str | None:
    """A one-line field: text only, control characters out, line breaks as spaces, capped."""
    text = _as_text(value)
    if text is None:
        return None
    if _LINE_BREAKS.search(text):
        text = _LINE_BREAKS.sub(" ", text)
    if _LINE_CONTROL.search(text):
        text = _LINE_CONTROL.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return text or None


def body(value: Any, max_chars: int = TEXT_MAX) -> str | None:
    """A multi-line text: control characters out (tab and line breaks kept), capped."""
    text = _as_text(value)
    if text is None:
        return None
    if _BODY_CONTROL.search(text):
        text = _BODY_CONTROL.sub("", text)
    if len(text) > max_chars:
        text = text[:max_chars]
    return text


def url(value: Any, base: str | None = None) -> str | None:
    """An http(s) URL (relative ones resolved against ``base`` when given), or None: a URL with
    whitespace or control characters inside, another scheme, or longer than URL_MAX is dropped,
    never cut (a cut URL is a wrong URL)."""
    if not isinstance(value, str):
        return None
    # As browsers read a URL (WHATWG): tabs and line breaks inside are removed; an unencoded space,
    # common in image URLs, is encoded.
    text = value.strip().translate(_URL_REMOVED).replace(" ", "%20")
    if not text or len(text) > URL_MAX or _LINE_CONTROL.search(text) or any(c.isspace() for c in text):
        return None
    if base:
        try:
            text = urljoin(base, text)
        except ValueError:
            return None
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:  # "http://[::1" and other unparseable forms
        return None
    if scheme not in ("http", "https", ""):  # "" is a relative URL, as the page wrote it
        return None
    return text if len(text) <= URL_MAX else None


def language(value: Any) -> str | None:
    text = line(value, LANGUAGE_MAX + 1)
    return text if text and len(text) <= LANGUAGE_MAX and _LANGUAGE_TAG.match(text) else None


def moment(value: Any) -> datetime | None:
    """An aware datetime, in UTC; anything that is not a datetime is not a moment we trust.

    A naive datetime is passed on as it is: no page produces one (core/dates.py makes every parsed
    time aware), so it is a caller's bug, and the database type refuses it loudly (storage/types.py)
    rather than have it turn quietly into "no date"."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def authors(values: Any) -> list[str]:
    """Names only, each one line and capped, no repeats, at most AUTHORS_MAX."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    names: list[str] = []
    for value in values:
        name = line(value, AUTHOR_MAX)
        if name and name not in names:
            names.append(name)
        if len(names) == AUTHORS_MAX:
            break
    return names


def header_value(value: Any, max_chars: int = HEADER_VALUE_MAX) -> str | None:
    text = line(value, max_chars + 1)
    return text if text and len(text) <= max_chars else None


def headers(values: dict) -> dict[str, str]:
    """Response headers to keep: a value with control characters has them removed; an overlong
    one is dropped (a cut ETag or date would be wrong, not shorter)."""
    kept = {}
    for name, value in values.items():
        clean = header_value(value)
        if isinstance(name, str) and clean is not None:
            kept[name] = clean
    return kept


def fit_article(data):
    """Coerce every field of an ArticleData to its declared type, length and character set, in
    place; returns it. A field that cannot be made right becomes None (or is left out of a list).
    The text object is kept when it needs nothing, so values derived from it stay cached."""
    title = line(data.title, TITLE_MAX)
    data.title = title or ""
    text = body(data.text)
    if text != data.text:
        data.text = text or ""
    data.authors = authors(data.authors)
    data.published_at = moment(data.published_at)
    data.updated_at = moment(data.updated_at)
    data.language = language(data.language)
    data.section = line(data.section, SECTION_MAX)
    data.dateline = line(data.dateline, DATELINE_MAX)
    data.description = line(data.description, DESCRIPTION_MAX)
    # As the page wrote them (relative ones too: stage 300 resolves the links against the page).
    data.image_url = url(data.image_url)
    data.canonical_link = url(data.canonical_link)
    data.amp_link = url(data.amp_link)
    data.site_name = line(data.site_name, SITE_NAME_MAX)
    data.encoding = line(data.encoding, ENCODING_MAX)
    if not isinstance(data.other_urls, dict):
        data.other_urls = {}
    else:
        data.other_urls = {u: k for u, k in data.other_urls.items() if isinstance(u, str) and len(u) <= URL_MAX
                           and isinstance(k, str)}
    return data


def strip_unstorable(value: Any) -> Any:
    """NULs and lone surrogates out of every string in a JSON-like value (keys too)."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {strip_unstorable(k): strip_unstorable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_unstorable(v) for v in value]
    return value

"""Bytes to text for fetched pages: which encoding, and whether the bytes are HTML at all.

Order of evidence: a byte-order mark (it cannot lie), the HTTP header, the page's meta charset,
then statistical detection. A declared encoding is only taken if the bytes actually decode with
it; a page that declares one charset and sends another (a common server misconfiguration) falls
through to the next piece of evidence instead of being stored as mojibake.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import http_content_type_encoding, read_bom, resolve_encoding

from core.outcomes import Rejected

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
# Signatures of formats servers like to label text/html by mistake.
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04",
                      b"\x1f\x8b", b"RIFF", b"OggS", b"\x00\x00\x01\x00", b"ID3")
_SINGLE_BYTE = {"cp1252", "latin_1", "iso8859-1", "iso8859-15", "ascii"}
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain")


def check_html(body: bytes, content_type: str | None) -> None:
    """Refuse bodies that are not HTML: declared otherwise, binary, or empty."""
    if not body.strip():
        raise Rejected("empty")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and not mime.startswith(HTML_TYPES):
        raise Rejected("non_html", f"content type {mime}")
    head = body[:1024].lstrip()
    if head.startswith(_BINARY_SIGNATURES):
        raise Rejected("non_html", "binary content served as HTML")
    if body[:4096].count(b"\x00") > 16 and not _wide_unicode(body, content_type) and not _marked_up(body[:4096]):
        raise Rejected("non_html", "binary content (NUL bytes)")


_HTML_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<meta", b"<title")


def _marked_up(head: bytes) -> bool:
    """An HTML page with stray NULs in it (a template bug) is still HTML: refused as binary, it was
    remembered as `non_html` for 30 days (issue 23). Binary formats carry no such tags."""
    lowered = head.replace(b"\x00", b"").lower()
    return any(marker in lowered for marker in _HTML_MARKERS)


def _wide_unicode(body: bytes, content_type: str | None) -> bool:
    """UTF-16/32, by BOM or header: text that is half NUL bytes (tests/test_faults_content.py
    found such pages refused as binary before this check)."""
    names = (read_bom(body)[0], http_content_type_encoding(content_type) if content_type else None)
    return any(name and name.lower().replace("_", "-").startswith(("utf-16", "utf-32")) for name in names)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name.decode("ascii", "ignore") if isinstance(name, bytes) else name)
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def _decodes(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_MULTIBYTE_CHARACTER = re.compile(r"[^\x00-\x7f\ufffd]")


def _as_utf8(body: bytes) -> str | None:
    """The page decoded as UTF-8 if its bytes are UTF-8: valid multi-byte sequences are near-certain
    evidence. A few stray invalid bytes (a character cut in a teaser, a Latin-1 byte pasted into a
    template) become U+FFFD: sent to statistical detection instead, such a page had every accented
    letter turned into mojibake ("Zürich" -> "ZÃ¼rich"; tests/test_faults_content.py)."""
    if body.isascii():
        return None
    text = body.decode("utf-8", errors="replace")
    stray = text.count("\ufffd")
    if stray == 0:
        return text
    rare = stray <= max(8, len(text) // 1000)
    return text if rare and len(_MULTIBYTE_CHARACTER.findall(text)) >= stray else None


def _detect(body: bytes) -> str | None:
    """charset_normalizer's pick; between equally clean single-byte code pages, windows-1252 (the
    web's default legacy encoding: with a few accented letters as evidence, cp1250 and cp1252 are
    indistinguishable to statistics, and the Western page is the likelier one)."""
    results = list(from_bytes(body[:200_000]))
    if not results:
        return None
    cleanest = min(match.chaos for match in results)
    tied = [match.encoding for match in results if match.chaos == cleanest]
    return "cp1252" if "cp1252" in tied else results[0].encoding


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page's text and the encoding used. Raises Rejected("undecodable") when nothing fits."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        text = _decodes(body[len(bom):], _codec(bom_encoding) or "utf-8")
        if text is not None:
            return text, _codec(bom_encoding)

    declared = [
        _codec(http_content_type_encoding(content_type) if content_type else None),
        _codec(match.group(1) if (match := _META_CHARSET.search(body[:8192])) else None),
    ]
    utf8 = _as_utf8(body)
    for encoding in filter(None, declared):
        if utf8 is not None and (encoding in _SINGLE_BYTE or encoding == "utf-8"):
            # Declares a legacy single-byte charset but sends UTF-8, or declares UTF-8 and sends it
            # with a few stray bytes: trust the bytes.
            return utf8, "utf-8"
        text = _decodes(body, encoding)
        if text is not None:
            return text, encoding

    if body.isascii():
        return body.decode("utf-8"), "utf-8"
    if utf8 is not None:
        return utf8, "utf-8"
    detected = _detect(body)
    if detected:
        text = _decodes(body, detected)
        if text is not None:
            return text, _codec(detected) or detected
    # Last resort: UTF-8 with replacement characters, if they are rare enough to be noise.
    text = body.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(8, len(text) // 1000):
        return text, "utf-8"
    raise Rejected("undecodable", "no encoding decodes the page")

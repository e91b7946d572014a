"""Plain records passed between the pipelines and the repository (no SQLAlchemy state inside)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ArticleData:
    """What the pipeline learned about one article page, ready to be stored."""

    canonical_url: str
    title: str
    text: str
    fetched_url: str | None = None
    other_urls: dict[str, str] = field(default_factory=dict)  # url -> kind ("amp", "alias", ...)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    language: str | None = None
    section: str | None = None
    dateline: str | None = None
    description: str | None = None
    image_url: str | None = None

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass
class RawPageData:
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    fetched_at: datetime | None = None


_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def count_words(text: str) -> int:
    """Words in a text; Chinese, Japanese and Korean characters count one each (no spaces there)."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk


def normalised_body(text: str) -> str:
    """The body reduced to what identifies its content: NFKC, case-folded words, no punctuation.

    Two copies that differ only in whitespace, quotes or case hash the same.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalised_body(text).encode("utf-8")).hexdigest()

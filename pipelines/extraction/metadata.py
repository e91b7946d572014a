"""What a page says about itself: JSON-LD, meta tags and link relations, read from the parsed tree.

Publishers state dates, authors and sections explicitly far more often than not; reading those
statements first is what keeps dates right (date guessers pick copyright years and "last updated"
stamps).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.extraction.cleaning.entities import unescaped

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "report",
    "scholarlyarticle", "socialmediaposting", "techarticle",
}
VIDEO_TYPES = {"videoobject", "video"}


@dataclass
class PageMetadata:
    title: str | None = None                # the best statement of the headline
    og_title: str | None = None
    html_title: str | None = None           # <title>, often with the site name glued on
    twitter_title: str | None = None
    site_name: str | None = None
    page_type: str | None = None            # og:type ("article", "website", "video.other")
    jsonld_types: set[str] = field(default_factory=set)
    published: list[str] = field(default_factory=list)  # candidate strings, most trusted first
    modified: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    description: str | None = None
    image: str | None = None
    language: str | None = None
    canonical_link: str | None = None
    amp_link: str | None = None

    @property
    def declares_article(self) -> bool:
        return self.page_type == "article" or bool(self.jsonld_types & ARTICLE_TYPES)

    @property
    def declares_video(self) -> bool:
        return (self.page_type or "").startswith("video") or (
            bool(self.jsonld_types & VIDEO_TYPES) and not self.jsonld_types & ARTICLE_TYPES
        )


def _first(values: list) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():  # JSON-LD gives numbers, nulls, lists too
            return value.strip()
    return None


# Lists inside lists deeper than this are not a statement about authors or images, and walking
# them by recursion ended in RecursionError (issue 23).
_MAX_NESTING = 8


def _text_of(value: Any, depth: int = 0) -> list[str]:
    """Names from a JSON-LD value that may be a string, an object with `name`, or a list of them."""
    if value is None or depth > _MAX_NESTING:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for item in value for name in _text_of(item, depth + 1)]
    return []


def _image_of(value: Any, depth: int = 0) -> str | None:
    """The first image URL of a JSON-LD `image`: a string, an ImageObject (whose `url` may itself
    be a list or an object), or a list of either (Google's recommended form: several ratios)."""
    if depth > _MAX_NESTING:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _image_of(value.get("url"), depth + 1) or _image_of(value.get("contentUrl"), depth + 1)
    if isinstance(value, list):
        return next((found for item in value if (found := _image_of(item, depth + 1))), None)
    return None


def _jsonld_objects(tree) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except RecursionError:  # nesting deeper than the interpreter's stack: no statement of ours
            continue
        except ValueError:
            # Common breakage: trailing commas and raw newlines in strings. One lenient retry.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except (ValueError, RecursionError):
                continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                objects.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
                if isinstance(node.get("mainEntity"), dict):
                    stack.append(node["mainEntity"])
    return objects


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _meta_index(tree) -> dict[str, list[str]]:
    """Every <meta> content by its property/name/itemprop, read in one pass over the tree."""
    index: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = element.get(attribute)
            if key:
                index.setdefault(key.strip(), []).append(content)
    return index


def read_metadata(tree) -> PageMetadata:
    meta = PageMetadata()
    index = _meta_index(tree)

    def metas(*names: str) -> list[str]:
        return [content for name in names for content in index.get(name, ())]

    # JSON-LD first: the most explicit statement a page makes.
    for obj in _jsonld_objects(tree):
        types = _types(obj)
        meta.jsonld_types |= types
        if not types & (ARTICLE_TYPES | {"webpage"} | VIDEO_TYPES):
            continue
        is_article = bool(types & ARTICLE_TYPES)
        if is_article and isinstance(obj.get("headline"), str):
            meta.title = meta.title or obj["headline"].strip()
        for key, target in (("datePublished", meta.published), ("dateModified", meta.modified)):
            if isinstance(obj.get(key), str) and (is_article or not target):
                target.append(obj[key])
        if is_article:
            meta.authors += [a for a in _text_of(obj.get("author")) if a not in meta.authors]
            section = obj.get("articleSection")
            meta.section = meta.section or _first(section if isinstance(section, list) else [section or ""])
            meta.description = meta.description or (obj.get("description") if isinstance(obj.get("description"), str) else None)
            meta.image = meta.image or _image_of(obj.get("image"))
            if isinstance(obj.get("inLanguage"), str):
                meta.language = meta.language or obj["inLanguage"]

    meta.published += metas("article:published_time", "datePublished", "og:published_time",
                            "pubdate", "publishdate", "publish-date", "date", "DC.date.issued",
                            "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date")
    meta.published += tree.xpath("//time[@itemprop='datePublished']/@datetime")
    meta.modified += metas("article:modified_time", "dateModified", "og:updated_time", "last-modified",
                           "dcterms.modified")
    meta.page_type = (_first(metas("og:type")) or "").lower() or None
    meta.og_title = _first(metas("og:title"))
    meta.twitter_title = _first(metas("twitter:title"))
    meta.site_name = _first(metas("og:site_name", "application-name"))
    meta.section = meta.section or _first(metas("article:section", "section", "parsely-section"))
    meta.description = meta.description or _first(metas("description", "og:description"))
    meta.image = meta.image or _first(metas("og:image", "twitter:image"))
    if not meta.authors:
        meta.authors = [a for a in metas("author", "article:author", "parsely-author", "sailthru.author")
                        if a.strip() and not a.startswith("http")]
    meta.language = meta.language or _first(
        tree.xpath("/html/@lang") + tree.xpath("/html/@xml:lang") + metas("og:locale")
        + tree.xpath('//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")="content-language"]/@content')
    )
    titles = tree.xpath("//title/text()")
    meta.html_title = _first(titles) if titles else None
    meta.title = meta.title or meta.og_title or meta.twitter_title or meta.html_title
    for name in ("title", "og_title", "html_title", "twitter_title", "site_name", "section", "description"):
        setattr(meta, name, unescaped(getattr(meta, name)))
    meta.authors = [unescaped(author) for author in meta.authors]
    meta.canonical_link = _first(tree.xpath('//link[@rel="canonical"]/@href'))
    meta.amp_link = _first(tree.xpath('//link[@rel="amphtml"]/@href'))
    return meta


# Control characters (tab, newline and carriage return excepted), raw or as character references.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A control character written as a character reference (&#7; &#x1F; &#127;): every value below 32
# but tab, newline and carriage return, and 127. Raw ones never reach the tree but DEL: trafilatura's
# load_html deletes the others from the text before parsing (tests/test_security.py checks both).
# Both tests run in C at memchr speed; a character class over the whole page cost 0.3 ms, and a
# Python loop over its character references more (most pages have hundreds, &#8217;).
_CONTROL_REFERENCE = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|127)(?![0-9])"
    r"|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])(?![0-9a-fA-F]))"
)


def _has_control_characters(text: str) -> bool:
    return "\x7f" in text or _CONTROL_REFERENCE.search(text) is not None


def _strip_control_characters(tree) -> None:
    for element in tree.iter():
        if element.text and _CONTROL.search(element.text):
            element.text = _CONTROL.sub("", element.text)
        if element.tail and _CONTROL.search(element.tail):
            element.tail = _CONTROL.sub("", element.tail)
        for name, value in element.attrib.items():
            if _CONTROL.search(value):
                element.attrib[name] = _CONTROL.sub("", value)


def parse_tree(text: str):
    """The page parsed once, the way trafilatura parses it (its extraction depends on that parser's
    view of the markup), for our metadata reading and its extraction alike. None if unparseable.

    Control characters are taken out of the tree: one `&#7;` in an article's body made trafilatura
    discard the whole page as `no_text` (tests/test_security.py). The tree is only walked
    when the page has such a character, which is rare (walking costs about three parses).
    """
    from trafilatura import load_html

    tree = load_html(text)
    if tree is not None and tree.getnext() is not None:
        _take_in_content_after_the_end(tree)
    if tree is not None and _has_control_characters(text):
        _strip_control_characters(tree)
    return tree


def _take_in_content_after_the_end(tree) -> None:
    """Content written after `</body></html>` moved into the body, where a browser shows it.

    A template whose header include closes the document (`</body></html>` after the menu, then the
    article) leaves libxml2 with a second top-level `<html>` holding everything after it: the
    article, outside the body, where trafilatura (and our own passes) never look. Browsers follow
    the HTML standard and put it in the body; so do we. Costs nothing on a well-formed page (the
    root has no sibling).
    """
    body = tree.find("body")
    if body is None:
        return
    while (stray := tree.getnext()) is not None:
        body.append(stray)  # moved, with what it holds; comments and processing instructions too
        if stray.tag in ("html", "body"):
            for head in stray.findall("head"):
                stray.remove(head)
            for inner_body in stray.findall("body"):
                inner_body.drop_tag()
            stray.drop_tag()  # its children take its place

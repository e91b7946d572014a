"""The elements that hold the page's prose: what the passes before extraction look at.

A paragraph of 100 characters or more is prose (the collapse guard's long paragraph). The
elements above such paragraphs, counted by walking up from each (a page has tens of them), are
the candidates for the article's wrappers: cheaper than testing every element of the page.
"""

from __future__ import annotations

from lxml.etree import XPath

PROSE_CHARS = 100  # also the collapse guard's long paragraph (LONG_PARAGRAPH_CHARS)
_LONG_PARAGRAPHS = XPath(f"//body//p[string-length(normalize-space()) >= {PROSE_CHARS}]")
_PAGE = frozenset(("body", "html"))
_CHROME = frozenset(("header", "nav", "footer", "aside"))


def prose_holders(tree) -> dict:
    """element -> how many long paragraphs it holds, for every element between one and the body."""
    held: dict = {}
    for paragraph in _LONG_PARAGRAPHS(tree):
        for element in paragraph.iterancestors():
            if element.tag in _PAGE:
                break
            held[element] = held.get(element, 0) + 1
    return held


def in_chrome(element) -> bool:
    """In (or itself) a header, navigation, footer or aside: the page's chrome, never the article."""
    return element.tag in _CHROME or any(ancestor.tag in _CHROME for ancestor in element.iterancestors())

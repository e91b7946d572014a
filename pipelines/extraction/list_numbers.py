"""Ordered lists keep the numbers the reader sees: "1. Enter your guest count", not "- Enter ...".

A browser numbers the items of an `<ol>`; the numbers are not in the markup, and trafilatura writes
every list item as "- item". Steps, rankings and numbered arguments lose their order, and every
hand-made gold standard that copies what the page shows (the development set's does) has the
numbers. So each item of an ordered list gets its number written in before extraction, as the
browser would print it: from `start` (or an item's own `value`), counting down in a `reversed`
list, in letters or Roman numerals where `type` asks for them. An `<ol>` of a single item is a
layout trick (a box per product, each "1.") and is left alone, unless its `start` says it
continues a list split by other blocks; so is an item that already opens with its own number.

The "- " trafilatura puts before a numbered item is taken off again after extraction
(`without_bullet`): the number is the item's marker.
"""

from __future__ import annotations

import re

from lxml.etree import XPath

_ORDERED_LISTS = XPath("//ol[count(li) > 1 or @start]")
_BLOCKS = {"p", "div", "section", "blockquote", "h2", "h3", "h4", "h5", "h6", "header", "dl", "dt", "dd"}
_NOT_TEXT = {"ul", "ol", "script", "style", "img", "svg", "figure", "picture", "video", "iframe"}
_OWN_NUMBER = re.compile(r"^\s*(?:\d+|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)]\s")
_NUMBERED_BULLET = re.compile(r"^[-•*] ((?:\d{1,4}|[a-z]|[A-Z]|[ivxlcdm]{1,8}|[IVXLCDM]{1,8})\. )")
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def number_ordered_lists(tree) -> int:
    """Write each ordered list item's number into its text, in place; returns how many items."""
    numbered = 0
    for ordered in _ORDERED_LISTS(tree):
        items = [child for child in ordered if child.tag == "li"]
        step = -1 if ordered.get("reversed") is not None else 1
        number = _integer(ordered.get("start"), default=len(items) if step < 0 else 1)
        style = ordered.get("type") or "1"
        for item in items:
            number = _integer(item.get("value"), default=number)
            if _write_number(item, f"{_marker(number, style)}. "):
                numbered += 1
            number += step
    return numbered


def without_bullet(line: str) -> str:
    """"- 3. Enter the quantity" -> "3. Enter the quantity": a numbered item needs no bullet."""
    return _NUMBERED_BULLET.sub(r"\1", line, count=1)


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _marker(number: int, style: str) -> str:
    if style in ("a", "A") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return letter.upper() if style == "A" else letter
    if style in ("i", "I") and 1 <= number <= 3999:
        roman = ""
        for value, letters in _ROMAN:
            while number >= value:
                roman, number = roman + letters, number - value
        return roman.upper() if style == "I" else roman
    return str(number)


def _write_number(item, marker: str) -> bool:
    """The marker before the item's first words, as the browser places it: before the item's text,
    or, when the item holds blocks (`<li><p>...`), at the start of the first block's text, on
    the same line. Before a link or other inline element, not in it: a marker is not link text."""
    found = _first_text(item)
    if found is None:
        return False  # an item of images, or opening with a nested list: nothing to number
    element, attribute = found
    if _OWN_NUMBER.match(getattr(element, attribute)):
        return False
    container = item
    while not (container.text and container.text.strip()):
        first = next(child for child in container if _holds_text(child))
        if first.tag not in _BLOCKS:
            break
        container = first
    container.text = marker + (container.text or "").lstrip()
    return True


def _holds_text(element) -> bool:
    return _first_text(element) is not None or bool(element.tail and element.tail.strip())


def _first_text(element):
    """(element, "text" or "tail") holding the first words of `element`, in document order."""
    if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
        return None
    if element.text and element.text.strip():
        return element, "text"
    for child in element:
        found = _first_text(child)
        if found is not None:
            return found
        if child.tail and child.tail.strip():
            return child, "tail"
    return None

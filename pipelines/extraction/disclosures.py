"""Collapsed disclosure panels (accordions, FAQ answers, tabs) shown before extraction.

Guides and reviews put whole sections of their article in panels that a reader opens with a
button: "How we ranked", the FAQ's answers, one tab per option. The page ships the text, hidden
(`display:none`, `hidden`, `aria-hidden`, a `hidden` class) until the button is pressed, and
trafilatura discards hidden elements as it should discard a hidden menu or modal: the article
loses those sections (issue 17: on the development set, FAQ and accordion answers are part of the
article's gold text).

A panel is recognised by the WAI-ARIA disclosure pattern, which every accordion, tab and "show
more" widget follows and menus and modals rarely hold prose for: a control names it by
`aria-controls`. Only panels that hold a paragraph of prose are shown, and none in the page's
chrome (header, navigation, footer, asides, dialogs), where a disclosure is a menu or a notice.
The `<button>` that opens a shown panel holds its question, and becomes a paragraph with it.
"""

from __future__ import annotations

import re

from lxml.etree import XPath

from pipelines.extraction.prose import PROSE_CHARS  # one run of text this long is prose

_CONTROLLED_IDS = XPath("//body//*[@aria-controls]/@aria-controls")
_BUTTON_CONTROLS = XPath("//body//button[@aria-controls]")
_WITH_ID = XPath("//body//*[@id]")
_PROSE = XPath(f"boolean(.//text()[string-length(normalize-space()) >= {PROSE_CHARS}])")
_IN_CHROME = XPath("boolean(ancestor-or-self::*[self::header or self::nav or self::footer or self::aside"
                   " or self::dialog or @role='dialog' or @role='navigation' or @aria-modal='true'])")
# Class tokens by which templates hide an element (and trafilatura recognises a hidden one).
_HIDING_CLASS = re.compile(r"^(hidden|hide|is-hidden|collapsed?|d-none|.*-hidden)$")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|overflow\s*:\s*hidden|height\s*:\s*0")
MAX_PANELS = 50  # a page with more controlled elements than this is an app, not an article


def show_disclosures(tree) -> int:
    """Un-hide the disclosure panels of `tree` that hold prose (and the elements between a panel
    and the body that hide it with it), in place. Returns how many panels were shown."""
    ids = {token for value in _CONTROLLED_IDS(tree) for token in value.split()}
    if not ids or len(ids) > MAX_PANELS:
        return 0
    shown_ids = set()
    for element in _WITH_ID(tree):
        if element.get("id") not in ids or not _PROSE(element) or _IN_CHROME(element):
            continue
        for hidden in (element, *element.iterancestors()):
            _unhide(hidden)
        shown_ids.add(element.get("id"))
    _keep_questions(tree, shown_ids)
    return len(shown_ids)


def _keep_questions(tree, shown_ids: set[str]) -> None:
    """The button that opens a shown panel carries its question ("How long does it take?"), and
    trafilatura discards every button: the ones of shown panels become paragraphs."""
    for button in _BUTTON_CONTROLS(tree):
        if shown_ids.intersection(button.get("aria-controls").split()):
            button.tag = "p"


def _unhide(element) -> None:
    for attribute in ("hidden", "aria-hidden"):
        if attribute in element.attrib:
            del element.attrib[attribute]
    if _HIDING_STYLE.search(element.get("style") or ""):
        del element.attrib["style"]  # (trafilatura reads "hidden" anywhere in a style as hiding)
    classes = (element.get("class") or "").split()
    kept = [token for token in classes if not _HIDING_CLASS.match(token.lower())]
    if len(kept) != len(classes):
        element.set("class", " ".join(kept))

"""Wrappers of the article's prose that trafilatura discards for a presentational class name.

trafilatura throws away any element whose class contains one of its chrome words, as a
substring: "-icon" (icons), "slide" (carousels), "embed" (social embeds), "viewport", "overlay",
"expand". Page builders put such words in the modifier classes of the wrappers that hold the
article itself ("accordion-icon-style-arrow" on an accordion of the article's sections,
"listicle-slides" on each item of a list article, "embed" on a section of rich text), and the
article loses those sections whole (issue 17: 3 development pages lost 20-70% of their text).

An element that holds at least two paragraphs of prose is not an icon, a slide control or an
embed: its presentational class words are dropped before extraction, so trafilatura judges it by
its text. Chrome stays chrome: nothing in a header, navigation, footer or aside is touched, and
the other discard words (menus, sharing, related stories, comments) are not these.
"""

from __future__ import annotations

from lxml.etree import XPath

PROSE_CHARS = 100       # a paragraph of prose (the collapse guard's long paragraph)
MIN_PARAGRAPHS = 2      # one long paragraph may be a caption or a teaser's excerpt; two are text
PRESENTATIONAL = ("-icon", "slide", "embed", "viewport", "overlay", "expand")
_LONG_PARAGRAPHS = XPath(f"//body//p[string-length(normalize-space()) >= {PROSE_CHARS}]")
_CHROME = frozenset(("header", "nav", "footer", "aside"))
_PAGE = frozenset(("body", "html"))


def drop_presentational_classes(tree) -> int:
    """Drop the presentational class words of the elements of `tree` that hold prose, in place;
    returns how many elements were changed."""
    # The elements above the long paragraphs, counted by walking up from each (a page has tens of
    # them): cheaper than testing the class of every element of the page (1.1 ms -> 0.3 on dev pages).
    held: dict = {}
    for paragraph in _LONG_PARAGRAPHS(tree):
        for element in paragraph.iterancestors():
            if element.tag in _PAGE:
                break
            held[element] = held.get(element, 0) + 1
    changed = 0
    for element, paragraphs in held.items():
        names = element.get("class")
        if paragraphs < MIN_PARAGRAPHS or not names or not any(word in names for word in PRESENTATIONAL):
            continue
        if element.tag in _CHROME or any(ancestor.tag in _CHROME for ancestor in element.iterancestors()):
            continue
        classes = names.split()
        kept = [name for name in classes if not any(word in name.lower() for word in PRESENTATIONAL)]
        if len(kept) != len(classes):
            element.set("class", " ".join(kept))
            changed += 1
    return changed

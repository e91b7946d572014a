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
_CANDIDATES = XPath(
    "//body//*[@class][" + " or ".join(f"contains(@class, '{word}')" for word in PRESENTATIONAL) + "]"
    f"[count(.//p[string-length(normalize-space()) >= {PROSE_CHARS}]) >= {MIN_PARAGRAPHS}]"
    "[not(ancestor-or-self::*[self::header or self::nav or self::footer or self::aside])]")


def drop_presentational_classes(tree) -> int:
    """Drop the presentational class words of the elements of `tree` that hold prose, in place;
    returns how many elements were changed."""
    changed = 0
    for element in _CANDIDATES(tree):
        classes = element.get("class").split()
        kept = [name for name in classes if not any(word in name.lower() for word in PRESENTATIONAL)]
        if len(kept) != len(classes):
            element.set("class", " ".join(kept))
            changed += 1
    return changed

"""Quotations marked up as figures, kept in the article.

HTML's own markup for a quotation with its attribution is a `<figure>` holding the `<blockquote>`
and a `<figcaption>` naming who said it; interviews, expert round-ups and case studies quote
their sources that way, often for most of their text. trafilatura discards every `<figure>` whole
(it takes figures for images and their captions), and the quotations go with them: on the
development set of issue 17 such quotes were the gold's text on 3 pages out of 4 that had them.

A figure that holds a blockquote of prose is renamed a `<div>` before extraction, so trafilatura
judges its text as any other block; figures of images keep their tag and are discarded as before.
Social-media embeds (a blockquote of the network's markup that a script turns into a post) are
left alone: they are another page's text.
"""

from __future__ import annotations

from lxml.etree import XPath

QUOTE_CHARS = 40  # a sentence, not a one-word pull quote or an empty embed placeholder
_QUOTE_FIGURES = XPath(
    f"//body//figure[.//blockquote[string-length(normalize-space()) >= {QUOTE_CHARS}]"
    "[not(contains(@class, 'media') or contains(@class, 'tweet') or contains(@class, 'embed')"
    " or contains(@class, 'tiktok') or @data-instgrm-permalink)]]")


def keep_figure_quotes(tree) -> int:
    """Rename the figures of `tree` that hold a quotation to `<div>`, in place; how many were."""
    figures = _QUOTE_FIGURES(tree)
    for figure in figures:
        figure.tag = "div"
    return len(figures)

"""Markup that makes trafilatura discard the article's own text, undone before it extracts.

Each pass is a kind of page, in a module of its own: collapsed disclosure panels (disclosures.py),
quotations marked up as figures (figure_quotes.py), wrappers of prose with presentational class
words (presentational_classes.py), sections whose id is their heading's slug (heading_anchors.py);
and ordered lists get the numbers a browser prints (list_numbers.py).
The first extraction (extractor.py) and the collapse guard's fuller one run them alike, so the
two see the same page.
"""

from __future__ import annotations

from pipelines.extraction.disclosures import show_disclosures
from pipelines.extraction.figure_quotes import keep_figure_quotes
from pipelines.extraction.heading_anchors import free_heading_anchors
from pipelines.extraction.list_numbers import number_ordered_lists
from pipelines.extraction.presentational_classes import drop_presentational_classes
from pipelines.extraction.prose import prose_holders


def repair_markup(tree) -> None:
    """Every pass, in place on `tree`."""
    show_disclosures(tree)    # accordion and FAQ answers are the article's
    keep_figure_quotes(tree)  # and so are quotations marked up as figures
    holders = prose_holders(tree)  # after the two above: they rename elements, never move text
    drop_presentational_classes(tree, holders)  # sections whose wrapper has an "-icon" class
    free_heading_anchors(tree, holders)         # or whose id is their heading's slug ("menu-ideas-for-...")
    number_ordered_lists(tree)  # "1. Enter ...", as the reader sees the list

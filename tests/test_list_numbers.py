"""Ordered lists keep the numbers a browser prints (pipelines/extraction/list_numbers.py)."""

from __future__ import annotations

import pytest

from pipelines.extraction.extractor import extract_page
from pipelines.extraction.list_numbers import number_ordered_lists, without_bullet
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import PARAGRAPHS, TITLE, page, paragraphs_html

STEPS = ["Register the delegation with the border office", "Bring the signed letter of invitation",
         "Present the passports at the crossing"]


def item_texts(list_html: str) -> list[str]:
    tree = parse_tree(page(list_html))
    number_ordered_lists(tree)
    return [" ".join(item.text_content().split()) for item in tree.xpath("//li")]


def items(*texts: str) -> str:
    return "".join(f"<li>{text}</li>" for text in texts)


@pytest.mark.parametrize(
    ("list_html", "expected"),
    [
        (f"<ol>{items(*STEPS)}</ol>", [f"{n}. {step}" for n, step in enumerate(STEPS, 1)]),
        (f"<ol start='4'>{items(*STEPS)}</ol>", [f"{n}. {step}" for n, step in enumerate(STEPS, 4)]),
        (f"<ol reversed>{items(*STEPS)}</ol>", [f"{n}. {step}" for n, step in zip((3, 2, 1), STEPS, strict=True)]),
        (f"<ol type='a'>{items(*STEPS)}</ol>", [f"{m}. {step}" for m, step in zip("abc", STEPS, strict=True)]),
        (f"<ol type='I'>{items(*STEPS)}</ol>", [f"{m}. {step}" for m, step in zip(("I", "II", "III"), STEPS, strict=True)]),
        (f"<ol><li>{STEPS[0]}</li><li value='7'>{STEPS[1]}</li><li>{STEPS[2]}</li></ol>",
         [f"1. {STEPS[0]}", f"7. {STEPS[1]}", f"8. {STEPS[2]}"]),
        # the number goes into the item's first block, on its line, and never into a link's text
        (f"<ol>{items(*(f'<p><strong>{step}</strong></p>' for step in STEPS))}</ol>",
         [f"{n}. {step}" for n, step in enumerate(STEPS, 1)]),
        (f"<ol>{items(*(f'<span class=ui></span><a href=/x>{step}</a>' for step in STEPS))}</ol>",
         [f"{n}. {step}" for n, step in enumerate(STEPS, 1)]),
        # unordered lists, an item with its own number, a box of one item: as they are
        (f"<ul>{items(*STEPS)}</ul>", STEPS),
        (f"<ol>{items('1. ' + STEPS[0], '2. ' + STEPS[1])}</ol>", ["1. " + STEPS[0], "2. " + STEPS[1]]),
        (f"<ol>{items(STEPS[0])}</ol><ol>{items(STEPS[1])}</ol>", STEPS[:2]),
        # ... unless its start says it continues a list split by other blocks
        (f"<ol start='1'>{items(STEPS[0])}</ol><p>Between.</p><ol start='2'>{items(STEPS[1])}</ol>",
         [f"1. {STEPS[0]}", f"2. {STEPS[1]}"]),
    ],
)
def test_ordered_list_items_get_the_numbers_a_browser_prints(list_html, expected):
    assert item_texts(list_html) == expected


def test_an_item_of_images_or_opening_with_a_nested_list_is_left_alone():
    html = f"<ol><li><img src='/a.jpg'></li><li><ul><li>{STEPS[0]}</li></ul></li></ol>"
    assert item_texts(html) == ["", STEPS[0], STEPS[0]]  # the image item, the outer item, the inner one


@pytest.mark.parametrize(
    ("line", "expected"),
    [("- 3. Enter the quantity", "3. Enter the quantity"), ("- b. Second point", "b. Second point"),
     ("- iv. Fourth point", "iv. Fourth point"), ("- Enter the quantity", "- Enter the quantity"),
     ("- 2026 was a hard year", "- 2026 was a hard year")],
)
def test_a_numbered_item_loses_its_bullet(line, expected):
    assert without_bullet(line) == expected


def test_an_article_with_numbered_steps_keeps_them():
    steps = "".join(f"<li>{step}, as the ministry's guidance for visiting delegations explains.</li>" for step in STEPS)
    html = page(f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS[:4])}<ol>{steps}</ol>"
                f"{paragraphs_html(PARAGRAPHS[4:])}</article>")
    lines = extract_page(html).text.split("\n\n")
    for n, step in enumerate(STEPS, 1):
        assert f"{n}. {step}, as the ministry's guidance for visiting delegations explains." in lines

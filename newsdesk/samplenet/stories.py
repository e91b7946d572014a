"""The sample network's stories, read from the YAML file beside each outlet's template.

Two kinds of story are not written out in full in the YAML:

* syndicated copies are derived from the wire original here, so that a copy differs from the
  original exactly as its YAML entry says (headline, word swaps, cut paragraphs, credit line);
* the seed story takes its paragraphs from ../shared/examples/sco-diplomacy.raw.txt when that
  file exists, because the project's cleaning targets were measured on that text; the file sits
  outside the repository, so the YAML carries a text of our own for when it is absent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

OUTLETS_DIR = Path(__file__).resolve().parent / "outlets"
SEED_RAW_TEXT = Path(__file__).resolve().parents[3] / "shared" / "examples" / "sco-diplomacy.raw.txt"
SEED_SECTION_LABEL = "My Country"

# What a story is for: real news articles (a crawl may store them) ...
ARTICLE_ROLES = {
    "article", "seed", "syndicated_original", "syndicated_copy", "windows_1252", "too_old", "brief",
    "malformed", "slow", "tracking_variants", "changing",
}
# ... and pages that a crawl reaches but must not store as articles.
NON_ARTICLE_ROLES = {
    "server_error",        # listed in a feed, answers 500
    "not_found",           # listed in a feed, answers 404
    "robots_disallowed",   # a normal-looking article under a path robots.txt forbids
    "video",               # og:type video.other, one sentence
    "gallery",             # pictures and captions only
}


@dataclass(frozen=True)
class Comment:
    author: str
    text: str


@dataclass(frozen=True)
class Update:
    """How the changing article reads after the network is advanced to version 2."""

    title: str
    paragraph: str
    modified_hours_ago: float


@dataclass(frozen=True)
class Story:
    outlet: str
    number: int                 # the outlet's own id (post id, story number)
    slug: str
    title: str
    section: str                # a key of the outlet's sections
    byline: str
    hours_ago: float            # publication time, relative to the build's "now"
    paragraphs: tuple[str, ...] = ()
    role: str = "article"
    summary: str = ""
    dateline: str = ""          # wire stories: the template writes "CITY, Mon DD (MNA) - "
    tags: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    modified_hours_ago: float | None = None
    update: Update | None = None
    credit: str = ""            # syndicated copies: the agency credit appended to the body

    @property
    def is_article(self) -> bool:
        return self.role in ARTICLE_ROLES

    @property
    def authors(self) -> list[str]:
        return [name.strip() for name in re.split(r",| and | et ", self.byline) if name.strip()]

    @property
    def teaser(self) -> str:
        return self.summary or first_sentence(self.paragraphs[0] if self.paragraphs else self.title)

    def revised(self) -> Story:
        """The story as it reads after its update (the changing article, version 2)."""
        if self.update is None:
            return self
        return replace(
            self,
            title=self.update.title,
            paragraphs=(*self.paragraphs, self.update.paragraph),
            modified_hours_ago=self.update.modified_hours_ago,
        )


@dataclass(frozen=True)
class OutletContent:
    sections: dict[str, str]    # slug -> label, in menu order
    stories: tuple[Story, ...]  # in file order

    def story(self, slug: str) -> Story:
        for story in self.stories:
            if story.slug == slug:
                return story
        raise KeyError(f"no story {slug!r}")


@cache
def outlet_content(outlet_key: str) -> OutletContent:
    data = yaml.safe_load((OUTLETS_DIR / f"{outlet_key}.yaml").read_text(encoding="utf-8"))
    stories = tuple(
        _story(outlet_key, data["first_number"] + index, entry)
        for index, entry in enumerate(data["stories"])
    )
    return OutletContent(sections=dict(data["sections"]), stories=stories)


def _story(outlet_key: str, number: int, entry: dict) -> Story:
    role = entry.get("role", "article")
    if role not in ARTICLE_ROLES | NON_ARTICLE_ROLES:
        raise ValueError(f"{outlet_key}.yaml, story {entry.get('slug')!r}: unknown role {role!r}")
    fields = {
        "outlet": outlet_key,
        "number": number,
        "slug": entry["slug"],
        "title": entry["title"],
        "section": entry["section"],
        "byline": entry["byline"],
        "role": role,
        "summary": entry.get("summary", ""),
        "dateline": entry.get("dateline", ""),
        "tags": tuple(entry.get("tags", ())),
        "comments": tuple(Comment(**comment) for comment in entry.get("comments", ())),
        "modified_hours_ago": entry.get("modified_hours_ago"),
        "update": Update(**entry["update"]) if "update" in entry else None,
    }
    if "copy_of" in entry:
        fields.update(_syndicated_copy(entry["copy_of"]))
    else:
        fields["hours_ago"] = entry["hours_ago"]
        fields["paragraphs"] = split_paragraphs(entry.get("body", ""))
    if fields["role"] == "seed":
        fields["paragraphs"] = seed_paragraphs(fields["title"], fallback=fields["paragraphs"])
    return Story(**fields)


def _syndicated_copy(spec: dict) -> dict:
    original = outlet_content(spec["outlet"]).story(spec["slug"])
    paragraphs = list(original.paragraphs)
    if spec.get("drop_last"):
        paragraphs = paragraphs[: -spec["drop_last"]]
    for old, new in spec.get("replace", {}).items():
        paragraphs = [paragraph.replace(old, new) for paragraph in paragraphs]
    if spec.get("lead"):
        paragraphs[0] = spec["lead"] + paragraphs[0]
    return {
        "hours_ago": original.hours_ago - spec["hours_after"],
        "paragraphs": tuple(paragraphs),
        "credit": spec.get("credit", ""),
    }


def split_paragraphs(body: str) -> tuple[str, ...]:
    return tuple(block.strip() for block in re.split(r"\n\s*\n", body) if block.strip())


def first_sentence(text: str) -> str:
    # A full stop after a capital letter is taken for an abbreviation ("U.N.", "U.S."), not an end.
    match = re.match(r"(.+?[^A-Z.][.!?][\"”’]?)(\s|$)", text)
    return match.group(1) if match else text


def seed_paragraphs(title: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
    """The seed story's paragraphs: from the shared raw example if present, else our fallback.

    The raw file is the extraction of the real page: the headline, the headline with the section
    label glued on (repeated), the paragraphs, and the glued headline once more at the end. We
    keep the lines between the leading headline lines and the final one, as they are (the double
    space after "BEIJING:" is part of the defect being reproduced).
    """
    try:
        raw = SEED_RAW_TEXT.read_text(encoding="utf-8")
    except OSError:
        return fallback
    headline_lines = {title, f"{title} {SEED_SECTION_LABEL}"}
    lines = [line.rstrip() for line in raw.splitlines()]
    content = [index for index, line in enumerate(lines) if line.strip() and line.strip() not in headline_lines]
    if not content:
        return fallback
    trailing = [index for index, line in enumerate(lines) if line.strip() in headline_lines and index > content[0]]
    end = trailing[0] if trailing else len(lines)
    paragraphs = tuple(line for line in lines[content[0]:end] if line.strip())
    return paragraphs or fallback


def slugify(label: str) -> str:
    """A tag label as a URL segment ("Border talks" -> "border-talks", "Énergie" -> "energie")."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")

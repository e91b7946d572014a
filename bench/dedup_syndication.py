"""A syndication set built from real article texts: originals, the copies outlets make of them,
hard negatives and briefs, each labelled with the story it truly belongs to.

Copies are made the way outlets republish wire and partner stories: another headline, their own
boilerplate lines, a dateline added or removed, the last paragraphs cut, an "Also read" line, a
few words changed, an agency credit. Hard negatives are different stories that look alike: pairs
of originals on the same topic (by shared vocabulary) into which a passage of one is spliced into
the other, often at the same outlet with identical boilerplate; and briefs built of stock phrases.

Everything is drawn from one seeded `random.Random`: the same seed gives the same set.
Written by hand: no library makes syndicated copies of news text.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

from core.records import count_words

MIN_ORIGINAL_WORDS = 150
# A copy keeps at least this many words: outlets trim long pieces to fit, but republish short
# wire items whole.
MIN_CUT_WORDS = 150
MIN_CUT_SHARE = 0.5
# A same-topic story shares at most this share of its words with the other (a quoted statement,
# a background paragraph).
SPLICE_SHARE = 0.25

T0 = datetime(2019, 11, 12, 6, 0, tzinfo=UTC)

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")
_DATELINE = re.compile(
    r"^\s*(?P<city>[A-Z][A-Z.'’ -]{2,40}?(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?)?\s*"
    r"(?P<agency>\((?:[A-Za-z .]{2,24})\))?\s*[-—–:]{1,2}\s+"
)
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(["a", "about", "after", "again", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "more", "most", "my", "new", "no", "not", "now", "of", "on", "one", "only", "or", "other", "our", "out", "over", "said", "says", "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "two", "up", "us", "was", "we", "were", "what", "when", "which", "while", "who", "will", "with", "would", "year", "years", "you", "your"])

OUTLET_FIRST = ["Daily", "Evening", "Global", "National", "Frontier", "Capital", "Morning",
                "Metro", "Eastern", "Coastal", "Northern", "Pacific"]
OUTLET_SECOND = ["Herald", "Times", "Tribune", "Post", "Observer", "Chronicle", "Ledger", "Gazette",
                 "Dispatch", "Monitor", "Courier", "Star"]
BOILERPLATE = [
    "Follow us on Twitter @{handle} and like us on Facebook for the latest news.",
    "Subscribe to our newsletter to get the day's top stories in your inbox every morning.",
    "© 2019 {name}. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed without permission.",
    "Download the {name} app for breaking news alerts.",
    "Click here to join our WhatsApp channel for updates from {name}.",
    "For more news from around the world, visit {host}.",
    "Have a news tip? Email our newsroom at tips@{host}.",
]
DATELINES = ["ISLAMABAD, Nov 12 (APP) - ", "WASHINGTON (Reuters) - ", "NEW DELHI: ",
             "LONDON, Nov 19 (AFP) — ", "BEIJING (Xinhua) -- ", "NAIROBI, Nov 14 (Reuters) - ",
             "KARACHI: ", "GENEVA (AP) — "]
CREDITS = ["— Reuters", "With input from APP", "(AFP)", "— AP", "Additional reporting by agencies",
           "With inputs from PTI", "This story has not been edited by our staff and is published "
           "from a syndicated feed."]
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "also": "further", "big": "large",
    "about": "around", "but": "however", "after": "following", "before": "prior to",
    "show": "indicate", "shows": "indicates", "help": "assist", "start": "begin",
    "started": "began", "get": "obtain", "need": "require", "people": "persons",
    "announced": "declared", "asked": "requested", "bought": "purchased", "many": "numerous",
    "company": "firm", "country": "nation", "government": "administration", "official": "officer",
}

# Briefs: short items built of the stock phrases every news desk uses.
BRIEF_PLACES = ["ISLAMABAD", "GENEVA", "NAIROBI", "JAKARTA", "LIMA", "OSLO", "DOHA", "HANOI",
                "ACCRA", "TBILISI", "ANKARA", "RABAT", "DHAKA", "WARSAW", "MANILA", "KABUL"]
BRIEF_ACTORS = ["The Foreign Office spokesperson", "The foreign minister", "A senior official",
                "The ambassador", "The deputy minister", "The interior ministry",
                "The president's office", "A government spokesman"]
BRIEF_TOPICS = ["a ceasefire along the border", "tariffs on steel imports",
                "the release of detained journalists", "a new pipeline agreement",
                "visa rules for students", "joint naval exercises", "debt relief",
                "a water-sharing treaty", "sanctions on shipping firms", "refugee returns",
                "a grain export corridor", "climate finance pledges", "fisheries quotas",
                "election observers", "port access rights", "a prisoner exchange"]
BRIEF_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
BRIEF_STOCK = [
    "A spokesperson declined to give further details.",
    "Officials from both sides are expected to meet again next week.",
    "The ministry said a detailed statement would be issued later in the day.",
    "This is a developing story and will be updated.",
    "No further details were immediately available.",
    "The talks were held in a cordial atmosphere, the statement said.",
    "Both sides agreed to remain in contact, according to the statement.",
]


@dataclass
class Outlet:
    key: str
    name: str
    host: str
    header: list[str]
    footer: list[str]


@dataclass
class Item:
    """One text to store, and the story it truly belongs to (`group`)."""

    key: str
    kind: str            # original | copy | brief
    group: str
    outlet: str
    title: str
    text: str
    url: str
    published_at: datetime
    notes: list[str] = field(default_factory=list)  # transformations, splices, boilerplate

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class Original:
    id: str
    url: str
    body: str


class GroundTruthMissing(Exception):
    pass


def load_originals(path: Path, min_words: int = MIN_ORIGINAL_WORDS) -> list[Original]:
    """The benchmark's article bodies of at least ``min_words`` words, in id order."""
    if not path.is_file():
        raise GroundTruthMissing(str(path))
    truth = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for page_id in sorted(truth):
        body = (truth[page_id].get("articleBody") or "").strip()
        if count_words(body) >= min_words:
            found.append(Original(page_id, truth[page_id].get("url", ""), body))
    return found


# --- text helpers --------------------------------------------------------------------------------

def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def headline_from(url: str, body: str) -> str:
    """A headline from the URL slug when it has words, else the opening words of the body."""
    path = urlparse(url).path.rstrip("/")
    for segment in reversed(path.split("/")):
        segment = re.sub(r"\.\w+$", "", segment)
        words = [w for w in re.split(r"[-_]+", segment) if w.isalpha()]
        if len(words) >= 3:
            return " ".join(words).capitalize()
    # Ten words, or 40 characters of a text written without spaces (Japanese, Chinese).
    opening = " ".join(body.split()[:10])
    return (opening if len(opening) <= 90 else body[:40]).rstrip(",.;:")


def content_words(text: str) -> set[str]:
    return {w for w in (m.lower() for m in _WORD.findall(text)) if len(w) > 3 and w not in _STOPWORDS}


def _make_outlets(rng: random.Random, count: int) -> list[Outlet]:
    names = [f"{a} {b}" for a in OUTLET_FIRST for b in OUTLET_SECOND]
    rng.shuffle(names)
    outlets = []
    for name in names[:count]:
        key = name.lower().replace(" ", "-")
        host = f"{key.replace('-', '')}.example"
        fill = {"name": f"The {name}", "host": host, "handle": key.replace("-", "")}
        lines = [line.format(**fill) for line in rng.sample(BOILERPLATE, rng.randint(0, 3))]
        # Some outlets put a line above the article, most below it; about one in four has none.
        split = rng.randint(0, 1) if lines else 0
        outlets.append(Outlet(key, f"The {name}", host, lines[:split], lines[split:]))
    return outlets


def _dress(outlet: Outlet, body_lines: list[str]) -> str:
    return "\n".join([*outlet.header, *body_lines, *outlet.footer])


# --- copies ----------------------------------------------------------------------------------------

def _edit_words(rng: random.Random, lines: list[str], count: int) -> list[str]:
    """Change ``count`` words: a synonym, a typo or another number, anywhere in the text."""
    lines = [line.split(" ") for line in lines]
    made = 0
    for _ in range(count * 6):
        if made == count:
            break
        row = rng.randrange(len(lines))
        col = rng.randrange(len(lines[row]))
        word = lines[row][col]
        core = word.strip(".,;:!?\"'“”‘’()")
        kind = rng.choice(("synonym", "typo", "number"))
        if kind == "number" and any(c.isdigit() for c in core):
            new = "".join(str((int(c) + rng.randint(1, 8)) % 10) if c.isdigit() else c for c in core)
        elif kind == "synonym" and core.lower() in SYNONYMS:
            new = SYNONYMS[core.lower()]
        elif kind == "typo" and len(core) >= 5 and core.isalpha():
            i = rng.randrange(1, len(core) - 2)
            new = core[:i] + core[i + 1] + core[i] + core[i + 2:]
        else:
            continue
        lines[row][col] = word.replace(core, new, 1)
        made += 1
    return [" ".join(line) for line in lines]


def _cut(rng: random.Random, lines: list[str]) -> tuple[list[str], int]:
    wanted = rng.randint(1, 3)
    total = sum(count_words(line) for line in lines)
    floor = max(MIN_CUT_WORDS, MIN_CUT_SHARE * total)
    cut = 0
    while cut < wanted and len(lines) > 2:
        remaining = total - count_words(lines[-1])
        if remaining < floor:
            break
        lines, total, cut = lines[:-1], remaining, cut + 1
    return lines, cut


def make_copy(rng: random.Random, source: Original, body: str, outlet: Outlet, other_headline: str,
              number: int) -> Item:
    """Republish ``body`` at ``outlet`` with several of the usual changes; notes say which."""
    lines = paragraphs(body)
    notes = []
    steps = {step for step, chance in (("cut", 0.6), ("edits", 0.8), ("dateline", 0.5),
                                       ("also_read", 0.5), ("credit", 0.6), ("headline_line", 0.3))
             if rng.random() < chance}
    while len(steps) < 3:
        steps.add(rng.choice(["cut", "edits", "dateline", "also_read", "credit"]))
    if "cut" in steps:
        lines, cut = _cut(rng, lines)
        if cut:
            notes.append(f"cut{cut}")
    if "edits" in steps:
        count = rng.randint(2, 6)
        lines = _edit_words(rng, lines, count)
        notes.append(f"edits{count}")
    if "dateline" in steps:
        found = _DATELINE.match(lines[0])
        if found and (found.group("city") or found.group("agency")):
            rest = lines[0][found.end():]
            lines[0] = rest[:1].upper() + rest[1:]
            notes.append("dateline-")
        else:
            lines[0] = rng.choice(DATELINES) + lines[0]
            notes.append("dateline+")
    if "also_read" in steps:
        lines.insert(rng.randint(1, max(1, len(lines) - 1)), f"Also read: {other_headline}")
        notes.append("also_read")
    title = _copy_headline(rng, headline_from(source.url, source.body))
    if "headline_line" in steps:
        lines.insert(0, title)
        notes.append("headline_line")
    if "credit" in steps:
        lines.append(rng.choice(CREDITS))
        notes.append("credit")
    if outlet.header or outlet.footer:
        notes.append("boilerplate")
    return Item(
        key=f"c:{source.id[:10]}:{number}", kind="copy", group=source.id, outlet=outlet.key,
        title=title, text=_dress(outlet, lines),
        url=f"https://{outlet.host}/world/{source.id[:10]}-{number}", published_at=T0, notes=notes,
    )


def _copy_headline(rng: random.Random, headline: str) -> str:
    words = headline.split()
    style = rng.randint(0, 3)
    if style == 0:
        return f"{rng.choice(['Report', 'Update', 'Explainer', 'World'])}: {headline}"
    if style == 1 and len(words) > 5:
        return " ".join(words[: len(words) - 2]).rstrip(",") + ", officials say"
    if style == 2:
        return headline.upper()[:1] + headline[1:] + " - " + rng.choice(["sources", "report", "agencies"])
    return f"{rng.choice(['Watch', 'Live', 'Analysis', 'Opinion'])} | {' '.join(words[:8])}"


# --- hard negatives ------------------------------------------------------------------------------

def topic_pairs(originals: list[Original], count: int) -> list[tuple[int, int, float]]:
    """Up to ``count`` disjoint pairs of originals that share the most vocabulary (same topic)."""
    words = [content_words(o.body) for o in originals]
    scored = []
    for i in range(len(originals)):
        for j in range(i + 1, len(originals)):
            union = len(words[i] | words[j])
            if union:
                scored.append((len(words[i] & words[j]) / union, i, j))
    scored.sort(reverse=True)
    used: set[int] = set()
    pairs = []
    for similarity, i, j in scored:
        if i in used or j in used:
            continue
        pairs.append((i, j, similarity))
        used |= {i, j}
        if len(pairs) == count:
            break
    return pairs


def splice_passage(rng: random.Random, donor: str, into: str, max_share: float) -> tuple[str, int]:
    """Put two or three consecutive sentences of ``donor`` into ``into`` as a paragraph of its
    own: the background passage or quoted statement that two reports of one topic share.

    The passage is at most ``max_share`` of the receiving story (fewer sentences when they are
    long): a story that is half another one's text is a rewrite, not a different story."""
    donor_sentences = sentences(" ".join(paragraphs(donor)[1:]) or donor)
    limit = max_share * count_words(into)
    size = min(len(donor_sentences), rng.randint(2, 3))
    start = rng.randrange(0, len(donor_sentences) - size + 1)
    passage = " ".join(donor_sentences[start:start + size])
    while size > 1 and count_words(passage) > limit:
        size -= 1
        passage = " ".join(donor_sentences[start:start + size])
    if count_words(passage) > limit:
        words = passage.split()
        passage = " ".join(words[: max(1, int(limit))])
    lines = paragraphs(into)
    lines.insert(rng.randint(1, len(lines) - 1), passage)
    return "\n".join(lines), count_words(passage)


def make_brief(rng: random.Random, number: int, outlet: Outlet) -> Item:
    target = rng.randint(40, 80)
    place, day = rng.choice(BRIEF_PLACES), rng.choice(BRIEF_DAYS)
    parts = [f"{place}: {rng.choice(BRIEF_ACTORS)} said on {day} that talks on "
             f"{rng.choice(BRIEF_TOPICS)} would continue {rng.choice(['next week', 'this month', 'in ' + rng.choice(BRIEF_PLACES).title()])}."]
    stock = rng.sample(BRIEF_STOCK, len(BRIEF_STOCK))
    while count_words(" ".join(parts)) < target and stock:
        if rng.random() < 0.4:
            parts.append(f"{rng.choice(BRIEF_ACTORS)} said {rng.choice(BRIEF_TOPICS)} and "
                         f"{rng.choice(BRIEF_TOPICS)} were also on the agenda.")
        else:
            parts.append(stock.pop())
    words = " ".join(parts).split()[:80]
    text = " ".join(words)
    return Item(key=f"b:{number}", kind="brief", group=f"brief-{number}", outlet=outlet.key,
                title=f"Talks to continue, {place.title()}", text=text,
                url=f"https://{outlet.host}/briefs/{number}", published_at=T0, notes=["brief"])


# --- the whole set ---------------------------------------------------------------------------------

@dataclass
class SyndicationSet:
    items: list[Item]
    outlets: list[Outlet]
    pairs: list[dict]  # the topic pairs made into hard negatives


def build(originals: list[Original], seed: int, *, briefs: int | None = None,
          outlets: int = 36, topic_pair_share: float = 0.4,
          splice_share: float = SPLICE_SHARE) -> SyndicationSet:
    """Originals, 1-3 copies each at other outlets, spliced same-topic pairs and briefs, shuffled
    into the order a crawl might deliver them."""
    rng = random.Random(seed)
    outlet_list = _make_outlets(rng, outlets)
    home = [rng.randrange(len(outlet_list)) for _ in originals]
    bodies = [o.body for o in originals]
    notes: list[list[str]] = [[] for _ in originals]

    pairs = []
    for i, j, similarity in topic_pairs(originals, int(len(originals) * topic_pair_share / 2)):
        a, b = (i, j) if rng.random() < 0.5 else (j, i)
        bodies[b], spliced = splice_passage(rng, bodies[a], bodies[b], splice_share)
        same_outlet = rng.random() < 0.5
        if same_outlet:
            home[b] = home[a]
        notes[b].append(f"spliced {spliced}w from {originals[a].id[:10]}")
        pairs.append({"from": originals[a].id, "into": originals[b].id, "words": spliced,
                      "vocabulary_jaccard": round(similarity, 3), "same_outlet": same_outlet})

    headlines = [headline_from(o.url, o.body) for o in originals]
    items: list[Item] = []
    for index, original in enumerate(originals):
        outlet = outlet_list[home[index]]
        published = T0 + timedelta(minutes=rng.randint(0, 3 * 24 * 60))
        items.append(Item(
            key=f"o:{original.id[:10]}", kind="original", group=original.id, outlet=outlet.key,
            title=headlines[index], text=_dress(outlet, paragraphs(bodies[index])),
            url=f"https://{outlet.host}/news/{original.id[:10]}", published_at=published,
            notes=notes[index] + (["boilerplate"] if outlet.header or outlet.footer else []),
        ))
        others = [k for k in range(len(outlet_list)) if k != home[index]]
        for number, copy_outlet in enumerate(rng.sample(others, rng.randint(1, 3)), start=1):
            other = rng.choice([h for k, h in enumerate(headlines) if k != index])
            copy = make_copy(rng, original, bodies[index], outlet_list[copy_outlet], other, number)
            copy.published_at = published + timedelta(minutes=rng.randint(10, 12 * 60))
            items.append(copy)
    seen_briefs: set[str] = set()
    for number in range(len(originals) // 2 if briefs is None else briefs):
        brief = make_brief(rng, number, rng.choice(outlet_list))
        while brief.text in seen_briefs:  # two identical briefs would be one story, rightly
            brief = make_brief(rng, number, rng.choice(outlet_list))
        seen_briefs.add(brief.text)
        brief.published_at = T0 + timedelta(minutes=rng.randint(0, 3 * 24 * 60))
        items.append(brief)
    rng.shuffle(items)
    return SyndicationSet(items, outlet_list, pairs)

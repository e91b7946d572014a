"""Store a syndication set through the real ArticleWriter and score the stories it made.

Each item is written in its own transaction into a fresh SQLite database, in the set's shuffled
order; then `articles.story_id` is read back. Pair precision and recall are counted over "same
story" pairs: a true pair is two items of one group (an original and its copies), a predicted
pair two items whose articles share a story (an alias or revision is its article's own story).
Every false pair is listed with its score and why it went wrong.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from itertools import combinations
from math import comb
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.dedup_syndication import Item, SyndicationSet
from bench.dedup_variants import VARIANTS
from core.records import ArticleData, Signature, SignatureParams
from pipelines.dedup.signatures import band_keys, containment, jaccard, signature
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import migrate
from storage.db import make_engine
from storage.models import Article, Source

PAIRS_KEPT = 500  # false pairs listed per run (all are counted)


def settings_with(base: DedupSettings, *, threshold=None, shingle_words=None, bands=None,
                  num_perm=None, min_words=None) -> DedupSettings:
    params = base.params
    params = SignatureParams(
        num_perm=num_perm or params.num_perm,
        shingle_words=shingle_words or params.shingle_words,
        bands=bands or params.bands,
    )
    if params.num_perm % params.bands:
        raise ValueError(f"bands ({params.bands}) must divide num_perm ({params.num_perm})")
    return DedupSettings(
        threshold=base.threshold if threshold is None else threshold,
        revision_threshold=base.revision_threshold,
        min_words=base.min_words if min_words is None else min_words,
        params=params,
    )


def label(settings: DedupSettings) -> str:
    p = settings.params
    return (f"shingle {p.shingle_words}, {p.bands} bands x {p.rows} rows of {p.num_perm}, "
            f"threshold {settings.threshold:g}, min words {settings.min_words}")


class SignatureCache:
    """Signatures depend on the text, num_perm and shingle size only: computed once per grid."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int, str], Signature] = {}

    def get(self, item: Item, params: SignatureParams) -> Signature:
        key = (params.num_perm, params.shingle_words, item.text)  # item keys repeat across seeds
        if key not in self._cache:
            self._cache[key] = signature(item.text, params)
        return self._cache[key]


class DatabaseFactory:
    """Fresh migrated SQLite files, copied from one template migrated once."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="newsdesk-bench-dedup-"))
        self.template = self.folder / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        migrate.upgrade(engine)
        engine.dispose()
        self.count = 0

    def fresh(self) -> Path:
        self.count += 1
        path = self.folder / f"run-{self.count}.db"
        shutil.copyfile(self.template, path)
        return path

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Decision:
    item: str
    outcome: str
    article_id: int
    matched_item: str | None = None
    match_pass: str | None = None
    score: float | None = None
    candidates: int = 0


@dataclass
class RunResult:
    seed: int
    settings: dict
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    merged_stories: int       # stories holding items of more than one true group
    split_groups: int         # true groups spread over more than one story
    items: dict
    outcomes: dict
    seconds: float
    false_positives: list[dict] = field(default_factory=list)
    false_negatives: list[dict] = field(default_factory=list)
    separation: dict = field(default_factory=dict)

    @property
    def fp_pairs(self) -> int:
        return self.predicted_pairs - self.correct_pairs

    @property
    def fn_pairs(self) -> int:
        return self.true_pairs - self.correct_pairs

    def to_json(self) -> dict:
        return asdict(self) | {"fp_pairs": self.fp_pairs, "fn_pairs": self.fn_pairs}


class _CandidateCount:
    def __init__(self) -> None:
        self.last = 0

    def inc_value(self, key, count=1, start=0):
        if key == "newsdesk/dedup/candidates":
            self.last = count


def store_all(engine, dataset: SyndicationSet, settings: DedupSettings,
              signatures: dict[str, Signature], variant: str | None = None) -> dict[str, Decision]:
    with Session(engine) as session, session.begin():
        rows = [Source(key=o.key, name=o.name, homepage=f"https://{o.host}/", discovery="feeds")
                for o in dataset.outlets]
        session.add_all(rows)
        session.flush()
        source_ids = {row.key: row.id for row in rows}
    stats = _CandidateCount()
    writer = ArticleWriter(settings, stats)
    if variant:
        VARIANTS[variant](writer)
    matches: dict[str, object] = {}
    for pass_ in (writer.exact, writer.near):  # bench instrumentation: which stored article matched
        def recording(*args, _find=pass_.find, **kwargs):
            matches["last"] = _find(*args, **kwargs)
            return matches["last"]
        pass_.find = recording

    article_item: dict[int, str] = {}
    decisions = {}
    for item in dataset.items:
        matches["last"], stats.last = None, 0
        data = ArticleData(canonical_url=item.url, fetched_url=item.url, title=item.title,
                           text=item.text, published_at=item.published_at)
        with Session(engine) as session, session.begin():
            write = writer.write(session, data, source_id=source_ids[item.outlet], run_id=None,
                                 sig=signatures[item.key])
        match = matches["last"]
        decision = Decision(item.key, write.outcome, write.article_id, candidates=stats.last)
        if match is not None:
            decision.matched_item = article_item.get(match.article_id)
            decision.match_pass, decision.score = match.pass_name, match.score
        article_item.setdefault(write.article_id, item.key)
        decisions[item.key] = decision
    return decisions


def run(dataset: SyndicationSet, settings: DedupSettings, *, seed: int, databases: DatabaseFactory,
        signature_cache: SignatureCache, variant: str | None = None) -> RunResult:
    started = time.perf_counter()
    params = settings.params
    signatures = {item.key: signature_cache.get(item, params) for item in dataset.items}
    path = databases.fresh()
    engine = make_engine(f"sqlite:///{path}")
    try:
        decisions = store_all(engine, dataset, settings, signatures, variant)
        with Session(engine) as session:
            story_of_article = dict(session.execute(select(Article.id, Article.story_id)).all())
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    items = {item.key: item for item in dataset.items}
    story = {key: story_of_article[d.article_id] for key, d in decisions.items()}
    result = score(dataset.items, story)
    keys = {key: set(band_keys(sig, params)) for key, sig in signatures.items()}

    def pair_facts(a: str, b: str) -> dict:
        sa, sb = signatures[a], signatures[b]
        return {
            "a": a, "b": b,
            "a_notes": items[a].notes, "b_notes": items[b].notes,
            "a_outlet": items[a].outlet, "b_outlet": items[b].outlet,
            "a_words": items[a].words, "b_words": items[b].words,
            "score": round(containment(sa, sb, jaccard(sa, sb)), 3),
            "jaccard": round(jaccard(sa, sb), 3),
            "shared_bands": len(keys[a] & keys[b]),
            "a_match": _match_text(decisions[a]), "b_match": _match_text(decisions[b]),
        }

    fps = []
    for a, b in result.pop("fp_list"):
        facts = pair_facts(a, b)
        direct = facts["shared_bands"] and facts["score"] >= _needed(settings, items[a], items[b])
        facts["why"] = "scored above threshold" if direct else "joined through another member"
        fps.append(facts)
    fns = []
    for a, b in result.pop("fn_list"):
        facts = pair_facts(a, b)
        if min(facts["a_words"], facts["b_words"]) < settings.min_words:
            facts["why"] = "brief: never near-matched"
        elif not facts["shared_bands"]:
            facts["why"] = "not a candidate: no LSH band shared"
        elif facts["score"] < _needed(settings, items[a], items[b]):
            facts["why"] = "candidate scored below threshold"
        else:
            facts["why"] = "would match, but each joined another story (arrival order)"
        fns.append(facts)
    separation = separation_of(dataset, signatures, settings)
    fps.sort(key=lambda f: -f["score"])
    fns.sort(key=lambda f: f["score"])
    return RunResult(
        seed=seed,
        settings={"threshold": settings.threshold, "shingle_words": params.shingle_words,
                  "bands": params.bands, "rows": params.rows, "num_perm": params.num_perm,
                  "min_words": settings.min_words, "revision_threshold": settings.revision_threshold,
                  "variant": variant},
        items=dict(Counter(item.kind for item in dataset.items)),
        outcomes=dict(Counter(d.outcome for d in decisions.values())),
        seconds=round(time.perf_counter() - started, 2),
        false_positives=fps, false_negatives=fns, separation=separation,
        **result,
    )


def _needed(settings: DedupSettings, a: Item, b: Item) -> float:
    return settings.revision_threshold if a.outlet == b.outlet else settings.threshold


def _match_text(decision: Decision) -> str:
    if decision.matched_item is None:
        return decision.outcome
    return f"{decision.outcome} via {decision.match_pass} {decision.matched_item} ({decision.score})"


def score(items: list[Item], story: dict[str, int]) -> dict:
    """Pair counts by combinatorics; the false pairs themselves listed up to PAIRS_KEPT."""
    cells: Counter[tuple[str, int]] = Counter((item.group, story[item.key]) for item in items)
    by_group: Counter[str] = Counter(item.group for item in items)
    by_story: Counter[int] = Counter(story[item.key] for item in items)
    correct = sum(comb(n, 2) for n in cells.values())
    true_pairs = sum(comb(n, 2) for n in by_group.values())
    predicted = sum(comb(n, 2) for n in by_story.values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    members_of_story: dict[int, list[Item]] = defaultdict(list)
    members_of_group: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        members_of_story[story[item.key]].append(item)
        members_of_group[item.group].append(item)
    fp_list = [(a.key, b.key) for members in members_of_story.values() if len(members) > 1
               for a, b in combinations(members, 2) if a.group != b.group][:PAIRS_KEPT]
    fn_list = [(a.key, b.key) for members in members_of_group.values() if len(members) > 1
               for a, b in combinations(members, 2) if story[a.key] != story[b.key]][:PAIRS_KEPT]
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "true_pairs": true_pairs, "predicted_pairs": predicted, "correct_pairs": correct,
        "merged_stories": sum(1 for m in members_of_story.values() if len({i.group for i in m}) > 1),
        "split_groups": sum(1 for m in members_of_group.values() if len({story[i.key] for i in m}) > 1),
        "fp_list": fp_list, "fn_list": fn_list,
    }


def separation_of(dataset: SyndicationSet, signatures: dict[str, Signature], settings: DedupSettings) -> dict:
    """How far apart the two sides are, LSH aside: the weakest score between items of one story,
    the strongest between different stories (long texts), and between briefs.

    Scores every pair of items at once (numpy), with the production formula
    (containment from the estimated Jaccard similarity)."""
    items = dataset.items
    hashes = np.stack([signatures[i.key].hashvalues for i in items])
    counts = np.array([signatures[i.key].shingle_count for i in items], dtype=float)
    equal = np.zeros((len(items), len(items)))
    for row in range(len(items)):  # row by row: the full cube would take len^2 x num_perm bytes
        equal[row] = (hashes == hashes[row]).mean(axis=1)
    overlap = equal * (counts[:, None] + counts[None, :]) / (1 + equal)
    smaller = np.maximum(np.minimum(counts[:, None], counts[None, :]), 1)
    scores = np.minimum(1.0, overlap / smaller)
    groups = np.array([i.group for i in items])
    outlets = np.array([i.outlet for i in items])
    long = np.array([i.words >= settings.min_words for i in items])
    briefs = np.array([i.kind == "brief" for i in items])
    upper = np.triu(np.ones_like(scores, dtype=bool), k=1)
    same = groups[:, None] == groups[None, :]
    both_long = long[:, None] & long[None, :]
    cross_source = outlets[:, None] != outlets[None, :]

    def extreme(mask, pick):
        if not mask.any():
            return None
        values = np.where(mask, scores, np.nan)
        index = np.unravel_index(pick(values), values.shape)
        a, b = items[index[0]], items[index[1]]
        return {"score": round(float(scores[index]), 3), "a": a.key, "b": b.key,
                "same_outlet": a.outlet == b.outlet}

    different = upper & ~same & both_long
    return {
        "weakest_true_pair": extreme(upper & same & both_long, np.nanargmin),
        "strongest_other_story": extreme(different, np.nanargmax),
        "strongest_other_story_cross_source": extreme(different & cross_source, np.nanargmax),
        "strongest_brief_pair": extreme(upper & briefs[:, None] & briefs[None, :], np.nanargmax),
        "true_pairs_below_threshold": int((upper & same & both_long & (scores < settings.threshold)).sum()),
        "other_story_pairs_above_threshold": int((different & cross_source & (scores >= settings.threshold)).sum()),
    }

"""How the per-article write time grows with the number of stored articles.

A synthetic corpus (deterministic per index, so nothing is held in memory: article i is made again
whenever it is needed) fills one database to each size in turn; at each size a batch of new
articles, syndicated copies, briefs and re-fetches goes through the real `ArticleWriter.write`,
each in its own transaction, and is timed write + commit. The fill itself uses bulk inserts that
produce the rows ArticleWriter would (checked row by row on a small database before the run).

The corpus: a 40,000-word vocabulary with Zipf frequencies, 300-800 words an article, 300 topics
each with its own vocabulary and stock sentences, 60 sources each with its boilerplate lines, and
one article in a hundred from a templated series (a fixed block of text and a new part): related
texts share some shingles, unrelated ones almost none, as in a real archive.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import bindparam, event, func, insert, select, text, update
from sqlalchemy.orm import Session

from core.records import ArticleData, content_hash, count_words
from pipelines.dedup.signatures import band_keys, signature
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.models import Article, ArticleUrl, DedupBand, DedupSignature, Source, Story

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FUNCTION_WORDS = ["the", "of", "and", "to", "a", "in", "that", "said", "for", "on", "is", "was", "with", "as", "by", "at", "from", "it", "has", "have", "be", "are", "its", "his", "an", "not", "which", "this", "who", "were", "their", "had", "but", "after", "will", "would", "been", "also", "more", "they", "than", "over", "two", "when", "about", "into", "last", "other", "minister", "government", "president", "new", "people", "year", "officials", "country", "told"]
_SYLLABLES = [c + v for c in ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                              "z", "br", "st", "tr", "sh", "ch", "kr")
              for v in ("a", "e", "i", "o", "u", "ai", "ou", "ar", "en", "is")]


class SyntheticCorpus:
    """Article ``i`` is a pure function of (seed, i): cheap to make again, never stored."""

    def __init__(self, seed: int = 7, *, vocabulary: int = 40_000, topics: int = 300,
                 sources: int = 60, series: int = 5):
        self.seed = seed
        rng = np.random.default_rng(seed)
        words: list[str] = list(FUNCTION_WORDS)
        seen = set(words)
        while len(words) < vocabulary:
            word = "".join(rng.choice(_SYLLABLES, size=rng.integers(1, 5)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.vocabulary = np.array(words, dtype=object)
        ranks = np.arange(1, vocabulary + 1)
        weights = 1.0 / (ranks + 2.7)  # Zipf-Mandelbrot: word frequencies of running text
        self.cdf = np.cumsum(weights / weights.sum())
        self.topic_words = [rng.integers(300, vocabulary, size=150) for _ in range(topics)]
        self.topic_stock = [[self._sentence(rng, topic) for _ in range(30)] for topic in range(topics)]
        self.boilerplate = [
            [self._sentence(rng, None, low=8, high=25) for _ in range(rng.integers(1, 4))]
            for _ in range(sources)
        ]
        self.series_source = [int(rng.integers(sources)) for _ in range(series)]
        self.series_template = [" ".join(self._sentence(rng, None) for _ in range(9)) for _ in range(series)]
        self.sources = sources

    def _words(self, rng, count: int, topic: int | None) -> list[str]:
        picks = np.searchsorted(self.cdf, rng.random(count))
        if topic is not None:
            topical = rng.random(count) < 0.2
            picks[topical] = rng.choice(self.topic_words[topic], size=int(topical.sum()))
        return list(self.vocabulary[np.minimum(picks, len(self.vocabulary) - 1)])

    def _sentence(self, rng, topic: int | None, low: int = 8, high: int = 28) -> str:
        words = self._words(rng, int(rng.integers(low, high)), topic)
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def article(self, index: int) -> tuple[int, str, str, str]:
        """(source number, url, title, text) of article ``index``."""
        rng = np.random.default_rng((self.seed, index))
        topic = int(rng.integers(len(self.topic_words)))
        source = int(rng.integers(self.sources))
        target = int(rng.integers(300, 801))
        lines = list(self.boilerplate[source][:1])
        if index % 100 == 99:  # a templated series: a fixed block, then a new part
            number = (index // 100) % len(self.series_template)
            source = self.series_source[number]
            lines = [self.series_template[number]]
            target = int(rng.integers(250, 400))
        # All the words at once: numpy per sentence would cost more than the rest of the fill.
        words = self._words(rng, target + 30, topic)
        lengths = rng.integers(8, 28, size=len(words) // 8 + 1)
        per_paragraph = rng.integers(2, 6, size=len(lengths))
        stock = list(rng.choice(self.topic_stock[topic], size=int(rng.integers(1, 4)), replace=False))
        stock_at = set(rng.choice(len(lengths), size=len(stock), replace=False).tolist())
        paragraph: list[str] = []
        position = sentence = 0
        while position < target:
            chunk = words[position:position + lengths[sentence]]
            position += len(chunk)
            paragraph.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
            if sentence in stock_at and stock:
                paragraph.append(stock.pop())
            if len(paragraph) >= per_paragraph[sentence] or position >= target:
                lines.append(" ".join(paragraph))
                paragraph = []
            sentence += 1
        lines.extend(self.boilerplate[source][1:])
        title = " ".join(words[-8:]).capitalize()
        return source, f"https://source{source}.example/t{topic}/{index}", title, "\n".join(lines)

    def syndicated_copy(self, index: int, rng: np.random.Generator) -> tuple[int, str, str, str]:
        """Another source's copy of article ``index``: last paragraph cut, words changed, credit."""
        source, _url, title, body = self.article(index)
        lines = body.split("\n")
        lines = lines[:-2] + lines[-1:] if len(lines) > 4 else lines
        words = lines[1].split(" ")
        for position in rng.integers(0, len(words), size=3):
            words[position] = str(self.vocabulary[int(rng.integers(500, 5000))])
        lines[1] = " ".join(words)
        lines.append("With input from agencies")
        other = int((source + 1 + rng.integers(self.sources - 1)) % self.sources)
        return other, f"https://source{other}.example/copy/{index}", f"{title} - agencies", "\n".join(lines)

    def brief(self, index: int) -> tuple[int, str, str, str]:
        rng = np.random.default_rng((self.seed, 10**9 + index))
        topic = int(rng.integers(len(self.topic_words)))
        source = int(rng.integers(self.sources))
        text = " ".join([*rng.choice(self.topic_stock[topic], size=2, replace=False),
                         self._sentence(rng, topic, 10, 20)])
        return source, f"https://source{source}.example/brief/{index}", "Brief", text


def source_keys(corpus: SyntheticCorpus) -> list[str]:
    return [f"source{number}" for number in range(corpus.sources)]


def ensure_sources(engine, corpus: SyntheticCorpus) -> list[int]:
    with Session(engine) as session, session.begin():
        known = dict(session.execute(select(Source.key, Source.id)).all())
        for key in source_keys(corpus):
            if key not in known:
                row = Source(key=key, name=key.title(), discovery="feeds")
                session.add(row)
                session.flush()
                known[key] = row.id
        return [known[key] for key in source_keys(corpus)]


# --- bulk fill ---------------------------------------------------------------------------------

def bulk_fill(engine, corpus: SyntheticCorpus, indices: range, settings: DedupSettings,
              source_ids: list[int], *, batch: int = 1000) -> None:
    """Store corpus articles as ArticleWriter would store new articles, a batch per transaction.

    The rows are those of `ArticleWriter.write` for an article that matches nothing: the article,
    its canonical URL, a one-member story, the signature and its band keys.
    """
    params = settings.params
    keys_of_source = source_keys(corpus)
    for start in range(indices.start, indices.stop, batch):
        chunk = range(start, min(start + batch, indices.stop))
        made = [corpus.article(i) for i in chunk]
        sigs = [signature(body, params) for _s, _u, _t, body in made]
        now = datetime.now(UTC)
        with engine.begin() as conn:
            next_article = conn.scalar(select(func.coalesce(func.max(Article.id), 0))) + 1
            next_story = conn.scalar(select(func.coalesce(func.max(Story.id), 0))) + 1
            stories, articles, urls, signatures, bands, canonical = [], [], [], [], [], []
            for k, (index, (source, url, title, body), sig) in enumerate(zip(chunk, made, sigs, strict=True)):
                article_id, story_id = next_article + k, next_story + k
                published = T0 + timedelta(minutes=index)
                stories.append({"id": story_id, "canonical_article_id": None, "title": title,
                                "first_published_at": published, "last_published_at": published,
                                "member_count": 1, "source_count": 1, "sources": [keys_of_source[source]],
                                "created_at": now, "updated_at": now})
                articles.append({
                    "id": article_id, "source_id": source_ids[source], "canonical_url": url,
                    "title": title, "authors": [], "published_at": published, "updated_at": None,
                    "language": None, "section": None, "dateline": None, "description": None,
                    "image_url": None, "text": body, "word_count": count_words(body),
                    "content_hash": content_hash(body), "first_seen_at": now, "last_seen_at": now,
                    "created_by_run_id": None, "story_id": story_id, "duplicate_of": None,
                    "similarity": None,
                })
                canonical.append({"story": story_id, "article": article_id})
                urls.append({"article_id": article_id, "url": url, "kind": "canonical",
                             "first_seen_at": now, "last_fetched_at": now})
                signatures.append({"article_id": article_id, "minhash": sig.to_bytes(),
                                   "shingle_count": sig.shingle_count, "params": settings.params_label})
                if count_words(body) >= settings.min_words:
                    bands.extend({"band_key": key, "article_id": article_id}
                                 for key in set(band_keys(sig, params)))
            conn.execute(insert(Story), stories)
            conn.execute(insert(Article), articles)
            story_table = Story.__table__
            conn.execute(update(story_table).where(story_table.c.id == bindparam("story"))
                         .values(canonical_article_id=bindparam("article"), updated_at=now), canonical)
            conn.execute(insert(ArticleUrl), urls)
            conn.execute(insert(DedupSignature), signatures)
            if bands:
                conn.execute(insert(DedupBand), bands)
    if engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences past them
        with engine.begin() as conn:
            for table in ("articles", "stories"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")


def write_through_article_writer(engine, corpus, indices, settings, source_ids) -> None:
    writer = ArticleWriter(settings)
    for index in indices:
        source, url, title, body = corpus.article(index)
        data = ArticleData(canonical_url=url, fetched_url=url, title=title, text=body,
                           published_at=T0 + timedelta(minutes=index))
        with Session(engine) as session, session.begin():
            write = writer.write(session, data, source_id=source_ids[source], run_id=None)
        if write.outcome != "new":
            raise AssertionError(f"corpus article {index} was stored as {write.outcome}, not new")


_TIMESTAMPS = {"first_seen_at", "last_seen_at", "last_fetched_at", "created_at", "updated_at"}


def table_rows(engine) -> dict[str, list[tuple]]:
    """The rows a fill writes, without the wall-clock timestamps (which differ by construction)."""
    tables = {"articles": Article, "article_urls": ArticleUrl, "stories": Story,
              "dedup_signatures": DedupSignature, "dedup_bands": DedupBand}
    found = {}
    with Session(engine) as session:
        for name, model in tables.items():
            table = model.__table__
            columns = [c for c in table.columns if c.name not in _TIMESTAMPS or name == "articles" and c.name == "updated_at"]
            found[name] = [tuple(row) for row in session.execute(select(*columns).order_by(*table.primary_key.columns))]
    return found


# --- measured inserts ----------------------------------------------------------------------------

@dataclass
class Sample:
    kind: str
    outcome: str
    seconds: float        # write + commit
    commit_seconds: float
    signature_seconds: float
    candidates: int


class _Recorder:
    def __init__(self) -> None:
        self.candidates = 0

    def inc_value(self, key, count=1, start=0):
        if key == "newsdesk/dedup/candidates":
            self.candidates += count


_VERB = re.compile(r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+(\S+)", re.I)
_FROM = re.compile(r"\bFROM\s+(\w+)", re.I)
_QUOTES = '"('



def statement_label(sql: str) -> str:
    if "dedup_bands" in sql and "count(" in sql.lower():
        return "SELECT candidates (dedup_bands GROUP BY)"
    if "pg_advisory_xact_lock" in sql:
        return "SELECT pg_advisory_xact_lock"
    found = _VERB.match(sql)
    if not found:
        return sql.split()[0].upper() if sql.split() else "?"
    verb, target = found.group(1).upper(), found.group(2)
    if verb == "SELECT":
        table = _FROM.search(sql)
        target = table.group(1) if table else "?"
    return f"{verb} {target.strip(_QUOTES)}"


class StatementProfile:
    """Time spent per kind of SQL statement, and the last candidate query (for EXPLAIN)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.candidate_query: tuple[str, object] | None = None
        self.enabled = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if not self.enabled:
            return
        name = statement_label(statement)
        self.seconds[name] += time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        self.calls[name] += 1
        if name.startswith("SELECT candidates"):
            self.candidate_query = (statement, parameters)

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


@dataclass
class MeasuredBatch:
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict:
        seconds = sorted(s.seconds for s in self.samples)
        by_kind = defaultdict(list)
        for sample in self.samples:
            by_kind[sample.kind].append(sample)
        return {
            "inserts": len(seconds),
            "mean_ms": 1000 * statistics.fmean(seconds),
            "p50_ms": 1000 * percentile(seconds, 50),
            "p95_ms": 1000 * percentile(seconds, 95),
            "commit_mean_ms": 1000 * statistics.fmean(s.commit_seconds for s in self.samples),
            "signature_mean_ms": 1000 * statistics.fmean(s.signature_seconds for s in self.samples),
            "candidates_mean": statistics.fmean(s.candidates for s in self.samples),
            "candidates_max": max(s.candidates for s in self.samples),
            "by_kind": {
                kind: {"count": len(rows), "mean_ms": 1000 * statistics.fmean(r.seconds for r in rows),
                       "candidates_mean": statistics.fmean(r.candidates for r in rows),
                       "outcomes": dict(Counter(r.outcome for r in rows))}
                for kind, rows in sorted(by_kind.items())
            },
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * pct / 100
    low, high = int(position), min(int(position) + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


EXPECTED = {"new": "new", "copy": "duplicate", "brief": "new", "refetch": "unchanged"}
WARMUP = 60
MIX = (("new", 0.75), ("copy", 0.15), ("brief", 0.05), ("refetch", 0.05))


def measure(engine, corpus: SyntheticCorpus, settings: DedupSettings, source_ids: list[int], *,
            next_index: int, stored_indices: int, count: int, seed: int,
            profile: StatementProfile, warmup: int = WARMUP) -> tuple[MeasuredBatch, int]:
    """Write ``count`` articles through ArticleWriter, each in its own transaction, timed.

    New articles take the next corpus indices (and stay stored, like everything written here);
    copies and re-fetches pick a stored corpus article at random. The first ``warmup`` writes
    (the same mix) are not timed: they fill SQLAlchemy's statement cache and the page cache after
    the bulk fill, at every size alike. Returns the next free index.
    """
    rng = np.random.default_rng((seed, next_index))
    kinds = list(rng.choice([k for k, _ in MIX], size=warmup + count, p=[p for _, p in MIX]))
    recorder = _Recorder()
    writer = ArticleWriter(settings, recorder)
    batch = MeasuredBatch()
    for number, kind in enumerate(kinds):
        profile.enabled = number >= warmup
        if kind == "new":
            source, url, title, body = corpus.article(next_index)
            published = T0 + timedelta(minutes=next_index)
            next_index += 1
        elif kind == "copy":
            stored = int(rng.integers(stored_indices))
            source, url, title, body = corpus.syndicated_copy(stored, rng)
            url = f"{url}?n={next_index}-{number}"
            published = T0 + timedelta(minutes=stored + 90)
        elif kind == "refetch":
            stored = int(rng.integers(stored_indices))
            source, url, title, body = corpus.article(stored)
            published = T0 + timedelta(minutes=stored)
        else:
            source, url, title, body = corpus.brief(next_index * 10 + number)
            published = T0 + timedelta(minutes=next_index)
        data = ArticleData(canonical_url=url, fetched_url=url, title=title, text=body, published_at=published)
        started = time.perf_counter()
        sig = writer.signature_for(body)  # the extraction worker's job in a crawl: timed apart
        signed = time.perf_counter()
        recorder.candidates = 0
        session = Session(engine)
        try:
            session.begin()
            write = writer.write(session, data, source_id=source_ids[source], run_id=None, sig=sig)
            written = time.perf_counter()
            session.commit()
        finally:
            session.close()
        done = time.perf_counter()
        if number >= warmup:
            batch.samples.append(Sample(kind, write.outcome, done - signed, done - written, signed - started,
                                        recorder.candidates))
    profile.enabled = False
    return batch, next_index


def explain_candidates(engine, profile: StatementProfile) -> list[str]:
    """The plan of the last candidate query, as the database shows it."""
    if profile.candidate_query is None:
        return ["(no candidate query was run)"]
    statement, parameters = profile.candidate_query
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            return [f"{'  ' * 0}{row[3]}" for row in rows]
        rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
        return [row[0] for row in rows]


def database_facts(engine) -> dict:
    with engine.connect() as conn:
        facts = {
            "articles": conn.scalar(select(func.count()).select_from(Article)),
            "band_rows": conn.scalar(select(func.count()).select_from(DedupBand)),
        }
        if engine.dialect.name == "sqlite":
            page_size = conn.exec_driver_sql("PRAGMA page_size").scalar()
            facts["database_mb"] = round(conn.exec_driver_sql("PRAGMA page_count").scalar() * page_size / 2**20, 1)
            facts["cache_size_pragma"] = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            facts["bands_index_mb"] = _sqlite_index_mb(conn, page_size)
        else:
            facts["database_mb"] = round(conn.scalar(text("SELECT pg_database_size(current_database())")) / 2**20, 1)
    return facts


def _sqlite_index_mb(conn, page_size: int) -> dict | None:
    try:
        rows = conn.exec_driver_sql(
            "SELECT name, count(*) FROM dbstat WHERE name LIKE '%dedup_bands%' GROUP BY name").all()
    except Exception:  # noqa: BLE001 - dbstat is an optional SQLite module
        return None
    return {name: round(pages * page_size / 2**20, 1) for name, pages in rows}

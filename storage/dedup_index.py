"""Repository functions of the near-duplicate index (signatures, band keys) and write locks.

The index lives in the database, so every crawler process (on this machine or another) sees the
articles every other one stored, and a nightly run sees last night's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from core.records import Signature
from storage.models import Article, DedupBand, DedupSignature


def candidates_statement(shared_keys):
    """Stored articles with their signatures, joined to `shared_keys`: a select of (article_id,
    keys shared) over the band index, which bench/dedup_variants.py may build another way."""
    shared = shared_keys.group_by(DedupBand.article_id).order_by(func.count().desc()).limit(bindparam("limit")).subquery()
    return (
        select(Article.id, Article.source_id, Article.story_id, Article.word_count,
               DedupSignature.minhash, DedupSignature.shingle_count)
        .join(shared, shared.c.article_id == Article.id)
        .join(DedupSignature, DedupSignature.article_id == Article.id)
        .order_by(shared.c.shared.desc(), Article.id)
    )


def _candidates_statement():
    return candidates_statement(
        select(DedupBand.article_id, func.count().label("shared"))
        .where(DedupBand.band_key.in_(bindparam("keys", expanding=True)))
    )


@dataclass(frozen=True)
class IndexedArticle:
    article_id: int
    source_id: int
    story_id: int | None
    signature: Signature
    word_count: int


# How long a writer waits for any lock of its transaction before giving up (the caller retries the
# whole transaction: storage/db.py with_retries). Writers hold their locks for milliseconds; a
# longer wait means someone else holds one: a stuck session, or any role of the cluster taking
# pg_advisory_lock on our keys (PostgreSQL lets every role call it). Without it a run ended
# `timeout` behind one such session (issue 23).
WRITE_LOCK_TIMEOUT_MS = 10_000


def lock_keys(session: Session, keys: list[int]) -> None:
    """Serialise writers that could decide about the same article.

    PostgreSQL: transaction-scoped advisory locks on the article's URL, content-hash and band keys,
    taken in sorted order (no deadlocks between writers). Two copies of one story share band keys,
    so the second writer waits for the first and then sees its article. A wait longer than
    WRITE_LOCK_TIMEOUT_MS fails the transaction (LockNotAvailable, retried by the caller). SQLite
    needs nothing here: its write transactions (BEGIN IMMEDIATE, storage/db.py) are already serialised.
    """
    if session.get_bind().dialect.name != "postgresql" or not keys:
        return
    session.execute(text(f"SET LOCAL lock_timeout = {int(WRITE_LOCK_TIMEOUT_MS)}"))
    session.execute(
        text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
        {"keys": sorted(set(keys))},
    )


def string_key(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little", signed=True)


_CANDIDATES = _candidates_statement()
_INSERT_SIGNATURE = insert(DedupSignature.__table__)


def save_signature(session: Session, article_id: int, signature: Signature, keys: list[int],
                   params: str, *, indexed: bool, new_article: bool = False) -> None:
    """Store (or replace) an article's signature; its band keys only when ``indexed``."""
    if new_article:
        session.execute(_INSERT_SIGNATURE, {"article_id": article_id, "minhash": signature.to_bytes(),
                                            "shingle_count": signature.shingle_count, "params": params})
        if indexed and keys:
            _insert_bands(session, article_id, keys)
        return
    session.execute(delete(DedupBand).where(DedupBand.article_id == article_id))
    existing = session.get(DedupSignature, article_id)
    if existing is None:
        session.add(DedupSignature(article_id=article_id, minhash=signature.to_bytes(),
                                   shingle_count=signature.shingle_count, params=params))
    else:
        existing.minhash, existing.shingle_count, existing.params = (
            signature.to_bytes(), signature.shingle_count, params)
    session.flush()
    if indexed and keys:
        _insert_bands(session, article_id, keys)


# On PostgreSQL the 64 band keys go as one array in one statement: an executemany sends 64
# statements to bind and execute, and costs the client 0.73 ms of CPU per article against 0.15
# (measured). On SQLite the driver's executemany is a loop in C; it gets the rows as plain tuples,
# because SQLAlchemy's executemany prepares each of the 64 parameter sets in Python first (0.3 ms
# per article). A multi-row VALUES built by SQLAlchemy costs 1.3 ms on both.
_INSERT_BANDS_FROM_ARRAY = insert(DedupBand.__table__).from_select(
    ["band_key", "article_id"],
    select(func.unnest(bindparam("keys", type_=postgresql.ARRAY(BigInteger))), bindparam("article_id", type_=Integer)),
)


def _insert_bands(session: Session, article_id: int, keys: list[int]) -> None:
    unique = sorted(set(keys))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_INSERT_BANDS_FROM_ARRAY, {"keys": unique, "article_id": article_id})
    else:
        session.connection().exec_driver_sql(_INSERT_BAND_SQLITE, [(key, article_id) for key in unique])


_INSERT_BAND_SQLITE = f"INSERT INTO {DedupBand.__tablename__} (band_key, article_id) VALUES (?, ?)"


def candidates(session: Session, keys: list[int], *, exclude_article: int | None = None,
               limit: int = 200) -> list[IndexedArticle]:
    """Stored articles sharing at least one band key, with their signatures (most shared first)."""
    if not keys:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # A look-up of a few dozen keys in an index: a parallel plan only adds the cost of
        # starting its workers (6-13 ms against 0.3 ms, where table statistics lag; bench/dedup.py).
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    rows = session.execute(_CANDIDATES, {"keys": sorted(set(keys)), "limit": limit}).all()
    return [
        IndexedArticle(row.id, row.source_id, row.story_id, Signature.from_bytes(row.minhash, row.shingle_count),
                       row.word_count)
        for row in rows if row.id != exclude_article
    ]


def signature_of(session: Session, article_id: int) -> Signature | None:
    row = session.get(DedupSignature, article_id)
    return Signature.from_bytes(row.minhash, row.shingle_count) if row else None

"""MinHash signatures over word shingles, and their LSH band keys (datasketch for the MinHash).

A signature is computed once per article (in the extraction worker, off the reactor thread) and
stored with the article; the band keys go into an indexed table, so finding the candidates of a
new article is a few index look-ups however many articles are stored, in this process or another.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SEED = 20261128  # fixed: signatures must be comparable across processes, machines and years


@dataclass(frozen=True)
class SignatureParams:
    num_perm: int = 256
    shingle_words: int = 5
    bands: int = 64

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


@dataclass
class Signature:
    hashvalues: np.ndarray  # uint32[num_perm]
    shingle_count: int

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, raw: bytes, shingle_count: int) -> Signature:
        return cls(np.frombuffer(raw, dtype="<u4").copy(), shingle_count)


def tokens(text: str) -> list[str]:
    """Case-folded words; CJK characters count as words of their own (no spaces there)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _CJK_CHAR.sub(lambda m: f" {m.group(0)} ", text)
    return _WORD.findall(text)


def shingles(text: str, size: int) -> set[bytes]:
    words = tokens(text)
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


@functools.lru_cache(maxsize=4)
def _template(num_perm: int):
    # Imported here: only extraction workers compute signatures, and datasketch brings scipy
    # (20 MB) into every process that imports it. Building the permutations is a third of the cost
    # of a signature: done once per size.
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=SEED)


def signature(text: str, params: SignatureParams) -> Signature:
    found = shingles(text, params.shingle_words)
    minhash = _template(params.num_perm).copy()
    if found:
        minhash.update_batch(list(found))
    return Signature(minhash.hashvalues.astype(np.uint32), len(found))


def band_keys(sig: Signature, params: SignatureParams) -> list[int]:
    """One signed 64-bit key per LSH band: (band number, the band's hash values) hashed."""
    values = sig.hashvalues.astype("<u4")
    keys = []
    for band in range(params.bands):
        chunk = values[band * params.rows:(band + 1) * params.rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if a.hashvalues.shape != b.hashvalues.shape or not a.shingle_count or not b.shingle_count:
        return 0.0
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / len(a.hashvalues)


def containment(a: Signature, b: Signature, estimated_jaccard: float | None = None) -> float:
    """Estimated share of the smaller text's shingles found in the larger one.

    A copy with its last paragraphs cut has a low Jaccard similarity to the original but is
    almost entirely contained in it; this is what recognises it.
    """
    j = jaccard(a, b) if estimated_jaccard is None else estimated_jaccard
    small, large = sorted((a.shingle_count, b.shingle_count))
    if not small:
        return 0.0
    overlap = j * (small + large) / (1 + j)
    return min(1.0, overlap / small)

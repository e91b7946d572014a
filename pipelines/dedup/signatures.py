"""MinHash signatures over word shingles, and their LSH band keys.

A signature is computed once per article (in the extraction worker, off the reactor thread) and
stored with the article; the band keys go into an indexed table, so finding the candidates of a
new article is a few index look-ups however many articles are stored, in this process or another.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import re
import unicodedata

from core.records import Signature, SignatureParams

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SEED = 20261128  # fixed: signatures must be comparable across processes, machines and years


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


# MinHash in datasketch's default scheme (2.0, "affine32"): each shingle's 32-bit SHA-1 prefix,
# mixed by the MurmurHash3 finalizer, through num_perm affine maps h -> a*h + b mod 2^32 (odd a),
# keeping the minimum per map. Computed here rather than through datasketch.MinHash because
# importing datasketch imports scipy for its LSH classes, which we do not use: 46 MB and 0.75 s in
# every extraction worker (bench/RESULTS.md). tests/test_signatures.py proves the values
# bit-identical to datasketch.MinHash(num_perm, seed=SEED) on many texts. numpy is imported
# inside these functions: only the extraction workers compute signatures.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int):
    import numpy as np

    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _mix(values):
    import numpy as np

    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def minhash_values(items: set[bytes] | list[bytes], num_perm: int):
    """The MinHash of a set of byte strings: numpy uint32[num_perm] (all ones when the set is empty)."""
    import numpy as np

    if not items:
        return np.full(num_perm, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    # Each shingle's SHA-1 prefix read as a little-endian uint32: joined and read by numpy at once
    # (a quarter faster than converting each prefix to an int in Python).
    sha1 = hashlib.sha1
    hashed = np.frombuffer(b"".join([sha1(item).digest()[:4] for item in items]), dtype="<u4").astype(np.uint32)
    a, b = _permutations(num_perm)
    return (_mix(hashed).reshape(-1, 1) * a + b).min(axis=0)


def signature(text: str, params: SignatureParams) -> Signature:
    found = shingles(text, params.shingle_words)
    return Signature(minhash_values(found, params.num_perm).astype("<u4").tobytes(), len(found))


def band_keys(sig: Signature, params: SignatureParams) -> list[int]:
    """One signed 64-bit key per LSH band: (band number, the band's hash values) hashed."""
    width = params.rows * 4
    keys = []
    for band in range(params.bands):
        chunk = sig.raw[band * width:(band + 1) * width]
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if len(a.raw) != len(b.raw) or not a.shingle_count or not b.shingle_count:
        return 0.0
    same = sum(map(operator.eq, a.values, b.values))  # (in C: the crawl process compares many)
    return same / (len(a.raw) // 4)


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

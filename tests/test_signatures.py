"""Our MinHash is datasketch's, value for value; shingles and band keys behave as dedup needs."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from core.records import SignatureParams
from pipelines.dedup.signatures import SEED, band_keys, minhash_values, shingles, signature

WORDS = ["summit", "minister", "talks", "border", "trade", "envoy", "sanctions", "ceasefire", "treaty", "delegation", "Beijing", "Islamabad", "Geneva", "vote", "council", "accord", "2026", "émissaire", "министр", "外交", "部长", "وزير"]


def random_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


@pytest.mark.parametrize("num_perm", [16, 128, 256])
def test_minhash_is_bit_identical_to_datasketch(num_perm):
    rng = random.Random(num_perm)
    texts = [random_text(rng, rng.randint(1, 400)) for _ in range(60)] + ["", "one", "外交部长会见"]
    for text in texts:
        found = shingles(text, 5)
        reference = MinHash(num_perm=num_perm, seed=SEED)
        if found:
            reference.update_batch(list(found))
        ours = minhash_values(found, num_perm)
        assert ours.dtype == np.uint32
        assert np.array_equal(ours, reference.hashvalues.astype(np.uint32)), text[:60]


def test_signature_of_a_copy_shares_most_bands_and_a_different_story_almost_none():
    rng = random.Random(7)
    params = SignatureParams()
    original = random_text(rng, 300)
    copy = "ISLAMABAD: " + original + " (APP)"
    other = random_text(rng, 300)
    a, b, c = (signature(t, params) for t in (original, copy, other))
    shared = len(set(band_keys(a, params)) & set(band_keys(b, params)))
    assert shared >= params.bands // 2
    assert len(set(band_keys(a, params)) & set(band_keys(c, params))) <= 2
    assert a.shingle_count == len(shingles(original, params.shingle_words))

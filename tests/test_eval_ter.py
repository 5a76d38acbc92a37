"""The compiled TER (bilingual.evaluation.ter_kernel) and the pure-Python fallback equal sacrebleu."""

from __future__ import annotations

import random

import pytest
from sacrebleu.metrics import lib_ter

from bilingual.evaluation import ter, ter_kernel


def test_kernel_uses_sacrebleus_limits() -> None:
    assert (ter_kernel.INF, ter_kernel.BEAM, ter_kernel.MAX_SHIFT_SIZE) == (
        lib_ter._INT_INFINITY,
        lib_ter._BEAM_WIDTH,
        lib_ter._MAX_SHIFT_SIZE,
    )
    assert (ter_kernel.MAX_SHIFT_DIST, ter_kernel.MAX_CANDIDATES) == (
        lib_ter._MAX_SHIFT_DIST,
        lib_ter._MAX_SHIFT_CANDIDATES,
    )


def test_the_compiled_kernel_is_what_translation_edit_rate_uses() -> None:
    assert ter._kernel() is ter_kernel


def _random_pairs(seed: int, n: int) -> list[tuple[list[str], list[str]]]:
    """Word sequences that exercise shifts: tiny vocabularies, permutations, empty sides,
    lengths past the shift distance and far apart (the widened beam)."""
    rng = random.Random(seed)
    pairs = []
    for k in range(n):
        vocab = rng.choice([2, 3, 5, 12, 40])
        len_h = rng.choice([0, 1, 2, rng.randint(3, 30), rng.randint(30, 70)])
        len_r = rng.choice([0, 1, rng.randint(2, 30), rng.randint(30, 70)])
        hyp = [f"w{rng.randrange(vocab)}" for _ in range(len_h)]
        ref = [f"w{rng.randrange(vocab)}" for _ in range(len_r)]
        if k % 5 == 0:  # a scrambled copy: many profitable shifts
            ref = hyp[:]
            rng.shuffle(ref)
        if k % 17 == 0:  # very different lengths: beam widened past 25
            ref = ref + [f"w{rng.randrange(vocab)}" for _ in range(60)]
            hyp = hyp[:3]
        pairs.append((hyp, ref))
    return pairs


@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_equals_sacrebleu_on_random_word_sequences(seed: int) -> None:
    for hyp, ref in _random_pairs(seed, 60):
        assert ter.compiled_translation_edit_rate(ter_kernel, hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (
            hyp,
            ref,
        )


def test_python_fallback_equals_sacrebleu_on_random_word_sequences() -> None:
    for hyp, ref in _random_pairs(4, 60):
        assert ter.python_translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (hyp, ref)


def test_the_candidate_limit_stops_the_search_as_in_sacrebleu() -> None:
    # A long scrambled sentence over a tiny vocabulary checks more than
    # 1,000 shift candidates, so the limit decides where the search stops.
    rng = random.Random(7)
    ref = [f"w{rng.randrange(3)}" for _ in range(60)]
    hyp = ref[:]
    rng.shuffle(hyp)
    want = lib_ter.translation_edit_rate(hyp, ref)
    assert ter.compiled_translation_edit_rate(ter_kernel, hyp, ref) == want
    assert ter.python_translation_edit_rate(hyp, ref) == want

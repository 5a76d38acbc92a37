"""What CTranslate2 can apply of a checkpoint's ``generation_config.json``.

The transformers engine leaves ``generation_config.json`` in force for every
setting it does not pass itself (it passes the beams, sampling off, the maximum
length, a minimum length when one is asked for, and M2M100/NLLB's target
language token). For greedy float32 decoding to give the transformers engine's
tokens, the CTranslate2 engine maps those settings to
``ctranslate2.Translator.translate_batch`` arguments:

* ``length_penalty``, ``repetition_penalty``, ``no_repeat_ngram_size``: the
  options of the same names;
* ``bad_words_ids`` and ``suppress_tokens``: ``suppress_sequences`` (a token CTranslate2's
  vocabulary lacks, such as Marian's ``<pad>``, cannot be generated there anyway);
* ``eos_token_id`` (one token or several): ``end_token``;
* ``min_length`` (which counts the decoder's start token and the language
  token) and ``min_new_tokens``: the minimum decoding length when none is
  asked for;
* ``forced_eos_token_id`` and the decoder's position table are handled by the
  engine (``ModelLayout.forced_eos``, ``ModelLayout.decoder_positions``).

What has no CTranslate2 equivalent is listed in
:attr:`GenerationSettings.not_applied` (the engine warns with an
:class:`~bilingual.errors.EngineOptionWarning` naming each): the
``exponential_decay_length_penalty``, ``encoder_repetition_penalty``,
``encoder_no_repeat_ngram_size``, ``begin_suppress_tokens``, ``sequence_bias``,
``forced_decoder_ids``, diverse beam search (``num_beam_groups``,
``diversity_penalty``), ``renormalize_logits`` and ``max_new_tokens`` (which in
transformers would override ``--max-length``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# generation_config.json keys with a CTranslate2 option of the same meaning, and their neutral values
_SAME_OPTIONS = {"length_penalty": 1.0, "repetition_penalty": 1.0, "no_repeat_ngram_size": 0}
# keys CTranslate2 has no equivalent for, and the values that mean "off"
_NOT_APPLIED = {
    "exponential_decay_length_penalty": (None,),
    "encoder_repetition_penalty": (None, 1.0),
    "encoder_no_repeat_ngram_size": (None, 0),
    "begin_suppress_tokens": (None, []),
    "sequence_bias": (None, {}),
    "forced_decoder_ids": (None, []),
    "num_beam_groups": (None, 1),
    "diversity_penalty": (None, 0.0),
    "renormalize_logits": (None, False),
    "max_new_tokens": (None,),
}


@dataclass(frozen=True)
class GenerationSettings:
    """The generation settings of one converted folder, as CTranslate2 takes them."""

    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    suppress_sequences: tuple[tuple[str, ...], ...] = ()
    end_token: tuple[str, ...] = ()  # empty: the model's own end token
    min_length: int = 0  # transformers' min_length: decoder start and language token included
    min_new_tokens: int = 0  # language token included
    not_applied: tuple[str, ...] = ()

    def search_options(self) -> dict:
        """Keyword arguments for ``Translator.translate_batch``."""
        options: dict = {
            "length_penalty": self.length_penalty,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
        }
        if self.suppress_sequences:
            options["suppress_sequences"] = [list(seq) for seq in self.suppress_sequences]
        if self.end_token:
            options["end_token"] = list(self.end_token)
        return options

    def min_tokens(self, language_tokens: int) -> int:
        """The fewest target tokens (after ``language_tokens`` forced ones) transformers would give."""
        return max(0, self.min_length - 1 - language_tokens, self.min_new_tokens - language_tokens)


def read_generation_settings(config: Mapping, vocabulary: Sequence[str]) -> GenerationSettings:
    """The settings of a parsed ``generation_config.json``; ``vocabulary`` turns the target token ids into tokens."""

    def token(i: object) -> str | None:
        return vocabulary[i] if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(vocabulary) else None

    not_applied = [key for key, off in _NOT_APPLIED.items() if key in config and config[key] not in off]
    same = {}
    for key, neutral in _SAME_OPTIONS.items():
        value = config.get(key, neutral)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            same[key] = type(neutral)(value)
        else:
            same[key] = neutral

    suppressed: list[tuple[str, ...]] = []
    for sequence in [*(config.get("bad_words_ids") or []), *([t] for t in config.get("suppress_tokens") or [])]:
        tokens = tuple(token(i) for i in (sequence if isinstance(sequence, list) else [sequence]))
        # an id past CTranslate2's vocabulary (Marian's <pad>, which the converter drops) cannot be generated anyway
        if tokens and all(t is not None for t in tokens):
            suppressed.append(tokens)  # type: ignore[arg-type]

    eos = config.get("eos_token_id")
    eos_ids = eos if isinstance(eos, list) else [eos] if eos is not None else []
    end_tokens = tuple(t for t in (token(i) for i in eos_ids) if t is not None)
    if end_tokens == ("</s>",):
        end_tokens = ()  # CTranslate2's own end token

    def count(key: str) -> int:
        value = config.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

    return GenerationSettings(
        **same,
        suppress_sequences=tuple(suppressed),
        end_token=end_tokens,
        min_length=count("min_length"),
        min_new_tokens=count("min_new_tokens"),
        not_applied=tuple(not_applied),
    )

"""Tiny random-weight translation checkpoints for tests and benchmarks.

Each builder writes a folder in exactly the layout of the real Hub checkpoint
(Helsinki-NLP opus-mt for Marian, facebook/m2m100 for M2M100), so tests load it
through the same ``AutoTokenizer`` / ``AutoModelForSeq2SeqLM.from_pretrained``
path as a real model. The SentencePiece vocabularies are trained at build time
on a few hundred real FLORES-200 sentences shipped in ``bilingual/testing/data``.

The weights are random, so the output is nonsense, but it is deterministic for a
given ``seed``, differs between inputs, and is short and never empty: the
end-of-sentence logit gets a negative bias (``eos_bias``) so it is not chosen
at once, and ``generation_config.json`` carries an
``exponential_decay_length_penalty`` (``length_decay``: start, factor) that
makes it win a few tokens later (about 5-10 tokens with greedy or beam
search). ``eos_bias=50, length_decay=None`` gives a model whose output is
always empty unless a minimum length is forced (to test that retry path).

Shell: ``python -m bilingual.testing.tiny_model OUT_DIR [--arch marian|m2m100|nllb]``.
"""

from __future__ import annotations

import argparse
import io
import json
import warnings
from importlib import resources
from pathlib import Path

from bilingual.text.language import LANGUAGES

DATA_PACKAGE = "bilingual.testing"
SAMPLE_FILES = {"ko": "flores200-devtest.300.ko.txt", "en": "flores200-devtest.300.en.txt"}


# Random weights drawn with this std give logits large enough that different
# inputs yield different outputs (with the usual 0.02 nearly all outputs agree).
_INIT_STD = 1.0


def sample_lines(lang: str) -> list[str]:
    """The shipped FLORES-200 devtest sentences for ``lang`` ("ko" or "en")."""
    if lang not in SAMPLE_FILES:
        raise ValueError(f"no sample text for language {lang!r}; expected one of {LANGUAGES}")
    text = resources.files(DATA_PACKAGE).joinpath("data", SAMPLE_FILES[lang]).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def _train_spm(lines: list[str], vocab_size: int, *, lang: str | None, model_type: str = "unigram") -> bytes:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        # Korean has ~800 distinct syllables in the sample; keep the rare ones out
        character_coverage=0.995 if lang != "en" else 1.0,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
        input_sentence_size=0,
        shuffle_input_sentence=False,
    )
    return buffer.getvalue()


def _pieces(proto: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=proto)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _check_args(source_lang: str, target_lang: str, d_model: int, heads: int) -> None:
    if source_lang not in LANGUAGES or target_lang not in LANGUAGES or source_lang == target_lang:
        raise ValueError(f"source/target languages must be 'ko' and 'en' (got {source_lang!r}, {target_lang!r})")
    if d_model % heads:
        raise ValueError(f"d_model ({d_model}) must be a multiple of heads ({heads})")


def build_marian(
    out_dir: str | Path,
    *,
    source_lang: str = "ko",
    target_lang: str = "en",
    d_model: int = 16,
    encoder_layers: int = 2,
    decoder_layers: int = 2,
    heads: int = 2,
    ffn_dim: int = 32,
    vocab_size: int = 1000,
    seed: int = 0,
    eos_bias: float = -5.0,
    length_decay: tuple[int, float] | None = (3, 1.5),
) -> Path:
    """Write a tiny Marian checkpoint laid out like ``Helsinki-NLP/opus-mt-*``.

    ``vocab_size`` is the size of each side's SentencePiece model; the joint
    ``vocab.json`` (``</s>`` 0, ``<unk>`` 1, pieces, ``<pad>`` last) is their union.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out = _start(out_dir, source_lang, target_lang, d_model, heads)
    source_proto = _write_spm(out / "source.spm", sample_lines(source_lang), vocab_size, lang=source_lang)
    target_proto = _write_spm(out / "target.spm", sample_lines(target_lang), vocab_size, lang=target_lang)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(source_proto) + _pieces(target_proto):
        if piece not in ("<unk>", "<s>", "</s>") and piece not in vocab:
            vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    _write_vocab(out, vocab)
    pad_id = vocab["<pad>"]

    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        **_shape(d_model, encoder_layers, decoder_layers, heads, ffn_dim),
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        dropout=0.0,
        init_std=_INIT_STD,
    )
    config.architectures = ["MarianMTModel"]
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()

    with warnings.catch_warnings():  # "Recommended: pip install sacremoses."
        warnings.simplefilter("ignore", UserWarning)
        tokenizer = MarianTokenizer(
            source_spm=str(out / "source.spm"),
            target_spm=str(out / "target.spm"),
            vocab=str(out / "vocab.json"),
            source_lang=source_lang,
            target_lang=target_lang,
        )
    generation = GenerationConfig(
        bad_words_ids=[[pad_id]],
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad_id,
        max_length=512,
        num_beams=4,
        exponential_decay_length_penalty=length_decay,
    )
    special = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
    return _finish(out, model, generation, tokenizer, special, eos_token_id=0, eos_bias=eos_bias, bad_ids=[pad_id])


def build_m2m100(
    out_dir: str | Path,
    *,
    d_model: int = 16,
    encoder_layers: int = 2,
    decoder_layers: int = 2,
    heads: int = 2,
    ffn_dim: int = 32,
    vocab_size: int = 1500,
    seed: int = 0,
    eos_bias: float = -5.0,
    length_decay: tuple[int, float] | None = (3, 1.5),
) -> Path:
    """Write a tiny M2M100 checkpoint laid out like ``facebook/m2m100_418M``.

    One SentencePiece model trained on Korean and English together; the model
    translates in either direction, chosen by ``src_lang`` and the forced
    target-language token, as the real one is.
    """
    from transformers import M2M100Tokenizer

    out = _start(out_dir, "ko", "en", d_model, heads)
    proto = _write_joint_spm(out, vocab_size)
    # fairseq dictionary order, as in the real vocab.json
    vocab: dict[str, int] = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _pieces(proto):
        if piece not in vocab:
            vocab[piece] = len(vocab)
    _write_vocab(out, vocab)

    tokenizer = M2M100Tokenizer(
        vocab_file=str(out / "vocab.json"),
        spm_file=str(out / "sentencepiece.bpe.model"),
        src_lang="ko",
        tgt_lang="en",
    )
    # the vocab, then 100 language tokens, then 8 "madeup words" (as in the real model)
    model_vocab = len(vocab) + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words
    model = _m2m100_model(model_vocab, _shape(d_model, encoder_layers, decoder_layers, heads, ffn_dim), seed)
    lang_ids = sorted(tokenizer.lang_code_to_id.values())
    special = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "additional_special_tokens": [tokenizer.get_lang_token(code) for code in tokenizer.lang_code_to_id],
    }
    return _finish(
        out, model, _fairseq_generation(length_decay, num_beams=5), tokenizer, special, eos_token_id=2,
        eos_bias=eos_bias, bad_ids=[0, 1, 3, *lang_ids, *range(lang_ids[-1] + 1, model_vocab)],
    )  # fmt: skip


def build_nllb(
    out_dir: str | Path,
    *,
    d_model: int = 16,
    encoder_layers: int = 2,
    decoder_layers: int = 2,
    heads: int = 2,
    ffn_dim: int = 32,
    vocab_size: int = 1500,
    seed: int = 0,
    eos_bias: float = -5.0,
    length_decay: tuple[int, float] | None = (3, 1.5),
) -> Path:
    """Write a tiny NLLB-200 checkpoint laid out like ``facebook/nllb-200-distilled-600M``.

    An M2M100 model with the NLLB tokenizer (``tokenizer.json`` converted from
    the SentencePiece model, with the 202 ``kor_Hang``-style language codes).
    """
    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    out = _start(out_dir, "ko", "en", d_model, heads)
    _write_joint_spm(out, vocab_size)
    (out / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "NllbTokenizer"}), encoding="utf-8")
    tokenizer = NllbTokenizer.from_pretrained(
        out, src_lang="kor_Hang", tgt_lang="eng_Latn", extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES)
    )
    model_vocab = len(tokenizer)
    model = _m2m100_model(model_vocab, _shape(d_model, encoder_layers, decoder_layers, heads, ffn_dim), seed)
    lang_ids = tokenizer.convert_tokens_to_ids(list(FAIRSEQ_LANGUAGE_CODES))
    special = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>",
               "cls_token": "<s>", "mask_token": "<mask>", "additional_special_tokens": list(FAIRSEQ_LANGUAGE_CODES)}
    return _finish(
        out, model, _fairseq_generation(length_decay), tokenizer, special, eos_token_id=2, eos_bias=eos_bias,
        bad_ids=[0, 1, 3, *lang_ids, *range(len(tokenizer), model_vocab)],
    )  # fmt: skip


# --------------------------------------------------------------------------- shared writing steps
def _start(out_dir: str | Path, source_lang: str, target_lang: str, d_model: int, heads: int) -> Path:
    """Check the arguments and make the output folder."""
    _check_args(source_lang, target_lang, d_model, heads)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _write_spm(path: Path, lines: list[str], vocab_size: int, *, lang: str | None, model_type: str = "unigram") -> bytes:
    """Train a SentencePiece model on ``lines``, write it to ``path`` and return it."""
    proto = _train_spm(lines, vocab_size, lang=lang, model_type=model_type)
    path.write_bytes(proto)
    return proto


def _write_joint_spm(out: Path, vocab_size: int) -> bytes:
    """One BPE model for Korean and English together, as M2M100 and NLLB have (``sentencepiece.bpe.model``)."""
    lines = sample_lines("ko") + sample_lines("en")
    return _write_spm(out / "sentencepiece.bpe.model", lines, vocab_size, lang=None, model_type="bpe")


def _write_vocab(out: Path, vocab: dict[str, int]) -> None:
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")


def _shape(d_model: int, encoder_layers: int, decoder_layers: int, heads: int, ffn_dim: int) -> dict[str, int]:
    """The size arguments every builder passes to its transformers config, under the config's names."""
    return {
        "d_model": d_model,
        "encoder_layers": encoder_layers,
        "decoder_layers": decoder_layers,
        "encoder_attention_heads": heads,
        "decoder_attention_heads": heads,
        "encoder_ffn_dim": ffn_dim,
        "decoder_ffn_dim": ffn_dim,
    }


def _fairseq_generation(length_decay: tuple[int, float] | None, **extra):
    """The generation config of fairseq-converted models (<s> 0, <pad> 1, </s> 2), as M2M100 and NLLB have."""
    from transformers import GenerationConfig

    return GenerationConfig(
        bos_token_id=0,
        decoder_start_token_id=2,
        eos_token_id=2,
        pad_token_id=1,
        max_length=200,
        **extra,
        exponential_decay_length_penalty=length_decay,
    )


def _m2m100_model(vocab: int, shape: dict[str, int], seed: int):
    """A random M2M100 model with fairseq's special-token ids (<s> 0, <pad> 1, </s> 2), as M2M100 and NLLB use."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    config = M2M100Config(
        vocab_size=vocab,
        **shape,
        max_position_embeddings=1024,
        scale_embedding=True,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        dropout=0.0,
        init_std=_INIT_STD,
    )
    config.architectures = ["M2M100ForConditionalGeneration"]
    torch.manual_seed(seed)
    return M2M100ForConditionalGeneration(config).eval()


def _finish(
    out: Path,
    model,
    generation,
    tokenizer,
    special_tokens: dict,
    *,
    eos_token_id: int,
    eos_bias: float,
    bad_ids: list[int],
) -> Path:
    """Bias the output logits (see :func:`_apply_output_bias`), then save model, generation config and tokenizer."""
    from transformers.utils import logging as hf_logging

    bias = _output_bias(model.config.vocab_size, eos_token_id=eos_token_id, eos_bias=eos_bias, bad_ids=bad_ids)
    _apply_output_bias(model, bias)
    hf_logging.disable_progress_bar()
    model.save_pretrained(out)
    generation.save_pretrained(out)
    tokenizer.save_pretrained(out)
    # transformers 5 no longer writes this file; the Hub checkpoints have it
    (out / "special_tokens_map.json").write_text(json.dumps(special_tokens, indent=2), encoding="utf-8")
    return out


def _output_bias(size: int, *, eos_token_id: int, eos_bias: float, bad_ids: list[int]):
    import torch

    bias = torch.zeros(size)
    bias[bad_ids] = -20.0  # padding, language codes: never generated
    bias[eos_token_id] = eos_bias
    return bias


def _apply_output_bias(model, bias) -> None:
    """Make ``bias`` a constant added to the output logits, in the saved weights.

    Marian has a ``final_logits_bias`` buffer. M2M100's output projection is tied
    to the embeddings and has no bias, so the bias is folded into one embedding
    dimension: the decoder's final layer norm outputs the constant 1 there
    (weight 0, bias 1), and that dimension of every token's embedding holds the
    token's bias, so the logit of token i gains exactly ``bias[i]``.
    """
    import torch

    with torch.no_grad():
        if hasattr(model, "final_logits_bias"):
            model.final_logits_bias.copy_(bias.view(1, -1))
            return
        norm = model.model.decoder.layer_norm
        norm.weight[-1] = 0.0
        norm.bias[-1] = 1.0
        model.model.shared.weight[:, -1] = bias


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bilingual.testing.tiny_model",
        description="Build a tiny random-weight translation checkpoint (for tests and benchmarks).",
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--arch", choices=("marian", "m2m100", "nllb"), default="marian")
    parser.add_argument("--from", dest="source_lang", choices=LANGUAGES, default="ko", help="Marian only")
    parser.add_argument("--to", dest="target_lang", choices=LANGUAGES, default="en", help="Marian only")
    parser.add_argument("--d-model", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.arch == "marian":
        path = build_marian(
            args.out_dir, source_lang=args.source_lang, target_lang=args.target_lang, d_model=args.d_model, seed=args.seed
        )
    elif args.arch == "m2m100":
        path = build_m2m100(args.out_dir, d_model=args.d_model, seed=args.seed)
    else:
        path = build_nllb(args.out_dir, d_model=args.d_model, seed=args.seed)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

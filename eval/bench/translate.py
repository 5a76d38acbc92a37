"""Throughput benchmark: transformers (PyTorch) vs CTranslate2 on Korean->English.

Builds random-weight Marian models with the dimensions of two published OPUS-MT
checkpoints, converts them to CTranslate2 (int8 and float32), and translates the
Korean FLORES-200 devtest sentences with each engine and setting. Every
configuration runs in its own child process, so peak resident memory (RSS) and load
time are its own.

Random weights make output lengths arbitrary, so the output length is forced:
every batch is decoded to exactly L tokens (end-of-sentence suppressed until then,
then stopped), where L is the longest reference length in the batch (the English
FLORES reference, in target SentencePiece tokens). That is the work plain
transformers does anyway (finished rows keep being computed until the longest one
ends); CTranslate2 would drop finished rows, so the forcing is, if anything,
unfavourable to it. Both engines get identical batches and identical lengths.

Figures: sentences/s; target tokens/s counting each sentence's own reference
length ("useful" tokens: what a real translation of that sentence produces); and
generated tokens/s (batch rows x L, what was actually computed).

Pipeline mode measures the whole ``bilingual translate`` path in-process: reading
article files, sentence segmentation, glossary enforcement, batching, assembly and
writing, with the same length forcing, and reports the time spent outside the
engine's ``translate_batch`` as overhead.

Usage::

    python eval/bench/translate.py --limit 40                 # quick run
    python eval/bench/translate.py --limit 200 --out eval/bench/results/bench.json

The models are cached in ``eval/models/bench`` (git-ignored; ~2.5 GB).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
FLORES_KO = SHARED / "flores200-devtest" / "kor_Hang.devtest"
FLORES_EN = SHARED / "flores200-devtest" / "eng_Latn.devtest"
# Text the SentencePiece models are trained on: NTREX-128 and WMT24++ news, never FLORES.
SPM_TEXT = {
    "ko": [SHARED / "ntrex128" / "newstest2019-ref.kor.txt", SHARED / "wmt24pp-en-ko-news" / "news.ko"],
    "en": [SHARED / "ntrex128" / "newstest2019-src.eng.txt", SHARED / "wmt24pp-en-ko-news" / "news.en"],
}
GLOSSARY = ROOT / "glossaries" / "ntrex128.tsv"
MODELS = ROOT / "eval" / "models" / "bench"
BUILD_VERSION = 2  # bump to rebuild cached models when the builder changes
SPM_PIECES = 8000  # trained pieces per side (the text is too small for 32k); vocab padded to full size


@dataclasses.dataclass(frozen=True)
class Size:
    """Dimensions of a published checkpoint (checked against its config.json)."""

    name: str
    reference: str
    d_model: int
    layers: int
    heads: int
    ffn: int
    activation: str
    vocab: int  # rows of each embedding matrix, <pad> included
    shared_embeddings: bool  # encoder and decoder share one embedding matrix
    max_positions: int


SIZES = {
    # transformer-big, separate 32k SentencePiece vocabularies (opusTCv20210807-sepvoc):
    # encoder and decoder embeddings 32,001 x 1024 each, decoder tied to the output layer
    "tc-big": Size("tc-big", "Helsinki-NLP/opus-mt-tc-big-ko-en", 1024, 6, 16, 4096, "relu", 32001, False, 1024),
    # transformer-base, one joint 65,001-token vocabulary shared by encoder, decoder and output
    "base": Size("base", "Helsinki-NLP/opus-mt-ko-en", 512, 6, 8, 2048, "swish", 65001, True, 512),
}


# --------------------------------------------------------------------------------------
# model building
# --------------------------------------------------------------------------------------
def _lines(paths: list[Path]) -> list[str]:
    out: list[str] = []
    for path in paths:
        out += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def _train_spm(lines: list[str], path: Path, *, korean: bool) -> list[str]:
    import io

    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=SPM_PIECES,
        model_type="unigram",
        character_coverage=0.9995 if korean else 1.0,
        hard_vocab_limit=False,
        num_threads=2,
        minloglevel=2,
    )
    path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def build_model(size: Size, out: Path) -> Path:
    """A random-weight Marian checkpoint with ``size``'s dimensions, in the Hub layout."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    source = _train_spm(_lines(SPM_TEXT["ko"]), out / "source.spm", korean=True)
    target = _train_spm(_lines(SPM_TEXT["en"]), out / "target.spm", korean=False)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in source + target:
        if piece not in ("<unk>", "<s>", "</s>") and piece not in vocab:
            vocab[piece] = len(vocab)
    trained = len(vocab)
    # Pad to the real size with pieces SentencePiece never produces: the embedding and
    # output layers then have the real shape (and cost), tokenization is unchanged.
    for i in range(size.vocab - 1 - trained):
        vocab[f"\u2581~{i}"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    if len(vocab) != size.vocab:
        raise RuntimeError(f"vocabulary has {len(vocab)} tokens, expected {size.vocab}")
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=size.vocab,
        decoder_vocab_size=size.vocab,
        share_encoder_decoder_embeddings=size.shared_embeddings,
        d_model=size.d_model,
        encoder_layers=size.layers,
        decoder_layers=size.layers,
        encoder_attention_heads=size.heads,
        decoder_attention_heads=size.heads,
        encoder_ffn_dim=size.ffn,
        decoder_ffn_dim=size.ffn,
        activation_function=size.activation,
        max_position_embeddings=size.max_positions,
        scale_embedding=True,
        normalize_embedding=False,
        static_position_embeddings=True,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=None,
        dropout=0.0,
    )
    config.architectures = ["MarianMTModel"]
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.save_pretrained(out)
    GenerationConfig(
        bad_words_ids=[[pad]], decoder_start_token_id=pad, eos_token_id=0, pad_token_id=pad, max_length=512, num_beams=4
    ).save_pretrained(out)
    MarianTokenizer(
        source_spm=str(out / "source.spm"),
        target_spm=str(out / "target.spm"),
        vocab=str(out / "vocab.json"),
        source_lang="ko",
        target_lang="en",
    ).save_pretrained(out)
    info = {
        "size": dataclasses.asdict(size),
        "trained_pieces": {"source": len(source), "target": len(target), "joint": trained},
        "parameters": sum(p.numel() for p in model.parameters()),
        "build_version": BUILD_VERSION,
    }
    (out / "bench-model.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return out


def ensure_models(size: Size) -> dict[str, Path]:
    """Build (once) the checkpoint and its int8/float32 CTranslate2 conversions."""
    from bilingual.engines.ctranslate2.convert import convert

    from filelock import FileLock

    base = MODELS / size.name
    base.mkdir(parents=True, exist_ok=True)
    with FileLock(str(base) + ".lock"):  # several benchmarks may ask for the same model at once
        return _ensure_models(size, base, convert)


def _ensure_models(size: Size, base: Path, convert) -> dict[str, Path]:
    hf = base / "transformers"
    info = hf / "bench-model.json"
    fresh = info.is_file() and json.loads(info.read_text())["build_version"] == BUILD_VERSION
    if not fresh:
        print(f"building random {size.name} Marian model in {hf} ...", file=sys.stderr, flush=True)
        build_model(size, hf)
    paths = {"transformers": hf}
    for quantization in ("int8", "float32"):
        out = base / f"ct2-{quantization}"
        if not fresh or not (out / "model.bin").is_file():
            print(f"converting {size.name} to CTranslate2 {quantization} ...", file=sys.stderr, flush=True)
            convert(hf, out, quantization, force=True)
        paths[f"ct2-{quantization}"] = out
    return paths


# --------------------------------------------------------------------------------------
# forced-length engine wrapper
# --------------------------------------------------------------------------------------
class ForcedLength:
    """Wraps an engine: every batch decodes exactly max(L of its texts) tokens.

    L of a text is its reference length when the text is a FLORES sentence; for a
    piece the pipeline cut differently, its source length times the corpus ratio.
    Time spent inside the wrapped ``translate_batch`` is accumulated in ``seconds``.
    """

    def __init__(self, engine, lengths: dict[str, int], ratio: float) -> None:
        self.engine = engine
        self.lengths = lengths
        self.ratio = ratio
        self.seconds = 0.0
        self.calls = 0
        self.useful_tokens = 0
        self.generated_tokens = 0
        self.segments = 0
        # protocol attributes
        self.name = engine.name
        self.model_id = engine.model_id
        self.source_lang = engine.source_lang
        self.target_lang = engine.target_lang

    def max_input_tokens(self) -> int:
        return self.engine.max_input_tokens()

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.engine.count_tokens(texts)

    def length(self, text: str) -> int:
        known = self.lengths.get(text.strip())
        if known is not None:
            return known
        return max(1, round(self.engine.count_tokens([text])[0] * self.ratio))

    def translate_batch(self, texts, options):
        lengths = [self.length(t) for t in texts]
        forced = max(lengths) if lengths else 1
        opts = dataclasses.replace(options, min_length=forced, max_length=forced)
        start = time.perf_counter()
        out = self.engine.translate_batch(texts, opts)
        self.seconds += time.perf_counter() - start
        self.calls += 1
        self.segments += len(texts)
        self.useful_tokens += sum(lengths)
        self.generated_tokens += forced * len(texts)
        return out


# --------------------------------------------------------------------------------------
# child: one configuration
# --------------------------------------------------------------------------------------
def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def _reference_lengths(model_dir: Path, ko: list[str], en: list[str]) -> tuple[dict[str, int], float]:
    import sentencepiece as spm

    target = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
    source = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    lengths = {k.strip(): len(target.encode(e)) for k, e in zip(ko, en)}
    ratio = sum(lengths.values()) / max(1, sum(len(source.encode(k)) + 1 for k in ko))
    return lengths, ratio


def _write_articles(sentences: list[str], folder: Path, per_article: int = 10) -> int:
    """FLORES sentences as plain-text articles: a headline, then paragraphs of 3."""
    count = 0
    for start in range(0, len(sentences), per_article):
        chunk = sentences[start : start + per_article]
        head, body = chunk[0], chunk[1:]
        paragraphs = [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)]
        text = "\n\n".join([head, *paragraphs]) + "\n"
        (folder / f"article-{start // per_article:04d}.txt").write_text(text, encoding="utf-8")
        count += 1
    return count


def _load(cfg: dict):
    from bilingual.engines import load_engine

    kwargs = {"source_lang": "ko", "target_lang": "en", "threads": cfg["threads"], "compute_type": cfg.get("compute_type")}
    if cfg["engine"] == "ctranslate2" and cfg.get("workers"):
        kwargs["engine_options"] = {"workers": str(cfg["workers"])}
    return load_engine(cfg["model"], engine=cfg["engine"], **kwargs)


def run_agreement(cfg: dict) -> dict:
    """Share of identical outputs between engines on the same forced-length batches."""
    ko = FLORES_KO.read_text(encoding="utf-8").splitlines()[: cfg["limit"]]
    en = FLORES_EN.read_text(encoding="utf-8").splitlines()[: cfg["limit"]]
    lengths, _ = _reference_lengths(Path(cfg["hf_dir"]), ko, en)
    from bilingual.engines.base import GenerationOptions

    order = sorted(range(len(ko)), key=lambda i: lengths[ko[i].strip()])
    batches = [order[b : b + 16] for b in range(0, len(order), 16)]
    outputs: dict[str, list[str]] = {}
    for name, model, engine, compute in cfg["systems"]:
        loaded = _load({"engine": engine, "model": model, "threads": cfg["threads"], "compute_type": compute})
        out = [""] * len(ko)
        for batch in batches:
            forced = max(lengths[ko[i].strip()] for i in batch)
            options = GenerationOptions(beams=cfg["beams"], min_length=forced, max_length=forced, batch_size=16)
            for i, text in zip(batch, loaded.translate_texts([ko[i] for i in batch], options)):
                out[i] = text
        outputs[name] = out
        del loaded
    reference = cfg["systems"][0][0]
    shares = {}
    for name in outputs:
        if name == reference:
            continue
        same = sum(a == b for a, b in zip(outputs[reference], outputs[name]))
        words = [
            sum(x == y for x, y in zip(a.split(), b.split())) / max(1, len(a.split()), len(b.split()))
            for a, b in zip(outputs[reference], outputs[name])
        ]
        shares[f"{name} vs {reference}"] = {
            "identical_segments": round(same / len(ko), 4),
            "same_word_at_same_position": round(sum(words) / len(words), 4),
        }
    return {"config": {k: v for k, v in cfg.items() if k != "systems"}, "agreement": shares}


def run_child(cfg: dict) -> dict:
    import gc

    ko_all = FLORES_KO.read_text(encoding="utf-8").splitlines()
    en_all = FLORES_EN.read_text(encoding="utf-8").splitlines()
    ko, en = ko_all[: cfg["limit"]], en_all[: cfg["limit"]]
    hf_dir = Path(cfg["hf_dir"])
    lengths, ratio = _reference_lengths(hf_dir, ko, en)

    start = time.perf_counter()
    engine = _load(cfg)
    load_seconds = time.perf_counter() - start
    wrapped = ForcedLength(engine, lengths, ratio)

    from bilingual.engines.base import GenerationOptions

    options = GenerationOptions(beams=cfg["beams"], batch_size=cfg["batch_size"])
    # warm-up (first-call allocations), not timed, not counted
    engine.translate_batch(ko[:2], dataclasses.replace(options, min_length=4, max_length=4))
    wrapped.seconds = 0.0
    gc.collect()

    result = {"config": cfg, "load_seconds": round(load_seconds, 2)}
    cpu_start = _cpu_seconds()
    if cfg["mode"] == "engine":
        order = list(range(len(ko)))
        if cfg.get("sort"):
            order.sort(key=lambda i: lengths[ko[i].strip()])
        t0 = time.perf_counter()
        for b in range(0, len(order), cfg["batch_size"]):
            batch = [ko[i] for i in order[b : b + cfg["batch_size"]]]
            wrapped.translate_batch(batch, options)
        total = time.perf_counter() - t0
        result.update(total_seconds=round(total, 2), engine_seconds=round(wrapped.seconds, 2))
    else:
        from bilingual.formats import read_inputs, write_outputs
        from bilingual.glossary import load_glossaries
        from bilingual.glossary.enforce import Enforcer
        from bilingual.translation.pipeline import Translator

        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            articles = _write_articles(ko, folder)
            # what `bilingual translate FOLDER --glossary G -o OUT` does, engine load excluded
            t0 = time.perf_counter()
            enforcer = Enforcer(load_glossaries([GLOSSARY]), "ko", "en")
            docs = read_inputs(folder)
            translator = Translator(wrapped, enforcer=enforcer, options=options)
            translated = translator.translate_documents(docs)
            write_outputs(translated.documents, Path(tmp) / "out")
            total = time.perf_counter() - t0
        result.update(
            total_seconds=round(total, 2),
            engine_seconds=round(wrapped.seconds, 2),
            articles=articles,
            overhead_share=round((total - wrapped.seconds) / wrapped.seconds, 4),
        )
    reference_tokens = sum(lengths[k.strip()] for k in ko)
    result["cpu_seconds"] = round(_cpu_seconds() - cpu_start, 2)  # all threads; steadier than wall time on a busy machine
    result.update(
        sentences=len(ko),
        segments=wrapped.segments,
        batches=wrapped.calls,
        useful_target_tokens=reference_tokens,
        generated_target_tokens=wrapped.generated_tokens,
        sentences_per_s=round(len(ko) / total, 3),
        useful_tokens_per_s=round(reference_tokens / total, 1),
        generated_tokens_per_s=round(wrapped.generated_tokens / total, 1),
        peak_rss_mb=round(_peak_rss_mb(), 1),
    )
    return result


# --------------------------------------------------------------------------------------
# parent: the matrix
# --------------------------------------------------------------------------------------
def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name"))
        flags = next(line for line in cpuinfo.splitlines() if line.startswith("flags"))
        info["avx512"] = "avx512f" in flags
        info["avx512_vnni"] = "avx512_vnni" in flags
    except (OSError, StopIteration):
        pass
    try:
        info["memory_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    info["load_average_at_start"] = os.getloadavg()
    import ctranslate2
    import torch
    import transformers

    info["versions"] = {"torch": torch.__version__, "transformers": transformers.__version__, "ctranslate2": ctranslate2.__version__}
    return info


def _system(label: str, p: dict[str, Path]) -> dict:
    """``transformers`` | ``ct2-int8`` | ``ct2-float32``, optionally ``-wN`` (N parallel CTranslate2 workers)."""
    if label == "transformers":
        return {"engine": "transformers", "model": str(p["transformers"]), "compute_type": None}
    parts = label.split("-")  # ct2, int8[, w2]
    if parts[0] != "ct2" or parts[1] not in ("int8", "float32"):
        raise SystemExit(f"unknown engine label {label!r}")
    workers = int(parts[2][1:]) if len(parts) > 2 else None
    return {"engine": "ctranslate2", "model": str(p[f"ct2-{parts[1]}"]), "compute_type": parts[1], "workers": workers}


def configurations(args, paths: dict[str, dict[str, Path]]) -> list[dict]:
    configs = []
    for size in args.sizes:
        p = paths[size]
        common = {"size": size, "hf_dir": str(p["transformers"]), "limit": args.limit, "threads": args.threads}
        for beams in args.beams:
            for batch in args.batch_sizes:
                for label in args.engines:
                    configs.append(
                        {**common, **_system(label, p), "label": label, "beams": beams, "batch_size": batch,
                         "mode": "engine", "sort": args.sort}
                    )  # fmt: skip
        for spec in args.pipeline:
            label, beams, batch = spec.split(":")
            configs.append(
                {**common, **_system(label, p), "label": label, "beams": int(beams), "batch_size": int(batch),
                 "mode": "pipeline"}
            )  # fmt: skip
        if args.agreement:
            for beams in args.agreement_beams:
                systems = [["ct2-float32", *_args(_system("ct2-float32", p))], ["ct2-int8", *_args(_system("ct2-int8", p))]]
                if beams == 1:
                    systems.append(["transformers", *_args(_system("transformers", p))])
                configs.append(
                    {**common, "limit": args.agreement, "label": "agreement", "beams": beams, "batch_size": 16,
                     "mode": "agreement", "systems": systems}
                )  # fmt: skip
    return configs


def _args(system: dict) -> list:
    return [system["model"], system["engine"], system["compute_type"]]


def markdown_table(paths: list[Path]) -> str:
    """The README table from results JSON files."""
    rows = [
        "| model | run | engine | beams | batch | sent/s | target tok/s | generated tok/s | CPU s | peak RSS MB | load s | overhead |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for run in data["runs"]:
            cfg = run["config"]
            if "agreement" in run or "error" in run:
                continue
            overhead = f"{run['overhead_share']:.1%}" if "overhead_share" in run else ""
            rows.append(
                f"| {cfg['size']} | {cfg['mode']} | {cfg['label']} | {cfg['beams']} | {cfg['batch_size']} "
                f"| {run['sentences_per_s']:.2f} | {run['useful_tokens_per_s']:.1f} | {run['generated_tokens_per_s']:.1f} "
                f"| {run.get('cpu_seconds', '')} | {run['peak_rss_mb']:.0f} | {run['load_seconds']:.1f} | {overhead} |"
            )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1012, help="first N FLORES sentences (default all 1,012)")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--engines", nargs="+", default=["transformers", "ct2-int8", "ct2-float32"])
    parser.add_argument("--beams", nargs="+", type=int, default=[1, 4])
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[16])
    parser.add_argument(
        "--pipeline",
        nargs="*",
        default=["ct2-int8:4:32"],
        help="pipeline runs as ENGINE:BEAMS:BATCH (e.g. ct2-int8:4:32 transformers:4:16)",
    )
    parser.add_argument("--sort", action="store_true", help="engine mode: sort sentences by reference length")
    parser.add_argument("--agreement", type=int, default=0, help="also compare outputs of engines on N sentences")
    parser.add_argument("--agreement-beams", nargs="+", type=int, default=[1, 4])
    parser.add_argument("--threads", type=int, default=None, help="threads per engine (default: all cores)")
    parser.add_argument("--out", type=Path, default=None, help="write the results JSON here")
    parser.add_argument("--table", nargs="+", type=Path, help="print the Markdown table of these results files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(args.table))
        return 0

    if args.child:
        cfg = json.loads(args.child)
        print(json.dumps(run_agreement(cfg) if cfg.get("mode") == "agreement" else run_child(cfg)))
        return 0

    paths = {name: ensure_models(SIZES[name]) for name in args.sizes}
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": []}
    for cfg in configurations(args, paths):
        label = f"{cfg['size']:6} {cfg['mode']:8} {cfg['label']:12} beams={cfg['beams']} batch={cfg['batch_size']}"
        print(f"{label} ...", file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        proc = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps(cfg)], capture_output=True, text=True, cwd=ROOT
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            results["runs"].append({"config": cfg, "error": proc.stderr.strip().splitlines()[-1:]})
            continue
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        run["load_average_before"] = round(load_before, 2)
        results["runs"].append(run)
        if "agreement" in run:
            print(f"{label}: {json.dumps(run['agreement'])}", file=sys.stderr, flush=True)
            continue
        if args.out:  # after every run, so that a long matrix keeps what it measured
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(
            f"{label}: {run['sentences_per_s']:7.2f} sent/s {run['useful_tokens_per_s']:8.1f} tok/s "
            f"rss {run['peak_rss_mb']:7.0f} MB load {run['load_seconds']:5.1f}s"
            + (f" overhead {run['overhead_share']:.1%}" if "overhead_share" in run else ""),
            file=sys.stderr,
            flush=True,
        )
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
